import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';

// The GraphQL explorer, opened from the dashboard: it loads with nothing from the network but this server, runs a
// query with the signed-in session and streams a subscription over the WebSocket — with no console errors.
test('the GraphQL explorer runs a query and a subscription with the session', async ({ page }) => {
  const errors: string[] = [];
  const foreign: string[] = [];
  // Watched from the explorer on (the login page's own favicon request is not the explorer's).
  await logIn(page);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  const host = new URL(page.url()).host;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.host !== host) foreign.push(request.url());
  });
  await page.getByRole('link', { name: 'GraphQL explorer' }).click();
  await expect(page).toHaveURL(/\/graphql$/);
  await expect(page.getByRole('heading', { name: 'EntroOS GraphQL' })).toBeVisible();
  await expect(page.getByLabel('Schema')).toContainText('Subscription');

  await page.getByLabel('Query').fill('{ namespaces { items { metadata { name } } } }');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#result')).toContainText('"default"');

  await page.getByLabel('Query').fill('subscription { namespaces { type object { metadata { name } } } }');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#result')).toContainText('Subscribed');
  const response = await page.request.post('/api/v1/namespaces', { data: { metadata: { name: 'gql-e2e' } } });
  expect(response.status()).toBe(201);
  await expect(page.locator('#result')).toContainText('gql-e2e');
  await page.getByRole('button', { name: 'Stop' }).click();

  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});
