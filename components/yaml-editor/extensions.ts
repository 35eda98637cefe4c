import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { tags as t } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { cursorContext } from './cursor-path.ts';
import { declaredKind, lintYaml, type Finding } from './lint.ts';
import { kindSchema, schemaAt, typeName, type OpenApiDoc } from './schema.ts';

// The editor's CodeMirror setup. Colours are the app's CSS variables (yaml-editor.css), so the editor follows the
// light/dark theme without being rebuilt. Tab indents; Escape then Tab leaves the editor (CodeMirror's tab focus
// mode), so a keyboard user is never trapped.

/** What the editor reads when it lints and completes: the kind's OpenAPI document and the server's findings. */
export interface EditorSources {
  doc(): OpenApiDoc | undefined;
  serverFindings(): Finding[];
}

const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--yaml-key)' },
  { tag: [t.string, t.special(t.string), t.content], color: 'var(--yaml-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--yaml-number)' },
  { tag: [t.comment, t.meta], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [t.keyword, t.labelName, t.typeName], color: 'var(--yaml-keyword)' },
  { tag: [t.separator, t.punctuation, t.squareBracket, t.brace], color: 'var(--text)' },
]);

const theme = EditorView.theme({
  '&': {
    color: 'var(--text)',
    backgroundColor: 'var(--panel)',
    border: '1px solid var(--border)',
    borderRadius: 'var(--radius)',
    fontSize: '13px',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--code-bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--yaml-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--yaml-active-line)', color: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--yaml-selection)',
  },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--accent-text)',
  },
  '.cm-completionInfo': { maxWidth: '28em', whiteSpace: 'pre-wrap' },
  '.cm-completionDetail': { color: 'inherit', opacity: 1, fontStyle: 'normal', marginLeft: '0.75em' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
  '.cm-panels': { backgroundColor: 'var(--code-bg)', color: 'var(--text)' },
  '.cm-deletedChunk, .cm-deletedLine': { backgroundColor: 'var(--danger-bg)' },
  '.cm-insertedLine, .cm-changedLine': { backgroundColor: 'var(--ok-bg)' },
  '.cm-changedText': { background: 'none', textDecoration: 'underline', textDecorationColor: 'var(--ok)' },
  '.cm-deletedText': { background: 'none', textDecoration: 'line-through', textDecorationColor: 'var(--danger)' },
  '.cm-deletedChunk .cm-deletedText, .cm-deletedChunk del': { color: 'var(--text)' },
});

function completions(sources: EditorSources) {
  return (context: CompletionContext): CompletionResult | null => {
    const doc = sources.doc();
    const text = context.state.doc.toString();
    const declared = declaredKind(text);
    if (!doc || !declared) return null;
    const where = cursorContext(text, context.pos);
    if (!where) return null;
    const root = kindSchema(doc, declared.apiVersion, declared.kind);
    if (where.at === 'key') {
      const holder = schemaAt(doc, root, where.path);
      if (!holder?.properties) return null;
      // On an empty line, only when asked (Ctrl-Space): typing a name brings the list up.
      if (!context.explicit && where.prefix === '') return null;
      const options: Completion[] = Object.entries(holder.properties).map(([name, raw]) => {
        const s = schemaAt(doc, holder, [name]) ?? raw;
        const nested = s.type === 'object' || s.type === 'array';
        return {
          label: name,
          type: 'property',
          detail: typeName(s),
          info: s.description,
          apply: nested ? `${name}:` : `${name}: `,
        };
      });
      return { from: where.from, options, validFor: /^[\w.-]*$/ };
    }
    const s = schemaAt(doc, root, where.path);
    if (!s) return null;
    const values = s.enum?.length ? s.enum : s.type === 'boolean' ? [true, false] : [];
    if (!values.length) return null;
    return {
      from: where.from,
      options: values.map((v) => ({
        label: typeof v === 'string' ? v : JSON.stringify(v),
        type: 'enum',
        info: s.description,
      })),
      validFor: /^[\w.-]*$/,
    };
  };
}

function lintSource(sources: EditorSources) {
  return (view: EditorView): Diagnostic[] => {
    const text = view.state.doc.toString();
    const local = lintYaml(text, sources.doc());
    const length = text.length;
    const fromServer = sources.serverFindings().filter((f) => f.to <= length);
    const keyed = new Set(local.map((f) => `${f.from}:${f.field ?? f.message}`));
    return [...local, ...fromServer.filter((f) => !keyed.has(`${f.from}:${f.field ?? f.message}`))].map((f) => ({
      from: f.from,
      to: Math.min(f.to, length),
      severity: f.severity,
      message: f.message,
    }));
  };
}

/** The editable text's accessible name, description and validity (reconfigured without rebuilding the editor). */
export function contentAttributes(a: { label: string; describedBy?: string; invalid?: boolean }): Extension {
  return EditorView.contentAttributes.of({
    'aria-label': a.label,
    ...(a.describedBy ? { 'aria-describedby': a.describedBy } : {}),
    ...(a.invalid ? { 'aria-invalid': 'true' } : {}),
    // Focusable as far as checkers can tell too (a contenteditable is, but axe looks for a tabindex in the scroller).
    tabindex: '0',
    spellcheck: 'false',
    autocapitalize: 'off',
    autocorrect: 'off',
  });
}

export interface SetupOptions {
  /** contentAttributes(…), usually in a compartment. */
  attributes: Extension;
  readOnly: boolean;
  sources: EditorSources;
  onChange?: (text: string) => void;
}

export function editorExtensions(options: SetupOptions): Extension[] {
  return [
    basicSetup,
    keymap.of([indentWithTab]),
    yaml(),
    syntaxHighlighting(highlight),
    theme,
    EditorState.tabSize.of(2),
    options.attributes,
    ...(options.readOnly
      ? // Read-only but focusable, so the text can be scrolled, searched and selected from the keyboard.
        [EditorState.readOnly.of(true)]
      : [
          autocompletion({ override: [completions(options.sources)] }),
          linter(lintSource(options.sources), { delay: 300 }),
          lintGutter(),
        ]),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange?.(update.state.doc.toString());
    }),
  ];
}
