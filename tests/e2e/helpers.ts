import { expect, type Page } from '@playwright/test';
import { ADMIN_PASSWORD } from '../helpers/server.ts';

/** Logs in through the login page; `base` is the server's URL for specs that start their own server. */
export async function logIn(page: Page, username = 'admin', password = ADMIN_PASSWORD, base = '') {
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(username);
}

/**
 * The toast that says `text`. Earlier toasts may still be showing (successes stay 4 s), so a spec looks for its
 * own message among them rather than for "the" toast.
 */
export const toast = (page: Page, kind: 'success' | 'error', text: string) =>
  page.getByTestId(`toast-${kind}`).filter({ hasText: text });
