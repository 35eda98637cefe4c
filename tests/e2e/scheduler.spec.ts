import { expect, test } from '@playwright/test';
import { adminHeaders, logIn, toast } from './helpers.ts';

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
  const headers = await adminHeaders(request, 'e2e scheduler');
  const config = (await (await request.get('/apis/entroos.io/v1/scheduler/config', { headers })).json()) as {
    profiles: { name: string; scores: { name: string; weight: number }[] }[];
  };
  expect(config.profiles.find((p) => p.name === profile)?.scores.find((s) => s.name === plugin)?.weight).toBe(7);
  await request.delete('/apis/entroos.io/v1/scheduler/config', { headers });

  await page.context().clearCookies();
  await logIn(page, 'viewer1', 'viewer1-password');
  await page.goto('/scheduler');
  await expect(page.getByTestId('scheduler-profiles').locator('input[type=number]').first()).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save weights' })).toHaveCount(0);
});

test('the policy laboratory compares two profiles on one generated workload', async ({ page }) => {
  await logIn(page);
  await page.goto('/scheduler');
  await expect(page.getByTestId('history-charts')).toBeVisible();
  const lab = page.getByTestId('policy-lab');
  const boxes = lab.getByRole('checkbox');
  expect(await boxes.count()).toBeGreaterThanOrEqual(2);
  await lab.getByLabel('Nodes').fill('0');
  await lab.getByRole('button', { name: 'Run' }).click();
  await expect(lab.locator('#lab-nodes-error')).toHaveText('a whole number from 1 to 2000');
  await lab.getByLabel('Nodes').fill('20');
  await lab.getByLabel('Pods').fill('200');
  await lab.getByLabel('Arriving over (s)').fill('10');
  await lab.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('lab-table').locator('tbody tr')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId('lab-chart-entropy').getByRole('application')).toBeVisible();
  await expect(toast(page, 'success', 'Lab run done: 2 profile(s) compared.')).toBeVisible();
});
