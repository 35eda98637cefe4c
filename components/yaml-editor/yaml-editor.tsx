'use client';

import { EditorView } from '@codemirror/view';
import { forceLinting } from '@codemirror/lint';
import { unifiedMergeView } from '@codemirror/merge';
import { Compartment, EditorState } from '@codemirror/state';
import { useEffect, useRef } from 'react';
import { contentAttributes, editorExtensions, type EditorSources } from './extensions.ts';
import { declaredKind, type Finding } from './lint.ts';
import { useOpenApiDoc } from './use-openapi.ts';
import './yaml-editor.css';

// The YAML editor (CodeMirror 6): highlighting, completion and lint from the served OpenAPI of the text's
// apiVersion and kind, and the server's findings of the last refused write. Loaded lazily (index.tsx).

export interface EditorHandle {
  /** Selects `from`–`to`, scrolls it into view and focuses the editor. */
  select(from: number, to: number): void;
  focus(): void;
}

export interface YamlEditorProps {
  value: string;
  onChange?: (text: string) => void;
  /** The accessible name of the editable text. */
  label: string;
  describedBy?: string;
  readOnly?: boolean;
  /** Shows the text as a diff against this (read-only review). */
  original?: string;
  /** The server's findings, marked in the text until the next edit re-lints it. */
  findings?: Finding[];
  invalid?: boolean;
  editorRef?: React.RefObject<EditorHandle | null>;
  testId?: string;
  /** The editor's height: `auto` (grows with the text, up to 70vh) or a CSS length. */
  height?: string;
}

/** Where automation (tests, the benchmark) finds the view: `element.closest('.cm-editor').yamlEditorView`. */
const VIEW_PROPERTY = 'yamlEditorView';

export default function YamlEditor(props: YamlEditorProps) {
  const {
    value,
    onChange,
    label,
    describedBy,
    readOnly = false,
    original,
    findings,
    invalid,
    editorRef,
    testId,
  } = props;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const attributes = useRef(new Compartment());
  const doc = useOpenApiDoc(declaredKind(value)?.apiVersion);
  const latest = useRef({ doc, findings: findings ?? [], onChange, value, label, describedBy, invalid });
  useEffect(() => {
    latest.current = { doc, findings: findings ?? [], onChange, value, label, describedBy, invalid };
  });
  const reviewing = original !== undefined;

  // The view is made once per mode (editing, read-only, a diff against `original`); later values, labels and
  // findings are dispatched into it, so the cursor, undo history and focus stay.
  useEffect(() => {
    if (!host.current) return;
    const now = latest.current;
    const sources: EditorSources = { doc: () => latest.current.doc, serverFindings: () => latest.current.findings };
    const extensions = editorExtensions({
      attributes: attributes.current.of(contentAttributes(now)),
      readOnly: readOnly || reviewing,
      sources,
      onChange: (text) => latest.current.onChange?.(text),
    });
    if (original !== undefined) extensions.push(unifiedMergeView({ original, mergeControls: false, gutter: true }));
    const created = new EditorView({ parent: host.current, state: EditorState.create({ doc: now.value, extensions }) });
    Reflect.set(created.dom, VIEW_PROPERTY, created);
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, [readOnly, reviewing, original]);

  useEffect(() => {
    view.current?.dispatch({
      effects: attributes.current.reconfigure(contentAttributes({ label, describedBy, invalid })),
    });
  }, [label, describedBy, invalid]);

  // A value set from outside (a reload, the form): replace the text, keeping the cursor where it can be.
  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === value) return;
    const head = Math.min(v.state.selection.main.head, value.length);
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, selection: { anchor: head } });
  }, [value]);

  // New schema or server findings: lint again now rather than on the next keystroke.
  useEffect(() => {
    if (view.current && !readOnly && !reviewing) forceLinting(view.current);
  }, [doc, findings, readOnly, reviewing]);

  useEffect(() => {
    if (!editorRef) return;
    editorRef.current = {
      select(from, to) {
        const v = view.current;
        if (!v) return;
        v.dispatch({
          selection: { anchor: from, head: to },
          effects: EditorView.scrollIntoView(from, { y: 'center' }),
        });
        v.focus();
      },
      focus: () => view.current?.focus(),
    };
    return () => {
      editorRef.current = null;
    };
  }, [editorRef]);

  const height = props.height ?? 'auto';
  return (
    <div
      ref={host}
      data-testid={testId}
      className="yaml-editor"
      style={{
        maxHeight: height === 'auto' ? '70vh' : height,
        height: height === 'auto' ? undefined : height,
        display: 'flex',
        flexDirection: 'column',
      }}
    />
  );
}
