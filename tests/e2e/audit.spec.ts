import { expect, test } from '@playwright/test';
import { axeBothThemes, logIn } from './helpers.ts';

test('an admin searches the audit trail, follows it live, verifies it and opens the compliance report', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  await logIn(page);
  await page.getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { name: 'Audit' })).toBeVisible();
  // The login just made is in the trail.
  const table = page.getByTestId('audit-table');
  await expect(table.getByRole('row').filter({ hasText: 'login' }).first()).toBeVisible();

  await page.getByLabel('Verb').selectOption('login');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(table.getByRole('row').nth(1)).toContainText('admin');
  await expect(table.getByRole('row').filter({ hasNotText: 'login' })).toHaveCount(1); // the header row

  // Live: a ConfigMap created elsewhere appears without a reload.
  await page.getByLabel('Verb').selectOption('');
  await page.getByLabel('Kind (resource)').fill('configmaps');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByLabel('Live tail').check();
  const login = await request.post('/api/login', { data: { username: 'admin', password: 'admin-test-password' } });
  const token = ((await login.json()) as { token: string }).token;
  const created = await request.post('/api/v1/namespaces/default/configmaps', {
    headers: { Authorization: `Bearer ${token}` },
    data: { metadata: { name: 'tailed' }, data: { k: 'v' } },
  });
  expect(created.status()).toBe(201);
  await expect(table.getByRole('row').filter({ hasText: 'tailed' })).toBeVisible();

  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(page.getByTestId('audit-verify-result')).toHaveText(/^ok: \d+ records, \d+ checkpoints$/);
  await axeBothThemes(page, 'audit page');

  const report = await page.request.get('/apis/entroos.io/v1/audit/compliance?format=html');
  expect(report.status()).toBe(200);
  expect(await report.text()).toContain('Audit coverage');
});

test('a viewer sees no Audit link and no audit records', async ({ page }) => {
  await logIn(page, 'viewer1', 'viewer1-password');
  await expect(page.getByRole('link', { name: 'Audit' })).toHaveCount(0);
  await page.goto('/settings/audit');
  await expect(page.getByText('Only admins read the audit trail')).toBeVisible();
});
