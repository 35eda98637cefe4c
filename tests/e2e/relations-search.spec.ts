import { expect, test } from '@playwright/test';
import { axeBothThemes, logIn } from './helpers.ts';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';

// Its own server with the seeded demo namespace (web ×4, api ×3, flaky-worker, the web Service) on two nodes.
let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2', ENTROOS_DEMO: 'true' } });
});
test.afterAll(async () => {
  await server?.stop();
});

test('the relations map of the demo namespace, live, each box a link', async ({ page }) => {
  test.setTimeout(60_000);
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.getByRole('link', { name: 'Relations map' }).click();
  await expect(page).toHaveURL(/\/map$/);
  const map = page.getByTestId('relations-map');
  // Without a namespace the demo's is shown.
  await expect(page.getByLabel('Namespace', { exact: true })).toHaveValue('demo');
  for (const id of ['Deployment:demo/web', 'Deployment:demo/api', 'Service:demo/web'])
    await expect(map.locator(`[data-node="${id}"]`)).toBeVisible();
  // Once scheduled: every web pod (a ReplicaSet's) on a node, and reached by the web Service's Endpoints.
  await expect(map.locator('[data-node^="Pod:demo/web-"]')).toHaveCount(4, { timeout: 20_000 });
  await expect(map.locator('[data-node^="ReplicaSet:demo/web-"]')).toHaveCount(1);
  await expect(map.locator('[data-node^="Node:"]')).not.toHaveCount(0);
  await expect(map.locator('[data-edge^="Endpoints:demo/web→Pod:demo/web-"]')).toHaveCount(4, { timeout: 20_000 });
  await expect(map.locator('[data-edge^="Pod:demo/web-"][data-edge*="→Node:"]')).toHaveCount(4);

  // Live: scaling web up adds boxes without a reload.
  const scaled = await fetch(`${server.url}/apis/apps/v1/namespaces/demo/deployments/web`, {
    method: 'PATCH',
    headers: {
      Authorization: `Bearer ${await login(server.url)}`,
      'Content-Type': 'application/merge-patch+json',
    },
    body: JSON.stringify({ spec: { replicas: 5 } }),
  });
  expect(scaled.status).toBe(200);
  await expect(map.locator('[data-node^="Pod:demo/web-"]')).toHaveCount(5, { timeout: 20_000 });

  // The same graph as a table, for screen readers; axe in both themes.
  await page.getByText(/The map as a table/).click();
  await expect(page.getByTestId('relations-table')).toContainText('runs on Node');
  await axeBothThemes(page, 'relations map');

  // A pod's box opens the pod's page.
  const pod = map.getByRole('link', { name: /^Pod web-/ }).first();
  const label = (await pod.getAttribute('aria-label')) ?? '';
  const podName = /^Pod (\S+),/.exec(label)?.[1];
  await pod.click();
  await expect(page).toHaveURL(new RegExp(`/pods/demo/${podName}$`));
  await expect(page.getByRole('heading', { name: `Pod demo/${podName}` })).toBeVisible();
});

test('the node-centred map, from the node page', async ({ page }) => {
  const api = client(server.url, await login(server.url));
  await expect
    .poll(
      async () =>
        ((await api.get('/api/v1/namespaces/demo/pods')).body.items as { spec?: { nodeName?: string } }[]).filter(
          (p) => p.spec?.nodeName,
        ).length,
      {
        timeout: 20_000,
      },
    )
    .toBeGreaterThan(0);
  const pods = (await api.get('/api/v1/namespaces/demo/pods')).body.items as {
    metadata: { name: string };
    spec?: { nodeName?: string };
  }[];
  const node = pods.find((p) => p.spec?.nodeName)!.spec!.nodeName!;
  const onNode = pods.filter((p) => p.spec?.nodeName === node).length;

  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.goto(`${server.url}/nodes/${node}`);
  await page.getByRole('link', { name: 'Relations map of this node' }).click();
  await expect(page).toHaveURL(new RegExp(`/map\\?node=${node}$`));
  const map = page.getByTestId('relations-map');
  await expect(map.locator(`[data-node="Node:${node}"]`)).toBeVisible();
  await expect(map.locator('[data-node^="Node:"]')).toHaveCount(1);
  await expect(map.locator('[data-node^="Pod:demo/"]')).toHaveCount(onNode);
  await expect(map.locator('[data-node^="Deployment:demo/"]')).not.toHaveCount(0);
  await axeBothThemes(page, 'node map');
});

