import { expect, test, type APIRequestContext } from '@playwright/test';
import { adminHeaders, axeBothThemes, editEditorText, editorSelection, editorText, logIn, toast } from './helpers.ts';

// Custom resources in the dashboard: a CRD and two objects made through the
// API, then the CRDs page, the list (the printer columns' values, live), an
// object's YAML, an edit saved with PUT, a value the schema refuses (the
// API's message at its field), a stale save (409, reload), a delete; axe in
// both themes on each page, and a viewer without write buttons.

const GROUP = 'e2e.example.com';
const NAMESPACE = 'crd-e2e';
const CRD_URL = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const WIDGETS = `/apis/${GROUP}/v1/namespaces/${NAMESPACE}/widgets`;

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['replicas'],
                properties: {
                  replicas: { type: 'integer', minimum: 0, maximum: 10 },
                  color: { type: 'string', enum: ['red', 'green', 'blue'] },
                },
              },
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string' },
                  conditions: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        type: { type: 'string' },
                        status: { type: 'string' },
                        reason: { type: 'string' },
                        message: { type: 'string' },
                        lastTransitionTime: { type: 'string', format: 'date-time' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        additionalPrinterColumns: [
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
    ],
  },
};

const widget = (name: string, replicas: number, color: string, status?: Record<string, unknown>) => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'Widget',
  metadata: { name },
  spec: { replicas, color },
  ...(status ? { status } : {}),
});

async function seed(request: APIRequestContext, headers: Record<string, string>) {
  const ns = await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: NAMESPACE } } });
  expect([201, 409]).toContain(ns.status());
  const created = await request.post(CRD_URL, { headers, data: crd });
  expect(created.status(), await created.text()).toBe(201);
  // The CRD is served once established: the first object is accepted then.
  const first = widget('alpha', 2, 'red', {
    phase: 'Ready',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'AllGood',
        message: 'the widget is ready',
        lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    ],
  });
  await expect
    .poll(async () => (await request.post(WIDGETS, { headers, data: first })).status(), { timeout: 20_000 })
    .toBe(201);
  const second = await request.post(WIDGETS, { headers, data: widget('beta', 5, 'blue') });
  expect(second.status(), await second.text()).toBe(201);
}

