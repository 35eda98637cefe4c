import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';

// Its own server: this one has simulated nodes and provers.
let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2', ENTROOS_PROVERS: '1', ENTROOS_PROOF_BATCH_MS: '100' } });
});
test.afterAll(async () => {
  await server?.stop();
});

test('a pod’s placement proof verifies in the browser, and the proofs page batch-verifies', async ({ page }) => {
  test.setTimeout(90_000);
  const api = client(server.url, await login(server.url));
  const created = await api.post('/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'zk' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'zk' } },
      template: {
        metadata: { labels: { app: 'zk' } },
        spec: {
          containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        },
      },
    },
  });
  expect(created.status).toBe(201);
  await expect
    .poll(async () => (await api.get('/apis/entroos.io/v1/proofs')).body.items.length, { timeout: 60_000 })
    .toBe(3);
  const [placement] = (await api.get('/apis/entroos.io/v1/proofs')).body.items;

  await page.goto(`${server.url}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('current-user')).toContainText('admin');

  await page.goto(`${server.url}/pods/default/${placement.name}`);
  // The decision as the scheduler saw it: per-node plugin scores, chart and table.
  await expect(page.getByTestId('decision-breakdown').getByRole('application')).toBeVisible();
  await expect(page.getByTestId('decision-nodes')).toContainText('feasible');
  await expect(page.getByTestId('pod-proof')).toContainText(placement.batch.id);
  await page.getByTestId('pod-proof').getByRole('button', { name: 'Verify in browser' }).click();
  await expect(page.getByTestId('pod-proof').getByTestId('verify-result')).toContainText(
    /^Valid: checked in this browser/,
    { timeout: 30_000 },
  );

  await page.getByRole('link', { name: 'Proofs' }).click();
  await expect(page.getByTestId('proofs-table')).toContainText(`default/${placement.name}`);
  await page.getByRole('button', { name: /^Verify \d+ in browser$/ }).click();
  await expect(page.getByTestId('batch-result')).toContainText(/(\d+)\/\1 proofs valid, checked in this browser/, {
    timeout: 30_000,
  });
  await page.getByRole('button', { name: 'Batch-verify on server' }).click();
  await expect(page.getByTestId('batch-result')).toContainText(/Server: \d+ verified, 0 invalid/);
  await expect(page.getByTestId('proofs-table')).toContainText('verified');
});
