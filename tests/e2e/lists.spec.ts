import { expect, test } from '@playwright/test';
import { adminHeaders, logIn } from './helpers.ts';

test('the list pages show what the API holds, with empty states', async ({ page, request }) => {
  const headers = await adminHeaders(request, 'e2e lists');
  const created = await request.post('/apis/apps/v1/namespaces/default/deployments', {
    headers,
    data: {
      metadata: { name: 'listed' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'listed' } },
        template: {
          metadata: { labels: { app: 'listed' } },
          spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
        },
      },
    },
  });
  expect(created.status()).toBe(201);

  await logIn(page);
  await page.getByRole('link', { name: 'Nodes' }).click();
  await expect(page.getByTestId('nodes-table-empty')).toContainText('No nodes have joined');

  await page.getByRole('link', { name: 'Deployments' }).click();
  await expect(page.getByTestId('deployments-table')).toContainText('listed');
  await expect(page.getByTestId('deployments-table')).toContainText('nginx:1.27');

  await page.getByRole('link', { name: 'Pods' }).click();
  await expect(page.getByTestId('pods-table').getByText(/^listed-/)).toHaveCount(2);
  await expect(page.getByTestId('pods-table')).toContainText('Pending');
  // The pod page explains why it waits: no nodes have joined this test server.
  await page
    .getByTestId('pods-table')
    .getByRole('link', { name: /^listed-/ })
    .first()
    .click();
  await expect(page.getByRole('heading', { name: /^Pod default\/listed-/ })).toBeVisible();
  await expect(page.getByTestId('pod-decision')).toContainText(
    '0/0 nodes are available: no nodes have joined the cluster.',
  );
  await expect(page.getByTestId('pod-events')).toContainText('FailedScheduling');
  // Events newest first, each with when it was last seen (the exact time on hover); the tab names the pod.
  await expect(page.getByTestId('pod-events').locator('thead')).toContainText('Last seen');
  await expect(page.getByTestId('pod-events').locator('tbody time').first()).toHaveAttribute(
    'title',
    /^\d{4}-\d\d-\d\dT/,
  );
  await expect(page).toHaveTitle(/^Pod default\/listed-.* · EntroOS$/);
  await page.goto('/pods');
  await page.getByLabel('Name or node contains').fill('nothing-matches');
  await expect(page.getByTestId('pods-table-empty')).toHaveText('No pods match.');

  // Leave the cluster empty for the other tests.
  await request.delete('/apis/apps/v1/namespaces/default/deployments/listed?propagationPolicy=Foreground', {
    headers,
  });
  await expect
    .poll(async () => (await (await request.get('/api/v1/pods', { headers })).json()).items.length, { timeout: 10_000 })
    .toBe(0);
});
