import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';

test('an admin changes a score weight on the scheduler page; a viewer can only look', async ({ page, request }) => {
  await logIn(page);
  await page.getByRole('link', { name: 'Scheduler' }).click();
  await expect(page.getByTestId('scheduler-summary')).toContainText('Cluster entropy');
  const weight = page.getByTestId('scheduler-profiles').locator('input[type=number]').first();
  const profile = await weight.getAttribute('data-profile');
  const plugin = await weight.getAttribute('data-plugin');
  await weight.fill('7');
  await page.getByRole('button', { name: 'Save weights' }).click();
  await expect(page.getByTestId('scheduler-save')).toContainText('Saved');
  // The server now schedules with it.
  const { token } = await (await request.post('/api/login', { data: { username: 'admin', password: 'admin-test-password', tokenName: 'e2e scheduler' } })).json();
  const config = await (await request.get('/apis/entroos.io/v1/scheduler/config', { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(config.profiles.find((p: any) => p.name === profile).scores.find((s: any) => s.name === plugin).weight).toBe(7);
  await request.delete('/apis/entroos.io/v1/scheduler/config', { headers: { Authorization: `Bearer ${token}` } });

  await page.context().clearCookies();
  await logIn(page, 'viewer1', 'viewer1-password');
  await page.goto('/scheduler');
  await expect(page.getByTestId('scheduler-profiles').locator('input[type=number]').first()).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save weights' })).toHaveCount(0);
});
