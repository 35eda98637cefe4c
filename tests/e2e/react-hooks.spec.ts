import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, test, type Request } from '@playwright/test';
import { logIn } from './helpers.ts';
import { ADMIN_PASSWORD, ROOT } from '../helpers/server.ts';

// @entroos/react's hooks in Chromium against the real server. The spec bundles a small page
// (react-harness/harness.tsx, with the package's and the client's sources) and serves it through page.route at
// the server's own origin, so the page's requests are real API calls carrying the browser session. It checks that
// a live list shows an object created through the API, that events never open a second watch, and that
// unmounting aborts the watch request.

let script = '';

test.beforeAll(async () => {
  const out = await build({
    entryPoints: [join(ROOT, 'tests/e2e/react-harness/harness.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
    alias: {
      '@entroos/react': join(ROOT, 'packages/react/src/index.ts'),
      '@entroos/client': join(ROOT, 'packages/client/src/index.ts'),
    },
  });
  script = out.outputFiles[0].text;
});

test('useList updates live, never reopens its watch per event, and unmounting closes the watch', async ({
  page,
  request,
}) => {
  const { token } = await (
    await request.post('/api/login', { data: { username: 'admin', password: ADMIN_PASSWORD, tokenName: 'e2e react' } })
  ).json();
  const headers = { Authorization: `Bearer ${token}` };
  const namespace = `react-hooks-${Date.now().toString(36)}`;
  expect(
    (await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: namespace } } })).status(),
  ).toBe(201);

  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.route('**/__react-hooks/**', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.endsWith('/harness.js')) return route.fulfill({ contentType: 'text/javascript', body: script });
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><title>react hooks</title><div id="root"></div><script type="module" src="/__react-hooks/harness.js"></script></html>',
    });
  });
  const watches: Request[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === `/api/v1/namespaces/${namespace}/configmaps` && url.searchParams.get('watch') === 'true')
      watches.push(r);
  });

  await logIn(page);
  await page.goto(`/__react-hooks/index.html?namespace=${namespace}`);
  await expect(page.getByTestId('state')).toHaveText('synced');
  await expect.poll(() => watches.length).toBe(1);

  for (const name of ['first', 'second', 'third']) {
    const created = await request.post(`/api/v1/namespaces/${namespace}/configmaps`, {
      headers,
      data: { metadata: { name }, data: { k: name } },
    });
    expect(created.status()).toBe(201);
    await expect(page.getByTestId('items').getByText(name, { exact: true })).toBeVisible();
  }
  expect(
    (
      await request.patch(`/api/v1/namespaces/${namespace}/configmaps/first`, {
        headers: { ...headers, 'content-type': 'application/merge-patch+json' },
        data: { data: { k: 'changed' } },
      })
    ).status(),
  ).toBe(200);
  await expect.poll(async () => Number(await page.getByTestId('events').textContent())).toBeGreaterThanOrEqual(4);
  // Four events, one watch: useList and useWatch share one informer, and neither resubscribed.
  expect(watches.length).toBe(1);
  expect(await page.evaluate(() => window.entroosHub)).toEqual({ started: 1, stopped: 0, active: 1 });

  const ended = new Promise<string>((resolve) => {
    page.on('requestfailed', (r) => r === watches[0] && resolve(r.failure()?.errorText ?? 'failed'));
    page.on('requestfinished', (r) => r === watches[0] && resolve('finished'));
  });
  await page.getByRole('button', { name: 'Unmount' }).click();
  expect(await ended).toMatch(/ERR_ABORTED|finished/);
  await expect.poll(() => page.evaluate(() => window.entroosHub)).toEqual({ started: 1, stopped: 1, active: 0 });

  // Nothing watches any more: a new object opens nothing.
  await request.post(`/api/v1/namespaces/${namespace}/configmaps`, { headers, data: { metadata: { name: 'after' } } });
  await page.getByRole('button', { name: 'Mount' }).click();
  await expect(page.getByTestId('items').getByText('after', { exact: true })).toBeVisible();
  expect(watches.length).toBe(2);
  expect(problems).toEqual([]);

  await request.delete(`/api/v1/namespaces/${namespace}`, { headers });
});
