import { expect, test, type Page } from '@playwright/test';
import { adminHeaders, axeBothThemes, logIn } from './helpers.ts';

// The dashboard on a phone (360 px, the narrowest the layout supports, and 390 × 844): the navigation is a drawer
// behind a Menu button, and no page scrolls sideways — wide tables scroll inside their panel.

test.use({ viewport: { width: 360, height: 780 } });

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

test('phone layout: a navigation drawer, and the overview, pods and a pod page without sideways scrolling', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const headers = await adminHeaders(request, 'e2e phone');
  const name = 'phone-layout-with-a-rather-long-pod-name-0123456789';
  expect(
    (
      await request.post('/api/v1/namespaces/default/pods', {
        headers: headers,
        data: {
          metadata: { name, labels: { app: 'phone', 'example.com/a-long-label-key': 'and-a-long-label-value' } },
          spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox:1.36' }] },
        },
      })
    ).status(),
  ).toBe(201);

  for (const width of [360, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await logIn(page);
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    expect(await pageWidth(page)).toBeLessThanOrEqual(width);
    // The drawer is closed: its links are not in the way (or in the tab order) until the menu opens it.
    await expect(nav.getByRole('link', { name: 'Pods' })).toBeHidden();
    await menu.click();
    await expect(page.getByRole('button', { name: 'Close menu' })).toHaveAttribute('aria-expanded', 'true');
    await nav.getByRole('link', { name: 'Pods' }).click();
    await expect(page).toHaveURL(/\/pods$/);
    await expect(nav.getByRole('link', { name: 'Pods' })).toBeHidden();
    await expect(page.getByTestId('pods-table').getByRole('link', { name })).toBeVisible();
    expect(await pageWidth(page)).toBeLessThanOrEqual(width);

    await page.getByTestId('pods-table').getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { name: new RegExp(name) })).toBeVisible();
    expect(await pageWidth(page)).toBeLessThanOrEqual(width);
    // Escape closes the drawer too.
    await menu.click();
    await expect(nav.getByRole('link', { name: 'Nodes' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(nav.getByRole('link', { name: 'Nodes' })).toBeHidden();
    if (width === 390) await axeBothThemes(page, 'pod page on a phone');
    await page.context().clearCookies();
  }
});
