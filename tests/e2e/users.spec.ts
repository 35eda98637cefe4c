import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';

test('an admin creates a user, changes their role and disables them; a bad password shows the API message', async ({
  page,
}) => {
  await logIn(page);
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Username').fill('casey');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('users-message')).toContainText('is invalid');
  await expect(page.getByText('must be at least 8 characters', { exact: true })).toBeVisible();

  await page.getByLabel('Password').fill('casey-password');
  await page.getByLabel('Role', { exact: true }).selectOption('operator');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('users-message')).toHaveText('Created casey (operator).');
  const row = page.getByTestId('users-table').getByRole('row', { name: /casey/ });
  await expect(row).toContainText('active');

  await page.getByLabel('Role of casey').selectOption('viewer');
  await expect(page.getByLabel('Role of casey')).toHaveValue('viewer');
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('disabled');
  await row.getByRole('button', { name: 'Enable' }).click();
  await expect(row).toContainText('active');
});

test('a viewer sees no Users link and no user management', async ({ page }) => {
  await logIn(page, 'viewer1', 'viewer1-password');
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await page.goto('/settings/users');
  await expect(page.getByText('Only admins manage users')).toBeVisible();
});
