import { expect, test } from '@playwright/test';
import { axeBothThemes, logIn } from './helpers.ts';

// Unknown objects and addresses answer 404 with a page of ours: inside the dashboard (navigation kept) for an
// object that does not exist, on its own for an address that matches nothing.

test('a pod that does not exist, and an address that matches nothing, show our 404 pages', async ({ page }) => {
  await logIn(page);
  const missing = await page.goto('/pods/default/no-such-pod');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found', level: 1 })).toBeVisible();
  await expect(page.getByTestId('not-found')).toContainText('It may have been deleted');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeAttached();
  await axeBothThemes(page, 'dashboard not found');

  const nowhere = await page.goto('/no/such/page');
  expect(nowhere?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('There is no page at this address.');
  await page.getByRole('link', { name: 'Go to the dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});
