import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';

test('an anonymous visit to a dashboard page redirects to the login page', async ({ page }) => {
  await page.goto('/settings/tokens');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings%2Ftokens/);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
});

test('a wrong password shows an error and stays on the login page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('definitely-wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('login-error')).toHaveText('Invalid username or password.');
  await expect(page).toHaveURL(/\/login/);
});

test('the right password reaches the dashboard, and logout returns to the login page', async ({ page }) => {
  await logIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('empty-cluster')).toContainText('The cluster is empty');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('after login the user returns to the page they asked for', async ({ page }) => {
  await page.goto('/settings/tokens');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(process.env.ENTROOS_E2E_ADMIN_PASSWORD ?? 'admin-test-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
});

test('the theme toggle switches between dark and light and is remembered', async ({ page }) => {
  await logIn(page);
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.getByTestId('theme-toggle').click();
  const after = await page.evaluate(() => document.documentElement.dataset.theme);
  expect(after).not.toBe(before);
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(after);
});
