import { expect, test } from '@playwright/test';
import { adminHeaders, logIn } from './helpers.ts';

const pod = (name: string) => ({
  metadata: { name, labels: { suite: 'live' } },
  spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox:1.36' }] },
});

test('the pods page updates live, and catches up after the connection drops', async ({ page, request, context }) => {
  const headers = await adminHeaders(request, 'e2e live');
  await logIn(page);
  await page.getByRole('link', { name: 'Pods' }).click();
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
  await expect(page.getByTestId('pods-count')).toBeVisible();

  expect((await request.post('/api/v1/namespaces/default/pods', { headers, data: pod('live-one') })).status()).toBe(
    201,
  );
  await expect(page.getByTestId('pods-table').getByRole('link', { name: 'live-one' })).toBeVisible();

  // Offline: the indicator says so; changes made meanwhile arrive after reconnecting.
  await context.setOffline(true);
  await expect(page.getByTestId('connection-state')).not.toHaveText('Live', { timeout: 15_000 });
  expect((await request.post('/api/v1/namespaces/default/pods', { headers, data: pod('live-two') })).status()).toBe(
    201,
  );
  expect((await request.delete('/api/v1/namespaces/default/pods/live-one', { headers })).status()).toBe(200);
  await context.setOffline(false);
  await expect(page.getByTestId('connection-state')).toHaveText('Live', { timeout: 15_000 });
  await expect(page.getByTestId('pods-table').getByRole('link', { name: 'live-two' })).toBeVisible();
  await expect(page.getByTestId('pods-table').getByRole('link', { name: 'live-one' })).toHaveCount(0);

  await request.delete('/api/v1/namespaces/default/pods/live-two', { headers });
});

test('one socket per tab: the nodes page follows nodes (@entroos/react) and pod rows (the dashboard) on it', async ({
  page,
}) => {
  await logIn(page);
  // The overview's own socket is open before counting starts (else it may open just as the next page loads, and be
  // counted as a second socket of the nodes page).
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
  const sockets: string[] = [];
  const subscribed: string[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/socket.io/')) return;
    sockets.push(ws.url());
    ws.on('framesent', ({ payload }) => {
      const match = typeof payload === 'string' ? /^42\d*(\[.*)$/s.exec(payload) : null;
      const [event, request] = match ? (JSON.parse(match[1]) as [string, { resource?: string }]) : [];
      if (event === 'subscribe' && request?.resource) subscribed.push(request.resource);
    });
  });
  // A fresh document, so the page's socket is opened where the listener sees it.
  await page.goto('/nodes');
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
  await expect.poll(() => [...new Set(subscribed)].sort()).toEqual(expect.arrayContaining(['nodes', 'pods']));
  expect(sockets).toHaveLength(1);
});