test('Ctrl-K finds objects by name, label and kind; Enter opens the page', async ({ page }) => {
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  const dialog = page.getByTestId('search-dialog');
  const input = page.getByRole('combobox', { name: 'Search objects' });

  // The shortcut works once the page is hydrated (the menu button is enabled then).
  await expect(page.locator('button.nav-toggle')).toBeEnabled();
  await page.keyboard.press('Control+k');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('search-status')).toContainText('Type a name');
  await input.fill('deploy web');
  await expect(dialog.getByTestId('search-hit')).toHaveText(['demo/web']);
  await expect(dialog.getByRole('group', { name: 'Deployment (apps)' })).toBeVisible();
  await axeBothThemes(page, 'search dialog');
  await input.press('Enter');
  await expect(page).toHaveURL(/\/resources\/apps\/v1\/deployments\/demo\/web$/);
  await expect(dialog).toBeHidden();

  // By label, across kinds; the arrows move the choice.
  await page.keyboard.press('Control+k');
  await input.fill('app=api');
  const deployment = dialog.getByRole('group', { name: 'Deployment (apps)' }).getByRole('option');
  await expect(deployment).toHaveText(['demo/api']);
  await expect(dialog.getByRole('group', { name: 'Pod', exact: true }).getByRole('option')).toHaveCount(3);
  const options = dialog.getByRole('option');
  const index = (await options.allTextContents()).indexOf('demo/api');
  for (let i = 0; i < index; i++) await input.press('ArrowDown');
  await expect(options.nth(index)).toHaveAttribute('aria-selected', 'true');
  await input.press('Enter');
  await expect(page).toHaveURL(/\/resources\/apps\/v1\/deployments\/demo\/api$/);

  // A clear empty state; the `/` shortcut still focuses the page's own filter.
  await page.keyboard.press('Meta+k');
  await input.fill('no-such-object-anywhere');
  await expect(page.getByTestId('search-status')).toHaveText('Nothing matches “no-such-object-anywhere”.');
  await input.press('Escape');
  await expect(dialog).toBeHidden();
  await page.goto(`${server.url}/pods`);
  await page.keyboard.press('/');
  await expect(page.getByLabel('Name or node contains')).toBeFocused();
});

test('list filters live in the URL and survive a reload', async ({ page }) => {
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.goto(`${server.url}/pods`);
  await page.getByLabel('Name or node contains').fill('web');
  await page.getByLabel('Label selector').fill('app=web');
  await expect(page).toHaveURL(/[?&]q=web(&|$)/);
  await expect(page).toHaveURL(/labels=app%3Dweb/);
  await page.reload();
  await expect(page.getByLabel('Name or node contains')).toHaveValue('web');
  await expect(page.getByLabel('Label selector')).toHaveValue('app=web');
  await expect(page.getByTestId('pods-table').getByRole('link', { name: /^web-/ })).not.toHaveCount(0);
  await expect(page.getByTestId('pods-table').getByRole('link', { name: /^api-/ })).toHaveCount(0);

  await page.goto(`${server.url}/resources/apps/v1/deployments`);
  await page.getByLabel('Namespace', { exact: true }).selectOption('demo');
  await page.getByLabel('Contains').fill('flaky');
  await expect(page).toHaveURL(/namespace=demo/);
  await expect(page).toHaveURL(/q=flaky/);
  await page.reload();
  await expect(page.getByLabel('Contains')).toHaveValue('flaky');
  await expect(page.getByTestId('cr-count')).toHaveText('1 of 3 deployments');
  // Ages are drawn from the shared clock, the exact time on hover.
  await expect(page.getByTestId('cr-table').locator('tbody time').first()).toHaveAttribute(
    'title',
    /^\d{4}-\d\d-\d\dT/,
  );
});

test('the current namespace: chosen in the top bar, followed by every list, remembered, and overridden by a link', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const token = await login(server.url);
  const api = client(server.url, token);
  const made = await api.post('/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'elsewhere' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'elsewhere' } },
      template: {
        metadata: { labels: { app: 'elsewhere' } },
        spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  });
  expect(made.status).toBe(201);
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.goto(`${server.url}/deployments`);
  const deployments = page.getByTestId('deployments-table');
  await expect(deployments).toContainText('elsewhere');
  const scope = page.getByTestId('namespace-scope');
  await expect(scope).toHaveValue('');

  await scope.selectOption('demo');
  await expect(page.getByTestId('scope-hint')).toContainText('in namespace demo');
  await expect(deployments).toContainText('flaky-worker');
  await expect(deployments).not.toContainText('elsewhere');
  // Every list follows, and the choice is remembered across a reload.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pods' }).click();
  await expect(page.getByLabel('Namespace', { exact: true })).toHaveValue('demo');
  await expect(page).toHaveURL(/namespace=demo/);
  await expect(page.getByTestId('pods-table').getByRole('link', { name: /^elsewhere-/ })).toHaveCount(0);
  await page.goto(`${server.url}/deployments`);
  await expect(page.getByTestId('namespace-scope')).toHaveValue('demo');
  await expect(deployments).not.toContainText('elsewhere');

  // A link naming a namespace wins, and becomes the current one.
  await page.goto(`${server.url}/pods?namespace=default`);
  await expect(page.getByLabel('Namespace', { exact: true })).toHaveValue('default');
  await expect(page.getByTestId('namespace-scope')).toHaveValue('default');
  await expect(page.getByTestId('pods-table').getByRole('link', { name: /^elsewhere-/ })).toHaveCount(1);
  await page.goto(`${server.url}/deployments`);
  await expect(deployments).toContainText('elsewhere');
  await expect(deployments).not.toContainText('flaky-worker');
  await page.getByRole('button', { name: 'Show all namespaces' }).click();
  await expect(deployments).toContainText('flaky-worker');
  await expect(page.getByTestId('scope-hint')).toHaveCount(0);
  await expect(page.getByTestId('namespace-scope')).toHaveValue('');
});
