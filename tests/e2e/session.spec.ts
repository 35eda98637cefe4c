import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';

// Its own server with a 4-second idle limit.
let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_SESSION_IDLE_MINUTES: String(4 / 60) } });
});
test.afterAll(async () => {
  await server?.stop();
});

test('an idle session ends with a message saying why; activity keeps it alive', async ({ page }) => {
  await logIn(page, 'admin', ADMIN_PASSWORD, server.url);

  // Active for longer than the idle limit: still logged in.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Shift');
    await page.waitForTimeout(1000);
  }
  await page.reload();
  await expect(page.getByTestId('current-user')).toContainText('admin');

  // Idle: the dashboard sends the user to the login page and says why.
  await expect(page).toHaveURL(/\/login\?reason=idle/, { timeout: 15_000 });
  await expect(
    page.getByText('You were logged out after 4 seconds without activity. Log in again to continue.'),
  ).toBeVisible();
  // The server agrees: the session cookie no longer opens the dashboard.
  await page.goto(`${server.url}/pods`);
  await expect(page).toHaveURL(/\/login/);
});
