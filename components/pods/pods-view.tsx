'use client';

import { useDeferredValue, useMemo, useState } from 'react';
import { VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { podMatches, podRow, type PodRow } from '@/lib/orchestrator/rows.ts';
import { useResourceList } from '@/lib/client/watch.ts';

const byText = (f: (r: PodRow) => string) => (a: PodRow, b: PodRow) => f(a).localeCompare(f(b));

const columns: VirtualColumn<PodRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace, sort: byText((r) => r.namespace) },
  { header: 'Name', cell: (r) => <a href={`/pods/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`}>{r.name}</a>, sort: byText((r) => r.name) },
  { header: 'Ready', cell: (r) => r.ready },
  { header: 'Status', cell: (r) => r.status, sort: byText((r) => r.status) },
  { header: 'Restarts', cell: (r) => r.restarts, sort: (a, b) => a.restarts - b.restarts },
  { header: 'Node', cell: (r) => r.node, sort: byText((r) => r.node) },
  { header: 'IP', cell: (r) => r.ip },
  { header: 'Age', cell: (r) => r.age, sort: (a, b) => b.createdMs - a.createdMs },
];

/** Every pod, live: filters apply as you type, changes arrive over the tab's socket. */
export function PodsView({ namespace: initialNamespace = '', text: initialText = '' }: { namespace?: string; text?: string }) {
  const [namespace, setNamespace] = useState(initialNamespace);
  const [text, setText] = useState(initialText);
  const list = useResourceList('pods');
  const deferredText = useDeferredValue(text);
  const deferredNamespace = useDeferredValue(namespace);
  const rows = useMemo(() => {
    const now = Date.now();
    return (list.data?.items ?? [])
      .filter((p) => (!deferredNamespace || p.metadata.namespace === deferredNamespace) && podMatches(p, deferredText))
      .sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name))
      .map((p) => podRow(p, now));
  }, [list.data, deferredNamespace, deferredText]);
  return (
    <section className="panel">
      <div className="row">
        <div className="field">
          <label htmlFor="namespace">Namespace</label>
          <input id="namespace" value={namespace} onChange={(e) => setNamespace(e.target.value.trim())} placeholder="all" />
        </div>
        <div className="field">
          <label htmlFor="q">Name or node contains</label>
          <input id="q" data-search value={text} onChange={(e) => setText(e.target.value)} placeholder="press / to search" />
        </div>
        <p className="muted" data-testid="pods-count">
          {list.data ? `${rows.length} of ${list.data.items.length} pods` : ''}
        </p>
      </div>
      {list.isPending ? (
        <p className="muted">Loading pods…</p>
      ) : list.isError ? (
        <p className="error" role="alert">
          {list.error.message}
        </p>
      ) : (
        <VirtualTable rows={rows} columns={columns} rowKey={(r) => `${r.namespace}/${r.name}`} testId="pods-table" empty="No pods match." />
      )}
    </section>
  );
}
