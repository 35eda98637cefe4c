import { expect, test } from '@playwright/test';
import { adminHeaders, axeBothThemes, editEditorText, logIn, toast } from './helpers.ts';

// The generic pages for kinds without a page of their own: the index of every
// kind the API serves (from discovery), a kind's list as the server's Table,
// one object's YAML, an edit, a delete; a viewer sees no write buttons.

const NAMESPACE = 'generic-e2e';

test('all resources: the index from discovery, a ConfigMap list, its YAML, edit, delete; axe', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(120_000);
  const headers = await adminHeaders(request, 'e2e all');
  await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: NAMESPACE } } });
  const created = await request.post(`/api/v1/namespaces/${NAMESPACE}/configmaps`, {
    headers,
    data: { metadata: { name: 'settings' }, data: { mode: 'fast' } },
  });
  expect(created.status(), await created.text()).toBe(201);

  await logIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'All resources' }).click();
  await expect(page.locator('main h1')).toHaveText('All resources');
  const index = page.getByTestId('resources-table');
  // Discovery's kinds, with their resource names and scope.
  const configMaps = index.getByRole('row', { name: /^ConfigMap / });
  await expect(configMaps).toContainText('configmaps/v1');
  await expect(configMaps).toContainText('cm');
  await expect(index.getByRole('row', { name: /^Deployment / })).toContainText('deployments.apps/v1');
  await expect(
    index
      .getByRole('row', { name: /^Node / })
      .getByRole('cell')
      .nth(3),
  ).toHaveText('No');
  await page.getByLabel('Kind, group or short name contains').fill('cm');
  await expect(index.getByRole('row')).toHaveCount(2); // the header and ConfigMap
  await axeBothThemes(page, 'all resources');

  await index.getByRole('link', { name: 'ConfigMap', exact: true }).click();
  await expect(page).toHaveURL(/\/resources\/core\/v1\/configmaps$/);
  await expect(page.locator('main h1')).toContainText('ConfigMap objects');
  await page.getByLabel('Namespace', { exact: true }).selectOption(NAMESPACE);
  const table = page.getByTestId('cr-table');
  await expect(table.getByRole('link')).toHaveText(['settings']);
  await axeBothThemes(page, 'configmaps list');

  // Any kind is created from YAML, from its list: the skeleton names the kind and the chosen namespace.
  await page.getByRole('link', { name: 'Create ConfigMap' }).click();
  await expect(page).toHaveURL(/\/resources\/new\?apiVersion=v1&kind=ConfigMap&namespace=generic-e2e$/);
  await expect(page.locator('main h1')).toHaveText('Create ConfigMap');
  const manifest = page.getByLabel('Manifest (YAML)');
  await editEditorText(manifest, (t) => {
    expect(t).toContain('kind: ConfigMap');
    expect(t).toContain(`namespace: ${NAMESPACE}`);
    return t.replace(/name: .*/, 'name: from-list') + 'data:\n  made: here\n';
  });
  await page.getByRole('button', { name: 'Create from YAML' }).click();
  await expect(page).toHaveURL(new RegExp(`/resources/core/v1/configmaps/${NAMESPACE}/from-list$`));
  await expect(page.getByTestId('cr-yaml')).toContainText('made: here');
  await page.goBack();
  await page.goBack();

  await table.getByRole('link', { name: 'settings' }).click();
  await expect(page).toHaveURL(new RegExp(`/resources/core/v1/configmaps/${NAMESPACE}/settings$`));
  await expect(page.locator('main h1')).toHaveText(`ConfigMap ${NAMESPACE}/settings`);
  const yaml = page.getByTestId('cr-yaml');
  await expect(yaml).toContainText('mode: fast');
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel(`YAML of ConfigMap ${NAMESPACE}/settings`);
  await editEditorText(editor, (t) => t.replace('mode: fast', 'mode: careful'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(toast(page, 'success', `Saved ConfigMap ${NAMESPACE}/settings.`)).toBeVisible();
  await expect(yaml).toContainText('mode: careful');
  const stored = await (await request.get(`/api/v1/namespaces/${NAMESPACE}/configmaps/settings`, { headers })).json();
  expect(stored.data).toEqual({ mode: 'careful' });
  await axeBothThemes(page, 'configmap');

  // A viewer reads the same pages without write buttons.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await logIn(viewer, 'viewer1', 'viewer1-password');
  await viewer.goto(page.url());
  await expect(viewer.getByTestId('cr-yaml')).toContainText('mode: careful');
  await expect(viewer.getByRole('button', { name: /^(Edit|Delete)/ })).toHaveCount(0);
  await viewerContext.close();

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(toast(page, 'success', `Deleted ConfigMap ${NAMESPACE}/settings.`)).toBeVisible();
  await expect(page).toHaveURL(/\/resources\/core\/v1\/configmaps$/);
  expect((await request.get(`/api/v1/namespaces/${NAMESPACE}/configmaps/settings`, { headers })).status()).toBe(404);
  await request.delete(`/api/v1/namespaces/${NAMESPACE}`, { headers });
});

test("an object's page links its owners and what it owns, and lists its events", async ({ page, request }) => {
  test.setTimeout(90_000);
  const ns = 'owners-e2e';
  const headers = await adminHeaders(request, 'e2e owners');
  await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: ns } } });
  const created = await request.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    headers,
    data: {
      metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'nginx:1.27' }] },
        },
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  await expect
    .poll(async () => (await (await request.get(`/api/v1/namespaces/${ns}/pods`, { headers })).json()).items.length, {
      timeout: 30_000,
    })
    .toBe(2);

  await logIn(page);
  await page.goto(`/resources/apps/v1/deployments/${ns}/web`);
  await expect(page.getByTestId('obj-labels')).toContainText('tier=front');
  await expect(page.getByTestId('obj-owners-empty')).toBeVisible();
  const owned = page.getByTestId('obj-owned');
  await expect(owned.getByRole('row')).toHaveCount(2); // the header and the ReplicaSet
  await expect(page.getByTestId('obj-events')).toContainText('ScalingReplicaSet');
  await axeBothThemes(page, 'deployment relations');

  await owned.getByRole('link', { name: /^web-/ }).click();
  await expect(page).toHaveURL(new RegExp(`/resources/apps/v1/replicasets/${ns}/web-`));
  const owners = page.getByTestId('obj-owners');
  await expect(owners.getByRole('row', { name: /Deployment web yes/ })).toBeVisible();
  const pods = page.getByTestId('obj-owned').getByRole('link', { name: /^web-/ });
  await expect(pods).toHaveCount(2);
  await pods.first().click();
  await expect(page).toHaveURL(new RegExp(`/pods/${ns}/web-`));
  await request.delete(`/api/v1/namespaces/${ns}`, { headers });
});
