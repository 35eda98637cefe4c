import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';

// axe-core (WCAG 2 A/AA) on the API reference, with Swagger UI's operations rendered and one opened (batch/v1: a
// group of a few dozen operations, since axe over core v1's hundreds takes minutes), in both themes, and on the
// GraphQL explorer.

const violations = (results: Awaited<ReturnType<AxeBuilder['analyze']>>, where: string) =>
  results.violations.map(
    (v) =>
      `${where} ${v.id}: ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  );

test('the API reference and the GraphQL explorer have no axe violations', async ({ page }) => {
  test.setTimeout(180_000);
  await logIn(page);
  for (const theme of ['light', 'dark']) {
    await page.goto('/docs/api?group=batch%2Fv1');
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    const reference = page.getByTestId('api-reference');
    const listJobs = reference.locator('#operations-Job-listBatchV1NamespacedJob');
    await expect(listJobs).toBeVisible({ timeout: 30_000 });
    await listJobs.locator('.opblock-summary-control').click();
    await expect(listJobs.locator('.opblock-body')).toBeVisible();
    expect(
      violations(await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze(), `${theme} /docs/api`),
    ).toEqual([]);
  }
  await page.goto('/graphql');
  await expect(page.getByRole('heading', { name: 'EntroOS GraphQL' })).toBeVisible();
  await expect(page.getByLabel('Schema')).toContainText('Subscription');
  expect(violations(await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze(), '/graphql')).toEqual([]);
});
