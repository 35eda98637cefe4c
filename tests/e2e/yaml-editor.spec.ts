import { expect, test, type APIRequestContext } from '@playwright/test';
import {
  adminHeaders,
  axeBothThemes,
  editEditorText,
  editorText,
  logIn,
  placeEditorCursor,
  setEditorText,
  toast,
} from './helpers.ts';

// The YAML editor (CodeMirror, schema from the served OpenAPI): a Deployment's YAML with a misspelt field is
// marked before sending and refused at its line by fieldValidation=Strict; a valid change is reviewed as a diff
// and applied; server-side apply with its conflicts; a replace that lost a race keeps the edits on reload; the
// create form and its YAML stay in step; any kind is created from YAML; axe in both themes.

const NAMESPACE = 'yaml-e2e';
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`;
const FORM_NAMESPACE = 'yaml-form-e2e';
const FORM_DEPLOYMENTS = `/apis/apps/v1/namespaces/${FORM_NAMESPACE}/deployments`;

async function createDeployment(request: APIRequestContext, headers: Record<string, string>, name: string) {
  const res = await request.post(DEPLOYMENTS, {
    headers,
    data: {
      metadata: { name, labels: { app: name } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    },
  });
  expect(res.status(), await res.text()).toBe(201);
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

test('a Deployment YAML edit: lint and Strict refusal at the line, diff, apply, server-side apply, conflicts; axe', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const headers = await adminHeaders(request, 'e2e yaml');
  await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: NAMESPACE } } });
  await createDeployment(request, headers, 'typo');
  await logIn(page);
  await page.goto(`/resources/apps/v1/deployments/${NAMESPACE}/typo`);
  await expect(page.getByTestId('cr-yaml')).toContainText('replicas: 1');
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const editor = page.getByLabel(`YAML of Deployment ${NAMESPACE}/typo`);

  // Completion: field names at the cursor's path, with their descriptions.
  await placeEditorCursor(editor, 'replicas: 1');
  await page.keyboard.press('Enter');
  await page.keyboard.type('progressD');
  const completions = page.locator('.cm-tooltip-autocomplete');
  await expect(completions).toContainText('progressDeadlineSeconds');
  await expect(page.locator('.cm-completionInfo')).toContainText(/maximum time in seconds/i);
  await page.keyboard.press('Escape');
  // Escape, then Tab leaves the editor.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(editor).not.toBeFocused();

  // A misspelt field: marked in the editor before sending, refused by the server, shown at its line.
  await editEditorText(editor, (t) => t.replace(/\n *progressD[^\n]*/, '').replace('replicas: 1', 'replicaz: 3'));
  await expect(page.locator('.cm-lintRange-error').filter({ hasText: 'replicaz' })).toHaveCount(1);
  const text = await editorText(editor);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const error = page.getByTestId('save-error');
  await expect(error).toContainText('unknown field "spec.replicaz"');
  const cause = page.getByTestId('save-causes').getByRole('listitem').filter({ hasText: 'spec.replicaz' });
  await expect(cause).toContainText(`(line ${lineOf(text, 'replicaz')})`);
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  expect((await (await request.get(`${DEPLOYMENTS}/typo`, { headers })).json()).spec.replicas).toBe(1);
  await axeBothThemes(page, 'deployment editor with a refused field');

  // A valid change: reviewed as a diff of the stored object and the edit, then applied.
  await editEditorText(editor, (t) => t.replace('replicaz: 3', 'replicas: 3'));
  await page.getByRole('button', { name: 'Review changes' }).click();
  const diff = page.getByTestId('yaml-diff');
  await expect(diff.locator('.cm-deletedChunk')).toContainText('replicas: 1');
  await expect(diff.locator('.cm-changedLine, .cm-insertedLine').first()).toContainText('replicas: 3');
  await axeBothThemes(page, 'deployment diff');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(toast(page, 'success', `Saved Deployment ${NAMESPACE}/typo.`)).toBeVisible();
  await expect(page.getByTestId('cr-yaml')).toContainText('replicas: 3');
  expect((await (await request.get(`${DEPLOYMENTS}/typo`, { headers })).json()).spec.replicas).toBe(3);

  // Server-side apply: another manager takes replicas over (forced: the dashboard's replace owned it); the
  // dashboard's apply of another value is the conflict, then force.
  const other = await request.patch(`${DEPLOYMENTS}/typo?fieldManager=other-team&force=true`, {
    headers: { ...headers, 'Content-Type': 'application/apply-patch+yaml' },
    data: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typo\nspec:\n  replicas: 5\n`,
  });
  expect(other.status(), await other.text()).toBe(200);
  await expect(page.getByTestId('cr-yaml')).toContainText('replicas: 5');
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByLabel('Server-side apply (as entroos-dashboard)').check();
  await editEditorText(editor, (t) => t.replace('replicas: 5', 'replicas: 2'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(error).toContainText('other-team');
  await expect(page.getByTestId('save-causes')).toContainText('spec.replicas');
  await page.getByRole('button', { name: /Apply anyway/ }).click();
  await expect(toast(page, 'success', `Applied Deployment ${NAMESPACE}/typo.`)).toBeVisible();
  expect((await (await request.get(`${DEPLOYMENTS}/typo`, { headers })).json()).spec.replicas).toBe(2);

  // A replace that lost a race: reload the latest and keep the edits (reviewed against the latest first).
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await editEditorText(editor, (t) => t.replace('replicas: 2', 'replicas: 4'));
  const latest = await (await request.get(`${DEPLOYMENTS}/typo`, { headers })).json();
  latest.metadata.annotations = { 'changed-by': 'someone-else' };
  expect((await request.put(`${DEPLOYMENTS}/typo`, { headers, data: latest })).status()).toBe(200);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(error).toContainText('was changed since you opened the editor');
  await page.getByRole('button', { name: 'Reload latest, keep my edits' }).click();
  await expect(diff.locator('.cm-deletedChunk').first()).toBeVisible();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByTestId('cr-yaml')).toContainText('replicas: 4');
  expect((await (await request.get(`${DEPLOYMENTS}/typo`, { headers })).json()).spec.replicas).toBe(4);
});

