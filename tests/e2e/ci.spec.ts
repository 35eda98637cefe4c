import { expect, test } from '@playwright/test';
import { axeBothThemes, logIn } from './helpers.ts';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';

// The CI/CD pages: a run started from the dashboard, its graph turning green step by step, a failed step's log
// read after its pod is gone, and an artifact downloaded and verified in the browser against the cluster key. Its
// own server, with simulated nodes to run the steps.

let server: TestServer;
const NS = 'default';
const step = (name: string, more: Record<string, unknown> = {}) => ({
  name,
  image: 'busybox',
  script: `echo ${name}`,
  annotations: { 'entroos.io/duration': '1' },
  ...more,
});

test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2' } });
  const api = client(server.url, await login(server.url));
  await until(async () => (await api.get('/apis/ci.entroos.io/v1')).status === 200, 'the CI API', 30_000);
  await until(async () => (await api.get('/api/v1/nodes')).body.items?.length === 2, 'two nodes', 30_000);
  const pipeline = (name: string, steps: unknown[]) =>
    api.post(`/apis/ci.entroos.io/v1/namespaces/${NS}/pipelines`, { metadata: { name }, spec: { steps } });
  expect(
    (
      await pipeline('web', [
        step('lint'),
        step('test', { needs: ['lint'], matrix: { node: ['20', '22'] } }),
        step('build', { needs: ['test'], outputs: [{ name: 'bundle', mediaType: 'application/gzip' }] }),
      ])
    ).status,
  ).toBe(201);
  expect(
    (
      await pipeline('broken', [
        step('compile', { annotations: { 'entroos.io/duration': '1', 'entroos.io/exit-code': '2' } }),
        step('ship', { needs: ['compile'] }),
      ])
    ).status,
  ).toBe(201);
});
test.afterAll(async () => {
  await server?.stop();
});

test('run a pipeline from the dashboard, watch its graph turn green, verify its artifact; a failed step keeps its log', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.goto(`${server.url}/apps/ci`);
  await expect(page.getByRole('heading', { name: 'CI/CD', level: 1 })).toBeVisible();
  await axeBothThemes(page, 'CI page');
  await page.getByRole('button', { name: 'Run web' }).click();
  await page.getByTestId('ci-started').getByRole('link').click();
  await expect(page.getByRole('heading', { name: /^Run default\/web-/ })).toBeVisible();

  const graph = page.getByTestId('ci-run-graph');
  await expect(graph.locator('[data-node]')).toHaveCount(4);
  await expect(graph.locator('[data-node="test-20"]')).toBeAttached();
  await expect(graph.locator('[data-node="build"]')).toHaveAttribute('data-state', 'Succeeded', { timeout: 60_000 });
  await expect(graph.locator('[data-state="Succeeded"]')).toHaveCount(4);
  await expect(page.getByTestId('ci-steps')).toContainText('test-22');

  const artifacts = page.getByTestId('ci-artifacts');
  await expect(artifacts.getByRole('link', { name: 'bundle' })).toBeVisible();
  const download = page.waitForEvent('download');
  await artifacts.getByRole('link', { name: 'bundle' }).click();
  expect((await download).suggestedFilename()).toMatch(/bundle/);
  await artifacts.getByRole('button', { name: 'Verify bundle' }).click();
  await expect(page.getByTestId('ci-artifact-verdict')).toHaveText(
    '✓ Content and provenance verified in this browser against the cluster key.',
  );
  await axeBothThemes(page, 'run page');

  await page.goto(`${server.url}/apps/ci`);
  await page.getByRole('button', { name: 'Run broken' }).click();
  await page.getByTestId('ci-started').getByRole('link').click();
  const broken = page.getByTestId('ci-run-graph');
  await expect(broken.locator('[data-node="compile"]')).toHaveAttribute('data-state', 'Failed', { timeout: 60_000 });
  await expect(broken.locator('[data-node="ship"]')).toHaveAttribute('data-state', 'Skipped');
  await page.getByRole('button', { name: 'Log of compile' }).click();
  await expect(page.getByTestId('ci-step-log')).toContainText(/compile attempt 1: Error, exit code 2/);
});
