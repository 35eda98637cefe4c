import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, test, type APIRequestContext, type Page, type Request } from '@playwright/test';
import { adminHeaders, logIn } from './helpers.ts';
import { ROOT } from '../helpers/server.ts';
import { CHROMIUM_ARGS } from '../../playwright.config.ts';

// @entroos/react's hooks in Chromium against the real server. The spec bundles a small page
// (react-harness/harness.tsx, with the package's and the client's sources) and serves it through page.route at
// the server's own origin, so the page's requests are real API calls carrying the browser session. It checks that
// a live list shows objects created through the API, followed over the tab's one socket to the router (the
// default in browsers) or over HTTP watches (the fallback): events never open a second subscription, a reconnect
// resumes without listing again, and unmounting ends the subscription.

let script = '';

// A page Playwright fulfils has no network address, so Chromium's Local Network Access checks treat it as a
// public site and block its WebSocket to the server on 127.0.0.1 (fetches pass as same-origin). The server's own
// pages are not affected; this harness needs the checks off.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'],
  },
});

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
      '@entroos/client/socket': join(ROOT, 'packages/client/src/socket.ts'),
      '@entroos/client': join(ROOT, 'packages/client/src/index.ts'),
    },
  });
  script = out.outputFiles[0].text;
});

/** A namespace of its own, an API token, and the harness page served at the server's origin. */
async function prepare(page: Page, request: APIRequestContext) {
  const headers = await adminHeaders(request, 'e2e react');
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
  const lists: Request[] = [];
  const watches: Request[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname !== `/api/v1/namespaces/${namespace}/configmaps`) return;
    if (url.searchParams.get('watch') === 'true') watches.push(r);
    else lists.push(r);
  });
  const create = async (name: string) =>
    expect(
      (
        await request.post(`/api/v1/namespaces/${namespace}/configmaps`, {
          headers,
          data: { metadata: { name }, data: { k: name } },
        })
      ).status(),
    ).toBe(201);
  const patch = async (name: string) =>
    expect(
      (
        await request.patch(`/api/v1/namespaces/${namespace}/configmaps/${name}`, {
          headers: { ...headers, 'content-type': 'application/merge-patch+json' },
          data: { data: { k: 'changed' } },
        })
      ).status(),
    ).toBe(200);
  const cleanUp = () => request.delete(`/api/v1/namespaces/${namespace}`, { headers });
  return { namespace, problems, lists, watches, create, patch, cleanUp };
}

type Frame = [string, { id?: string; resource?: string; namespace?: string; resourceVersion?: string }];

/** The socket.io events the page sends (`42["subscribe",{…}]`, with an ack id after the 42), on every socket. */
function sentFrames(page: Page) {
  const frames: Frame[] = [];
  let sockets = 0;
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/socket.io/')) return;
    sockets++;
    ws.on('framesent', ({ payload }) => {
      const match = typeof payload === 'string' ? /^42\d*(\[.*)$/s.exec(payload) : null;
      if (match) frames.push(JSON.parse(match[1]) as Frame);
    });
  });
  return { frames, sockets: () => sockets };
}

