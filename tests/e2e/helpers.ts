import AxeBuilder from '@axe-core/playwright';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN_PASSWORD } from '../helpers/server.ts';

/** Logs in through the login page; `base` is the server's URL for specs that start their own server. */
export async function logIn(page: Page, username = 'admin', password = ADMIN_PASSWORD, base = '') {
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(username);
}

/** The Authorization header of a new admin API token, for a spec's own API calls beside the browser. */
export async function adminHeaders(request: APIRequestContext, tokenName: string) {
  const res = await request.post('/api/login', { data: { username: 'admin', password: ADMIN_PASSWORD, tokenName } });
  expect(res.ok(), await res.text()).toBe(true);
  const { token } = (await res.json()) as { token: string };
  return { Authorization: `Bearer ${token}` };
}

/**
 * The toast that says `text`. Earlier toasts may still be showing (successes stay 4 s), so a spec looks for its
 * own message among them rather than for "the" toast.
 */
export const toast = (page: Page, kind: 'success' | 'error', text: string) =>
  page.getByTestId(`toast-${kind}`).filter({ hasText: text });

/** No WCAG 2 A/AA violations on the page, in the light and the dark theme. */
export async function axeBothThemes(page: Page, what: string) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(
      results.violations.map(
        (v) =>
          `${theme} ${what} ${v.id}: ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')}`,
      ),
    ).toEqual([]);
  }
  await page.evaluate(() => {
    document.documentElement.dataset.theme = 'light';
  });
}
