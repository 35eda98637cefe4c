import { expect, test } from '@playwright/test';
import { logIn } from './helpers.ts';

// The API reference page: every group in the picker, Swagger UI rendering the chosen group's OpenAPI, and
// "Try it out" sending a real request with the signed-in session — with no console errors on the way.
test('the API reference switches groups and runs "Try it out" with the session', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));

  await logIn(page);
  await page.getByRole('link', { name: 'API reference' }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.locator('main h1')).toHaveText('API reference');
  const picker = page.getByLabel('API group');
  await expect(picker.locator('option')).toContainText(['core v1', 'apps/v1', 'batch/v1', 'entroos.io/v1']);
  const reference = page.getByTestId('api-reference');

  // core v1 first: its kinds as sections, their operations listed.
  const listPods = reference.locator('#operations-Pod-listCoreV1NamespacedPod');
  // The viewer's bundle and core v1's document (a few hundred schemas) take a while on a busy machine.
  await expect(listPods).toContainText('/api/v1/namespaces/{namespace}/pods', { timeout: 30_000 });
  expect(await reference.locator('.opblock').count()).toBeGreaterThan(50);

  await picker.selectOption('apps/v1');
  await expect(page).toHaveURL(/group=apps%2Fv1/);
  await expect(reference.locator('#operations-Deployment-createAppsV1NamespacedDeployment')).toContainText(
    '/apis/apps/v1/namespaces/{namespace}/deployments',
  );
  await expect(listPods).toHaveCount(0);

  await picker.selectOption('entroos.io/v1');
  await expect(reference.locator('#operations-Authentication-getWhoami')).toContainText('/apis/entroos.io/v1/whoami');

  // Back to core v1, and list the pods of "default" from the browser, with the session cookie.
  await picker.selectOption('core/v1');
  await listPods.locator('.opblock-summary-control').click();
  await listPods.getByRole('button', { name: 'Try it out' }).click();
  const namespace = listPods.locator('tr[data-param-name="namespace"] input');
  await expect(namespace).toHaveValue('default');
  await listPods.getByRole('button', { name: 'Execute' }).click();
  const response = listPods.locator('.live-responses-table .response');
  await expect(response.locator('.response-col_status')).toHaveText('200');
  await expect(response.locator('.response-col_description')).toContainText('"kind": "PodList"');

  await expect(page.getByRole('link', { name: 'Postman collection' })).toHaveAttribute(
    'href',
    '/apis/entroos.io/v1/reference/postman',
  );
  expect(errors).toEqual([]);
});
