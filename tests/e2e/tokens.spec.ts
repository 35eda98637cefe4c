import { expect, test } from '@playwright/test';
import { logIn, toast } from './helpers.ts';

test('an admin creates a token, uses it, and revokes it', async ({ page, request }) => {
  await logIn(page);
  await page.getByRole('link', { name: 'API tokens', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill('e2e laptop');
  await page.getByRole('button', { name: 'Create token' }).click();
  const value = (await page.getByTestId('new-token-value').textContent())?.trim() ?? '';
  expect(value).toMatch(/^eos_[\w-]{43}$/);
  const row = page.getByTestId('token-row-e2e laptop');
  await expect(row).toContainText('active');

  const whoami = await request.get('/apis/entroos.io/v1/whoami', { headers: { Authorization: `Bearer ${value}` } });
  expect(whoami.status()).toBe(200);
  expect(await whoami.json()).toMatchObject({ username: 'admin' });

  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  const after = await request.get('/apis/entroos.io/v1/whoami', { headers: { Authorization: `Bearer ${value}` } });
  expect(after.status()).toBe(401);
});

test('an empty token name shows the API validation message inline', async ({ page }) => {
  await logIn(page);
  await page.goto('/settings/tokens');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('Required value', { exact: true })).toBeVisible();
  await expect(toast(page, 'error', 'tokens is invalid: name: Required value')).toBeVisible();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
});

test('a viewer sees no way to create or revoke tokens', async ({ page }) => {
  await logIn(page, 'viewer1', 'viewer1-password');
  await page.goto('/settings/tokens');
  await expect(page.getByTestId('tokens-readonly')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create token' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
});

test('the settings page downloads a kubeconfig with a working token', async ({ page, request }) => {
  await logIn(page);
  await page.goto('/settings/tokens');
  // The terminal hint names this server and the user logged in, not a default.
  const origin = new URL(page.url()).origin;
  await expect(page.getByTestId('kubeconfig-hint')).toHaveText(
    `npm run -s kubeconfig -- --server ${origin} --user admin --password …`,
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('kubeconfig-download').click(),
  ]);
  expect(download.suggestedFilename()).toBe('entroos-kubeconfig.yaml');
  const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString());
  expect(text).toMatch(/server: "https:\/\/127\.0\.0\.1:\d+"/);
  expect(text).toMatch(/certificate-authority-data: [A-Za-z0-9+/=]+/);
  const token = /token: "(eos_[^"]+)"/.exec(text)?.[1];
  expect(token).toBeTruthy();
  const whoami = await request.get('/apis/entroos.io/v1/whoami', { headers: { Authorization: `Bearer ${token}` } });
  expect(await whoami.json()).toMatchObject({ username: 'admin' });
});
