import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';

// Its own server, with two simulated nodes and a short node grace period.
let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({
    env: { ENTROOS_NODES: '2', ENTROOS_NODE_GRACE_SECONDS: '4', ENTROOS_HISTORY_SAMPLE_MS: '2000' },
  });
});
test.afterAll(async () => {
  await server?.stop();
});

test('cordon a node and new pods avoid it; kill a node and its pods move', async ({ page }) => {
  test.setTimeout(90_000);
  const api = client(server.url, await login(server.url));
  const nodes: string[] = (await api.get('/api/v1/nodes')).body.items.map((n: any) => n.metadata.name).sort();
  expect(nodes).toHaveLength(2);
  const [cordoned, other] = nodes;
  const podNodes = async () =>
    ((await api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dspread')).body.items as any[]).map(
      (p) => p.spec.nodeName ?? '',
    );

  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.getByRole('link', { name: 'Nodes' }).click();
  // Sortable, with allocatable and sampled usage next to the requests.
  const table = page.getByTestId('nodes-table');
  await expect(table.locator('tbody tr').first()).toContainText(cordoned);
  await table.getByRole('button', { name: 'Name' }).click();
  await table.getByRole('button', { name: 'Name' }).click();
  await expect(table.locator('tbody tr').first()).toContainText(other);
  await expect(table.locator('tbody tr').first().locator('td').nth(9)).toHaveText(/^\d+%$/);
  await table.getByRole('link', { name: cordoned }).click();
  await expect(page.getByRole('heading', { name: `Node ${cordoned}` })).toBeVisible();
  await expect(page.getByTestId('node-usage-latest')).toContainText(
    /cpu \d+(\.\d)?% · memory \d+(\.\d)?% of allocatable/,
  );
  await page.getByRole('button', { name: 'Cordon' }).click();
  await expect(page.getByTestId('node-summary')).toContainText('SchedulingDisabled');

  const created = await api.post('/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'spread' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'spread' } },
      template: {
        metadata: { labels: { app: 'spread' } },
        spec: {
          containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '50m', memory: '32Mi' } } }],
          // Leave a dead node after 2 s instead of Kubernetes' default 300 s.
          tolerations: ['unreachable', 'not-ready'].map((t) => ({
            key: `node.kubernetes.io/${t}`,
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 2,
          })),
        },
      },
    },
  });
  expect(created.status).toBe(201);
  await expect.poll(async () => (await podNodes()).join(','), { timeout: 20_000 }).toBe(Array(4).fill(other).join(','));

  await page.getByRole('button', { name: 'Uncordon' }).click();
  await expect(page.getByTestId('node-summary')).not.toContainText('SchedulingDisabled');

  // The nodes table counts the pods and their requests per node, as the API has them.
  await page.getByRole('link', { name: 'Nodes' }).click();
  const onOther = ((await api.get(`/api/v1/pods?fieldSelector=spec.nodeName%3D${other}`)).body.items as any[]).filter(
    (p) => !['Succeeded', 'Failed'].includes(p.status?.phase),
  );
  const otherRow = page
    .getByTestId('nodes-table')
    .locator('tbody tr', { has: page.getByRole('link', { name: other, exact: true }) });
  await expect(otherRow.locator('td').nth(11)).toHaveText(String(onOther.length));
  await expect(otherRow.locator('td').nth(7)).not.toHaveText('0%');

  // Kill the node the pods run on: they move to the one left.
  await page.getByTestId('nodes-table').getByRole('link', { name: other }).click();
  await expect(page.getByTestId('node-pods')).toContainText('spread-');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Kill node' }).click();
  await expect(page.getByTestId('node-summary')).toContainText(/NotReady|Unknown/, { timeout: 30_000 });
  await expect.poll(async () => (await podNodes()).filter((n) => n === cordoned).length, { timeout: 45_000 }).toBe(4);
});

test('the overview charts the cluster history live, in three windows, without axe violations', async ({ page }) => {
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await expect(page.getByTestId('chart-nodes-latest')).toContainText(/total 2/);
  await expect(page.getByTestId('chart-cpu').getByRole('application')).toBeVisible();
  const first = await page.getByTestId('chart-pods-latest').textContent();
  // A new sample arrives over the socket (every 2 s on this server) and moves the charts without a reload.
  await expect(page.getByTestId('history-charts')).toHaveAttribute('data-samples', /\d+/);
  const samples = Number(await page.getByTestId('history-charts').getAttribute('data-samples'));
  await expect
    .poll(async () => Number(await page.getByTestId('history-charts').getAttribute('data-samples')), {
      timeout: 15_000,
    })
    .toBeGreaterThan(samples);
  expect(first).toBeTruthy();
  await page.getByRole('radio', { name: '24 h' }).click();
  await expect(page.getByRole('radio', { name: '24 h' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('chart-nodes-latest')).toContainText(/total 2/);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(
    results.violations.map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    ),
  ).toEqual([]);
});
