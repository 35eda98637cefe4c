import AxeBuilder from '@axe-core/playwright';
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
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

/** No WCAG 2 A/AA violations on the page (or only within `include`, a CSS selector), in the light and the dark theme. */
export async function axeBothThemes(page: Page, what: string, include?: string) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    const axe = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']);
    const results = await (include ? axe.include(include) : axe).analyze();
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

/**
 * The YAML editor (CodeMirror) behind `editor` — the editable text, as getByLabel finds it: the component keeps its
 * view on the editor's root element (`yamlEditorView`) for automation.
 */
interface EditorViewLike {
  state: { doc: { toString(): string; length: number }; selection: { main: { from: number; to: number } } };
  dispatch(tr: { changes?: { from: number; to: number; insert: string }; selection?: { anchor: number } }): void;
  focus(): void;
}

type EditorRoot = Element & { yamlEditorView?: EditorViewLike };

/** The editor's whole text (CodeMirror renders only the lines in view, so the DOM's text is not all of it). */
export async function editorText(editor: Locator): Promise<string> {
  await expect(editor).toBeVisible();
  return editor.evaluate((el) => {
    const view = (el.closest('.cm-editor') as EditorRoot | null)?.yamlEditorView;
    if (!view) throw new Error('not a YAML editor');
    return view.state.doc.toString();
  });
}

/** Replaces the editor's text as one edit (as a paste would), which the page sees as the user's change. */
export async function setEditorText(editor: Locator, text: string) {
  await expect(editor).toBeVisible();
  await editor.evaluate((el, t) => {
    const view = (el.closest('.cm-editor') as EditorRoot | null)?.yamlEditorView;
    if (!view) throw new Error('not a YAML editor');
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
  }, text);
}

/** Edits the text with `change` (e.g. a replace of one value). */
export async function editEditorText(editor: Locator, change: (text: string) => string) {
  await setEditorText(editor, change(await editorText(editor)));
}

/** The text selected in the editor. */
export function editorSelection(editor: Locator): Promise<string> {
  return editor.evaluate((el) => {
    const view = (el.closest('.cm-editor') as EditorRoot | null)?.yamlEditorView;
    if (!view) throw new Error('not a YAML editor');
    const { from, to } = view.state.selection.main;
    return view.state.doc.toString().slice(from, to);
  });
}

/** Puts the cursor just after the first occurrence of `after` in the editor's text, and focuses it. */
export async function placeEditorCursor(editor: Locator, after: string) {
  await editor.evaluate((el, a) => {
    const view = (el.closest('.cm-editor') as EditorRoot | null)?.yamlEditorView;
    if (!view) throw new Error('not a YAML editor');
    const at = view.state.doc.toString().indexOf(a);
    if (at < 0) throw new Error(`no ${a} in the editor`);
    view.dispatch({ selection: { anchor: at + a.length } });
    view.focus();
  }, after);
}
