import { expect, test, type Page } from '@playwright/test';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { editEditorText, editorText, setEditorText, toast } from './helpers.ts';

// Its own server with simulated nodes, so pods really start.
let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2' } });
});
test.afterAll(async () => {
  await server?.stop();
});

async function logInAs(page: Page, username: string, password: string) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(username);
}

test('create a deployment with the form, watch its pods run, scale it and delete it; invalid input shows the API message', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await logInAs(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`${server.url}/deployments`);
  await page.getByRole('link', { name: 'Create deployment' }).click();

  // The API rejects a bad quantity; its message appears at the field.
  await page.getByLabel('Name', { exact: true }).fill('shop');
  await page.getByLabel('Image').fill('nginx:1.27');
  await page.getByLabel('Replicas').fill('2');
  await page.getByLabel('CPU request').fill('lots');
  await page.getByRole('button', { name: 'Create deployment' }).click();
  await expect(page.getByTestId('form-error')).toContainText('is invalid');
  await expect(page.locator('#requestsCpu-error')).toBeVisible();

  await page.getByLabel('CPU request').fill('100m');
  await page.getByLabel('Memory request').fill('64Mi');
  await page.getByRole('button', { name: 'Create deployment' }).click();
  await expect(page).toHaveURL(/\/deployments\?created=default%2Fshop/);
  await expect(page.getByTestId('deployments-table')).toContainText('2/2', { timeout: 30_000 });

  await page.getByLabel('Replicas of default/shop').fill('3');
  await page.getByRole('button', { name: 'Scale' }).click();
  await expect(page.getByTestId('deployment-result')).toHaveText('Scaled default/shop to 3.');
  await expect(page.getByTestId('deployments-table')).toContainText('3/3', { timeout: 30_000 });
  // Edit: a new image rolls out; labels are checked before they are sent.
  await page.getByText('Edit', { exact: true }).click();
  await page.getByLabel('Labels (k=v, comma separated)').fill('tier');
  await page.getByRole('button', { name: 'Save shop' }).click();
  await expect(page.locator('[id="labels-default/shop-error"]')).toHaveText('"tier" is not key=value');
  await page.getByLabel('Labels (k=v, comma separated)').fill('app=shop,tier=web');
  await page.getByLabel('Image', { exact: true }).fill('nginx:1.27-alpine');
  await page.getByRole('button', { name: 'Save shop' }).click();
  await expect(toast(page, 'success', 'Updated default/shop.')).toBeVisible();
  await expect(page.getByTestId('deployments-table')).toContainText('nginx:1.27-alpine');
  await expect(page.getByTestId('deployments-table')).toContainText('3/3', { timeout: 30_000 });
  await page.getByRole('link', { name: 'Pods' }).click();
  await expect(page.getByTestId('pods-table').getByRole('link', { name: /^shop-/ })).toHaveCount(3);
  await expect(page.getByTestId('pods-table').getByText('Running')).toHaveCount(3, { timeout: 30_000 });
  // A pod's page tails its log live.
  await page
    .getByTestId('pods-table')
    .getByRole('link', { name: /^shop-/ })
    .first()
    .click();
  await expect(page.getByTestId('pod-logs')).toContainText('starting nginx:1.27-alpine (container shop)');
  await expect(page.getByTestId('pod-logs-state')).toHaveText('Following');

  await page.getByRole('link', { name: 'Deployments' }).click();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('deployments-table-empty')).toBeVisible({ timeout: 30_000 });
});

test('create a pod with a node selector and tolerations; the YAML mode reports parse errors and the API causes', async ({
  page,
}) => {
  await logInAs(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`${server.url}/deployments/new`);
  await page.getByRole('radio', { name: 'Pod' }).click();
  await page.getByLabel('Name', { exact: true }).fill('solo');
  await page.getByLabel('Image').fill('busybox:1.36');
  await page.getByLabel('Node selector (key=value, comma separated)').fill('kubernetes.io/hostname=entroos-node-2');
  await page.getByLabel(/^Tolerations/).fill('dedicated=gpu:Sometimes');
  await page.getByRole('button', { name: 'Create pod' }).click();
  await expect(page.locator('#tolerations-error')).toContainText('"Sometimes" is not an effect');
  await page.getByLabel(/^Tolerations/).fill('dedicated=gpu:NoSchedule');
  await page.getByRole('button', { name: 'Create pod' }).click();
  await expect(page).toHaveURL(/\/pods\/default\/solo$/);
  await expect(toast(page, 'success', 'Created pod default/solo.')).toBeVisible();
  await expect(page.getByTestId('pod-summary')).toContainText('entroos-node-2', { timeout: 15_000 });

  await page.goto(`${server.url}/deployments/new`);
  await page.getByLabel('Name', { exact: true }).fill('yamlweb');
  await page.getByLabel('Image').fill('nginx:1.27');
  await page.getByRole('button', { name: 'Edit as YAML' }).click();
  const manifest = page.getByLabel('Manifest (YAML)');
  await expect.poll(() => editorText(manifest)).toMatch(/kind: Deployment/);
  await editEditorText(manifest, (t) => t.replace('replicas: 1', 'replicas: -1'));
  await page.getByRole('button', { name: 'Create from YAML' }).click();
  await expect(page.getByTestId('form-causes')).toContainText('spec.replicas');
  await setEditorText(manifest, 'kind: Deployment\nmetadata: [unclosed');
  await page.getByRole('button', { name: 'Create from YAML' }).click();
  await expect(page.getByTestId('form-error')).toContainText('The YAML does not parse (line');
  await setEditorText(
    manifest,
    'apiVersion: v1\nkind: Pod\nmetadata: {name: from-yaml}\nspec: {containers: [{name: c, image: busybox:1.36}]}',
  );
  await page.getByRole('button', { name: 'Create from YAML' }).click();
  await expect(page).toHaveURL(/\/pods\/default\/from-yaml$/);
});

test('a viewer sees no write actions on deployments', async ({ page }) => {
  const viewer = await userWithToken(server.url, await login(server.url), 'deployviewer', 'viewer');
  await client(server.url, await login(server.url)).post('/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'seen' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'seen' } },
      template: { metadata: { labels: { app: 'seen' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  });
  await logInAs(page, 'deployviewer', viewer.password);
  await page.goto(`${server.url}/deployments`);
  await expect(page.getByTestId('deployments-table')).toContainText('seen');
  await expect(page.getByRole('link', { name: 'Create deployment' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
});
