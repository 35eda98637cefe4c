import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';

// axe-core on every dashboard page (WCAG 2 A/AA rules), in both themes, and the keyboard shortcuts.
const PAGES = [
  '/',
  '/nodes',
  '/pods',
  '/deployments',
  '/deployments/new',
  '/services',
  '/namespaces',
  '/events',
  '/scheduler',
  '/proofs',
  '/settings/tokens',
  '/settings/users',
];

test('dashboard pages have no axe violations in light and dark themes', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/login');
  const loginResults = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(loginResults.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  await logIn(page);
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    for (const path of PAGES) {
      await page.goto(path);
      await page.evaluate((t) => {
        document.documentElement.dataset.theme = t;
      }, theme);
      await expect(page.locator('main h1')).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(
        results.violations.map(
          (v) =>
            `${theme} ${path} ${v.id}: ${v.help} — ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(', ')}`,
        ),
      ).toEqual([]);
    }
  }
});

test('keyboard: / focuses the search, g p and g n navigate', async ({ page }) => {
  await logIn(page);
  // Shortcuts listen once the page is hydrated; the live indicator shows it is.
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
  await page.keyboard.press('g');
  await page.keyboard.press('p');
  await expect(page).toHaveURL(/\/pods$/);
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
  await page.locator('main h1').click();
  await page.keyboard.press('/');
  await expect(page.getByLabel('Name or node contains')).toBeFocused();
  await page.locator('main h1').click();
  await page.keyboard.press('g');
  await page.keyboard.press('n');
  await expect(page).toHaveURL(/\/nodes$/);
});