test('useList follows its list over the tab socket: live, one subscription, resumed after a reconnect, ended on unmount', async ({
  page,
  request,
}) => {
  const t = await prepare(page, request);
  await logIn(page);
  // After the login: the dashboard's own page has a socket of its own.
  const ws = sentFrames(page);
  const subscribes = () => ws.frames.filter(([e, r]) => e === 'subscribe' && r.resource === 'configmaps');
  await page.goto(`/__react-hooks/index.html?namespace=${t.namespace}`);
  await expect(page.getByTestId('state')).toHaveText('synced');
  await expect(page.getByTestId('connection')).toHaveText('connected');
  await expect.poll(() => subscribes().length).toBe(1);
  const [, first] = subscribes()[0];
  expect(first).toMatchObject({ namespace: t.namespace });
  // Subscribed from the list's version: nothing between the list and the subscription is lost.
  expect(Number(first.resourceVersion)).toBeGreaterThan(0);

  for (const name of ['first', 'second', 'third']) {
    await t.create(name);
    await expect(page.getByTestId('items').getByText(name, { exact: true })).toBeVisible();
  }
  await t.patch('first');
  await expect.poll(async () => Number(await page.getByTestId('events').textContent())).toBeGreaterThanOrEqual(4);
  // Four events, one subscription on one socket, no HTTP watch: useList and useWatch share one informer.
  expect(subscribes().length).toBe(1);
  expect(ws.sockets()).toBe(1);
  expect(t.watches.length).toBe(0);
  expect(t.lists.length).toBe(1);
  expect(await page.evaluate(() => window.entroosHub)).toEqual({ started: 1, stopped: 0, active: 1 });

  // The socket drops; an object is created meanwhile; the socket comes back and resumes the subscription
  // from the last version it saw: the missed object arrives without listing again.
  await page.evaluate(() => window.entroosSocket?.disconnect());
  await expect(page.getByTestId('connection')).toHaveText('offline');
  await t.create('while-away');
  await page.evaluate(() => window.entroosSocket?.connect());
  await expect(page.getByTestId('items').getByText('while-away', { exact: true })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText('connected');
  expect(subscribes().length).toBe(2);
  const [, resumed] = subscribes()[1];
  expect(resumed.id).toBe(first.id);
  expect(Number(resumed.resourceVersion)).toBeGreaterThan(Number(first.resourceVersion));
  expect(t.lists.length).toBe(1);

  await page.getByRole('button', { name: 'Unmount' }).click();
  await expect.poll(() => ws.frames.filter(([e, r]) => e === 'unsubscribe' && r.id === first.id).length).toBe(1);
  await expect.poll(() => page.evaluate(() => window.entroosHub)).toEqual({ started: 1, stopped: 1, active: 0 });

  // Nothing follows the list any more: a new object is seen only when the list is mounted (and listed) again.
  await t.create('after');
  await page.getByRole('button', { name: 'Mount' }).click();
  await expect(page.getByTestId('items').getByText('after', { exact: true })).toBeVisible();
  expect(t.lists.length).toBe(2);
  // The subscription follows the list, so it can be sent just after the listed object shows.
  await expect.poll(() => subscribes().length).toBe(3);
  expect(ws.sockets()).toBe(2); // the first, and the one connect() opened after the drop
  expect(t.problems).toEqual([]);
  await t.cleanUp();
});

test('with transport http, useList follows one HTTP watch, and unmounting closes it', async ({ page, request }) => {
  const t = await prepare(page, request);
  await logIn(page);
  await page.goto(`/__react-hooks/index.html?namespace=${t.namespace}&transport=http`);
  await expect(page.getByTestId('state')).toHaveText('synced');
  await expect.poll(() => t.watches.length).toBe(1);

  for (const name of ['first', 'second', 'third']) {
    await t.create(name);
    await expect(page.getByTestId('items').getByText(name, { exact: true })).toBeVisible();
  }
  await t.patch('first');
  await expect.poll(async () => Number(await page.getByTestId('events').textContent())).toBeGreaterThanOrEqual(4);
  expect(t.watches.length).toBe(1);
  expect(await page.evaluate(() => window.entroosHub)).toEqual({ started: 1, stopped: 0, active: 1 });

  const ended = new Promise<string>((resolve) => {
    page.on('requestfailed', (r) => r === t.watches[0] && resolve(r.failure()?.errorText ?? 'failed'));
    page.on('requestfinished', (r) => r === t.watches[0] && resolve('finished'));
  });
  await page.getByRole('button', { name: 'Unmount' }).click();
  expect(await ended).toMatch(/ERR_ABORTED|finished/);
  await expect.poll(() => page.evaluate(() => window.entroosHub)).toEqual({ started: 1, stopped: 1, active: 0 });

  await t.create('after');
  await page.getByRole('button', { name: 'Mount' }).click();
  await expect(page.getByTestId('items').getByText('after', { exact: true })).toBeVisible();
  // The watch starts from the list's version, so it can be sent just after the listed object shows.
  await expect.poll(() => t.watches.length).toBe(2);
  expect(t.problems).toEqual([]);
  await t.cleanUp();
});