test('the create form and its YAML stay in step both ways; any kind is created from YAML', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const headers = await adminHeaders(request, 'e2e yaml form');
  await request.post('/api/v1/namespaces', { headers, data: { metadata: { name: FORM_NAMESPACE } } });
  await logIn(page);
  await page.goto('/deployments/new');
  await page.getByLabel('Name', { exact: true }).fill('roundtrip');
  await page.getByLabel('Namespace', { exact: true }).fill(FORM_NAMESPACE);
  await page.getByLabel('Replicas').fill('3');
  await page.getByLabel('Image').fill('nginx:1.27');
  await page.getByLabel('Labels (key=value, comma separated)').fill('tier=web');
  await page.getByRole('button', { name: 'Edit as YAML' }).click();
  const manifest = page.getByLabel('Manifest (YAML)');
  await expect.poll(() => editorText(manifest)).toMatch(/replicas: 3/);
  const generated = await editorText(manifest);
  expect(generated).toContain('tier: web');
  expect(generated).not.toMatch(/[&*]a\d/);
  await axeBothThemes(page, 'create from YAML');

  // YAML → form: the values carry over; a field the form has no input for is kept for the way back.
  await editEditorText(manifest, (t) =>
    t
      .replace('replicas: 3', 'replicas: 4')
      .replace('image: nginx:1.27', 'image: nginx:1.27\n          ports:\n            - containerPort: 8080'),
  );
  await page.getByRole('button', { name: 'Back to the form' }).click();
  await expect(page.getByLabel('Replicas')).toHaveValue('4');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('roundtrip');
  await expect(page.getByLabel('Labels (key=value, comma separated)')).toHaveValue('tier=web');
  await page.getByLabel('Labels (key=value, comma separated)').fill('tier=api');
  await page.getByRole('button', { name: 'Edit as YAML' }).click();
  await expect.poll(() => editorText(manifest)).toMatch(/tier: api/);
  const again = await editorText(manifest);
  expect(again).toContain('replicas: 4');
  expect(again).toContain('containerPort: 8080');
  await page.getByRole('button', { name: 'Back to the form' }).click();
  await page.getByRole('button', { name: 'Create deployment' }).click();
  await expect(page).toHaveURL(/\/deployments\?created=/);
  const stored = await (await request.get(`${FORM_DEPLOYMENTS}/roundtrip`, { headers })).json();
  expect(stored.spec.replicas).toBe(4);
  expect(stored.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
  expect(stored.metadata.labels).toEqual({ app: 'roundtrip', tier: 'api' });

  // Any kind from YAML: a ConfigMap, then its page.
  await page.goto('/deployments/new');
  await page.getByRole('button', { name: 'Edit as YAML' }).click();
  await setEditorText(
    manifest,
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: made\n  namespace: ${FORM_NAMESPACE}\ndata:\n  mode: fast\n`,
  );
  await page.getByRole('button', { name: 'Back to the form' }).click();
  await expect(page.getByTestId('form-error')).toContainText('this manifest is a ConfigMap');
  await page.getByRole('button', { name: 'Create from YAML' }).click();
  await expect(page).toHaveURL(new RegExp(`/resources/core/v1/configmaps/${FORM_NAMESPACE}/made$`));
  await expect(page.getByTestId('cr-yaml')).toContainText('mode: fast');
  await request.delete(`/api/v1/namespaces/${FORM_NAMESPACE}`, { headers });
});
