import { expect, test } from '@playwright/test';
import { adminHeaders, logIn, toast } from './helpers.ts';

const pod = (name: string, labels: Record<string, string>) => ({
  metadata: { name, labels },
  spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox:1.36' }] },
});

test('services, namespaces and events pages; pods filtered by phase and labels, and deleted in bulk with a toast', async ({
  page,
  request,
}) => {
  const headers = await adminHeaders(request, 'e2e resources');
  expect((await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: 'shop' } } })).status()).toBe(
    201,
  );
  expect(
    (
      await request.post('/api/v1/namespaces/shop/services', {
        headers,
        data: {
          metadata: { name: 'cart' },
          spec: { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] },
        },
      })
    ).status(),
  ).toBe(201);
  for (const [name, tier] of [
    ['bulk-a', 'web'],
    ['bulk-b', 'web'],
    ['bulk-c', 'db'],
  ]) {
    expect(
      (
        await request.post('/api/v1/namespaces/shop/pods', { headers, data: pod(name, { suite: 'bulk', tier }) })
      ).status(),
    ).toBe(201);
  }

  await logIn(page);
  await page.getByRole('link', { name: 'Services' }).click();
  await expect(page.getByTestId('services-table')).toContainText('cart');
  await expect(page.getByTestId('services-table')).toContainText('80→8080/TCP');
  await page.getByRole('link', { name: 'Namespaces' }).click();
  await expect(page.getByTestId('namespaces-table')).toContainText('shop');
  await page.getByRole('link', { name: 'Events' }).click();
  await expect(page.getByTestId('events-count')).toBeVisible();
  // Live: an event recorded now shows up, newest first, and the type filter applies.
  const event = {
    metadata: { name: 'e2e-live-event' },
    involvedObject: { kind: 'Pod', name: 'bulk-a', namespace: 'shop' },
    reason: 'E2ELive',
    message: 'recorded by the e2e test',
    type: 'Warning',
    lastTimestamp: new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  expect((await request.post('/api/v1/namespaces/shop/events', { headers, data: event })).status()).toBe(201);
  await expect(page.getByTestId('events-table').locator('tbody tr').first()).toContainText('E2ELive');
  await page.getByLabel('Type').selectOption('Normal');
  await expect(page.getByText('E2ELive')).toHaveCount(0);
  await page.getByLabel('Type').selectOption('');

  await page.getByRole('link', { name: 'Pods' }).click();
  await page.getByLabel('Label selector').fill('suite=bulk,tier=web');
  await expect(page.getByTestId('pods-table').getByRole('link', { name: /^bulk-/ })).toHaveCount(2);
  await page.getByLabel('Phase').selectOption('Running');
  await expect(page.getByTestId('pods-table-empty')).toBeVisible();
  await page.getByLabel('Phase').selectOption('');
  await page.getByLabel('Label selector').fill('suite in (');
  await expect(page.getByText(/unable to parse requirement "suite in \("/)).toBeVisible();
  await page.getByLabel('Label selector').fill('suite=bulk');
  await expect(page.getByTestId('pods-table').getByRole('link', { name: /^bulk-/ })).toHaveCount(3);

  await page.getByRole('button', { name: 'Select all 3 shown' }).click();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('bulk-delete').click();
  await expect(toast(page, 'success', 'Deleting 3 pod(s).')).toBeVisible();
  await expect(page.getByTestId('pods-table-empty')).toBeVisible({ timeout: 15_000 });

  await request.delete('/api/v1/namespaces/shop', { headers });
});