test('custom resources: CRDs, the printer-column list, YAML, edit, schema errors, conflicts, delete; axe', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(180_000);
  const headers = await adminHeaders(request, 'e2e crds');
  await seed(request, headers);

  await logIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Custom resources' }).click();
  await expect(page.locator('main h1')).toHaveText('Custom resources');
  const crdRow = page.getByTestId('crds-table').getByRole('row', { name: /Widget/ });
  await expect(crdRow).toContainText(GROUP);
  await expect(crdRow).toContainText(`widgets.${GROUP}`);
  await expect(crdRow).toContainText('Namespaced');
  await expect(crdRow).toContainText('v1 (storage)');
  await expect(crdRow.getByRole('cell').nth(5)).toHaveText('Yes');
  await expect(crdRow.getByRole('cell').last()).toHaveText('2');
  await axeBothThemes(page, 'custom resources');

  // The list: the server's Table, i.e. the printer columns.
  await crdRow.getByRole('link', { name: 'Widget', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/custom-resources/${GROUP}/v1/widgets$`));
  const table = page.getByTestId('cr-table');
  await expect(table.locator('thead th')).toHaveText([
    'Namespace',
    /^name$/i,
    'Replicas',
    'Color',
    'Phase',
    'Age',
    'Actions',
  ]);
  const alphaRow = table.getByRole('row', { name: /alpha/ });
  await expect(alphaRow.getByRole('cell')).toHaveText([NAMESPACE, 'alpha', '2', 'red', 'Ready', /^\d+(s|m)/, 'Delete']);
  await expect(table.getByRole('row', { name: /beta/ }).getByRole('cell')).toHaveText([
    NAMESPACE,
    'beta',
    '5',
    'blue',
    '<none>',
    /^\d+(s|m)/,
    'Delete',
  ]);
  await page.getByLabel('Namespace', { exact: true }).selectOption(NAMESPACE);
  await expect(table.locator('thead th')).toHaveText([/^name$/i, 'Replicas', 'Color', 'Phase', 'Age', 'Actions']);
  await expect(table.getByRole('link')).toHaveText(['alpha', 'beta']);
  await page.getByLabel('Contains').fill('blue');
  await expect(table.getByRole('link')).toHaveText(['beta']);
  await page.getByLabel('Contains').fill('');
  // Live: a change made elsewhere shows up without a reload.
  const beta = await (await request.get(`${WIDGETS}/beta`, { headers })).json();
  beta.spec.color = 'green';
  expect((await request.put(`${WIDGETS}/beta`, { headers, data: beta })).status()).toBe(200);
  await expect(table.getByRole('row', { name: /beta/ })).toContainText('green', { timeout: 15_000 });
  await axeBothThemes(page, 'widgets list');

  // An object: summary, conditions, YAML.
  await table.getByRole('link', { name: 'alpha' }).click();
  await expect(page).toHaveURL(new RegExp(`/custom-resources/${GROUP}/v1/widgets/${NAMESPACE}/alpha$`));
  await expect(page.locator('main h1')).toHaveText(`Widget ${NAMESPACE}/alpha`);
  await expect(page.getByTestId('cr-summary')).toContainText(NAMESPACE);
  await expect(page.getByTestId('cr-conditions')).toContainText('AllGood');
  const yaml = page.getByTestId('cr-yaml');
  await expect(yaml).toContainText('kind: Widget');
  await expect(yaml).toContainText('replicas: 2');
  await expect(yaml).toContainText('color: red');
  await axeBothThemes(page, 'widget');

  // Edit: replicas 2 → 3, saved with PUT.
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel(`YAML of Widget ${NAMESPACE}/alpha`);
  await expect(editor).toBeVisible();
  await editEditorText(editor, (t) => t.replace('replicas: 2', 'replicas: 3'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(toast(page, 'success', `Saved Widget ${NAMESPACE}/alpha.`)).toBeVisible();
  await expect(yaml).toContainText('replicas: 3');
  expect((await (await request.get(`${WIDGETS}/alpha`, { headers })).json()).spec.replicas).toBe(3);

  // A value over the schema's maximum: the API's message, and the cause at its field (line).
  await page.getByRole('button', { name: 'Edit' }).click();
  await editEditorText(editor, (t) => t.replace('replicas: 3', 'replicas: 20'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const error = page.getByTestId('save-error');
  await expect(error).toContainText(/less than or equal to 10/);
  const cause = page.getByTestId('save-causes').getByRole('listitem').filter({ hasText: 'spec.replicas' });
  await expect(cause).toContainText(/\(line \d+\)/);
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  await cause.getByRole('button').click();
  await expect(editor).toBeFocused();
  expect(await editorSelection(editor)).toBe('replicas');
  expect((await (await request.get(`${WIDGETS}/alpha`, { headers })).json()).spec.replicas).toBe(3);
  await axeBothThemes(page, 'widget editor with errors');

  // Someone else saves meanwhile: 409, then reload and save again.
  const alpha = await (await request.get(`${WIDGETS}/alpha`, { headers })).json();
  alpha.spec.color = 'blue';
  expect((await request.put(`${WIDGETS}/alpha`, { headers, data: alpha })).status()).toBe(200);
  await editEditorText(editor, (t) => t.replace('replicas: 20', 'replicas: 4'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(error).toContainText('was changed since you opened the editor');
  await page.getByRole('button', { name: 'Reload the current version' }).click();
  await expect.poll(() => editorText(editor)).toMatch(/color: blue/);
  await expect(error).toHaveCount(0);
  await editEditorText(editor, (t) => t.replace('replicas: 3', 'replicas: 4'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(yaml).toContainText('replicas: 4');
  await expect(yaml).toContainText('color: blue');

  // A viewer sees the object but no write buttons.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await logIn(viewer, 'viewer1', 'viewer1-password');
  await viewer.goto(page.url());
  await expect(viewer.locator('main h1')).toBeVisible();
  await expect(viewer.getByRole('button', { name: /^(Edit|Delete)/ })).toHaveCount(0);
  await viewerContext.close();

  // Back to the list, and delete beta after confirming.
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: `widgets.${GROUP}/v1` })
    .click();
  // The list keeps the namespace chosen above (the dashboard's current namespace), so no namespace column.
  await expect(page.getByLabel('Namespace', { exact: true })).toHaveValue(NAMESPACE);
  await expect(table.getByRole('row', { name: /alpha/ }).getByRole('cell').nth(1)).toHaveText('4');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: `Delete ${NAMESPACE}/beta` }).click();
  await expect(toast(page, 'success', `Deleted Widget ${NAMESPACE}/beta.`)).toBeVisible();
  await expect(table.getByRole('row', { name: /beta/ })).toHaveCount(0);

  await request.delete(`${CRD_URL}/widgets.${GROUP}`, { headers });
  await request.delete(`/api/v1/namespaces/${NAMESPACE}`, { headers });
});
