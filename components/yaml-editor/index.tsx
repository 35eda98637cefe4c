'use client';

import dynamic from 'next/dynamic';
import type { YamlEditorProps } from './yaml-editor';

export type { EditorHandle, YamlEditorProps } from './yaml-editor';

// The editor is its own chunk: pages that only show objects do not load CodeMirror until someone opens one.
export const YamlEditor = dynamic<YamlEditorProps>(() => import('./yaml-editor'), {
  ssr: false,
  loading: () => (
    <p className="muted" role="status" data-testid="yaml-editor-loading">
      Loading the editor…
    </p>
  ),
});
