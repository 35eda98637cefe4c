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
  // 26 axe runs: a few seconds each on a busy 2-core machine.
  test.setTimeout(300_000);
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

test('keyboard: ? shows the shortcuts, :kind jumps to a kind k9s-style, and a skip link leads to the content', async ({
  page,
}) => {
  await logIn(page);
  await expect(page.getByTestId('connection-state')).toHaveText('Live');

  // The first Tab lands on the skip link, which moves focus past the navigation.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();

  await page.keyboard.press('?');
  const help = page.getByTestId('shortcut-help');
  await expect(help).toBeVisible();
  await expect(help.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeVisible();
  await expect(help).toContainText('Jump to a kind by name');
  const results = await new AxeBuilder({ page }).include('[data-testid="shortcut-help"]').analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // :deploy goes to the deployments page, :cm to the generic ConfigMap list; an unknown name says so.
  await page.keyboard.press(':');
  const jump = page.getByTestId('kind-jump');
  await expect(jump).toBeVisible();
  await page.getByRole('combobox', { name: 'Go to kind' }).fill('deploy');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/deployments$/);
  await expect(jump).toBeHidden();
  await page.locator('main h1').click();
  await page.keyboard.press(':');
  await page.getByRole('combobox', { name: 'Go to kind' }).fill('widgets');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('kind-jump-problem')).toContainText('no kind named “widgets”');
  await page.getByRole('combobox', { name: 'Go to kind' }).fill('cm');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/resources\/core\/v1\/configmaps$/);
  await expect(page.locator('main h1')).toContainText(/ConfigMaps/i);
});
