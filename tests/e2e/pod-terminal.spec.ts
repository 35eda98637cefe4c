import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { axeBothThemes, logIn } from './helpers.ts';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';

// The pod page's terminal: xterm.js over the exec WebSocket to the simulated shell. Its own server, with a
// simulated node to run the pod.
let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '1' } });
  const token = await login(server.url);
  await userWithToken(server.url, token, 'watcher', 'viewer');
  const api = client(server.url, token);
  const created = await api.post('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'term' },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36', env: [{ name: 'GREETING', value: 'hi there' }] }] },
  });
  expect(created.status).toBe(201);
  const twin = await api.post('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'twin' },
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.27' },
        { name: 'side', image: 'busybox:1.36' },
      ],
    },
  });
  expect(twin.status).toBe(201);
  for (const pod of ['term', 'twin'])
    await expect
      .poll(async () => (await api.get(`/api/v1/namespaces/default/pods/${pod}`)).body.status?.phase, {
        timeout: 30_000,
      })
      .toBe('Running');
});
test.afterAll(async () => {
  await server?.stop();
});

test('opens a shell in the browser, runs a command, and passes axe', async ({ page }) => {
  test.setTimeout(60_000);
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.goto(`${server.url}/pods/default/term`);
  const section = page.getByTestId('pod-terminal-section');
  await expect(section.getByTestId('pod-terminal-note')).toContainText('simulated shell');
  await section.getByTestId('pod-terminal-connect').click();
  await expect(section.getByTestId('pod-terminal-state')).toHaveText('Connected to main');
  const terminal = section.getByTestId('pod-terminal');
  await expect(terminal).toContainText('EntroOS simulated shell');
  await page.keyboard.type('echo hi; printenv GREETING\r');
  await expect(terminal).toContainText(/hi\s*hi there/);
  await page.keyboard.type('exit 2\r');
  await expect(section.getByTestId('pod-terminal-state')).toHaveText('The shell exited with status 2.');

  await axeBothThemes(page, 'pod terminal', '[data-testid="pod-terminal-section"]');
});

test('logs: all containers merged, search with highlighting, timestamps, download', async ({ page }) => {
  test.setTimeout(60_000);
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);
  await page.goto(`${server.url}/pods/default/twin`);
  const panel = page.getByTestId('pod-logs-panel');
  const logs = panel.getByTestId('pod-logs');
  await expect(logs).toContainText('starting nginx:1.27 (container web)');
  await expect(logs).not.toContainText('(container side)');

  await panel.getByRole('combobox', { name: /^Container/ }).selectOption({ label: 'All containers' });
  await expect(logs).toContainText('[web] starting nginx:1.27 (container web)');
  await expect(logs).toContainText('[side] starting busybox:1.36 (container side)');

  const search = panel.getByRole('searchbox', { name: 'Search the log' });
  await search.fill('starting');
  await expect(page.getByTestId('pod-logs-matches')).toHaveText(/^1 of \d+ matches$/);
  await expect(logs.locator('mark.current')).toHaveText('starting');
  await search.press('Enter');
  await expect(page.getByTestId('pod-logs-matches')).toHaveText(/^2 of \d+ matches$/);
  await axeBothThemes(page, 'pod logs', '[data-testid="pod-logs-panel"]');
  await panel.getByLabel('Only matching lines').check();
  await expect(logs.locator('.log-line').filter({ hasNotText: 'starting' })).toHaveCount(0);
  await search.fill('/(/');
  await expect(page.getByTestId('pod-logs-matches')).toContainText('Not a valid regular expression');
  await search.fill('');

  await panel.getByLabel('Timestamps', { exact: true }).check();
  await expect(logs.locator('.log-line').first()).toHaveText(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \[(web|side)\] /);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('twin.log');
  const text = await readFile(await download.path(), 'utf8');
  expect(text).toMatch(/^\d{4}-\d\d-\d\dT\S+Z \[(web|side)\] /);
  expect(text).toContain('[web] starting nginx:1.27 (container web)');
  expect(text).toContain('[side] starting busybox:1.36 (container side)');
});

test('a viewer is told they cannot open a shell', async ({ page }) => {
  await logIn(page, 'watcher', 'watcher-password', server.url);
  await page.goto(`${server.url}/pods/default/term`);
  await expect(page.getByTestId('pod-terminal-denied')).toContainText('pods/exec');
});
