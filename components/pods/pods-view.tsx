'use client';

import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { podMatches, podRow, type PodRow } from '@/lib/orchestrator/rows.ts';
import { age } from '@/lib/orchestrator/status.ts';
import { useResourceList } from '@/lib/client/watch.ts';
import { useDeletePodsMutation } from '@/lib/client/pods.ts';

const byText = (f: (r: PodRow) => string) => (a: PodRow, b: PodRow) => f(a).localeCompare(f(b));

const columns: VirtualColumn<PodRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace, sort: byText((r) => r.namespace) },
  { header: 'Name', cell: (r) => <a href={`/pods/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`}>{r.name}</a>, sort: byText((r) => r.name) },
  { header: 'Ready', cell: (r) => r.ready },
  { header: 'Status', cell: (r) => r.status, sort: byText((r) => r.status) },
  { header: 'Restarts', cell: (r) => r.restarts, sort: (a, b) => a.restarts - b.restarts },
  { header: 'Node', cell: (r) => r.node, sort: byText((r) => r.node) },
  { header: 'IP', cell: (r) => r.ip },
  // Computed when the row is drawn: rows are cached per object version, so a stored age would go stale.
  { header: 'Age', cell: (r) => age(r.createdMs ? new Date(r.createdMs).toISOString() : undefined), sort: (a, b) => b.createdMs - a.createdMs },
];

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
const keyOf = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

/** Every pod, live: filters apply as you type, changes arrive over the tab's socket; writers can delete a selection. */
export function PodsView({ namespace: initialNamespace = '', text: initialText = '', canDelete = false }: { namespace?: string; text?: string; canDelete?: boolean }) {
  const [namespace, setNamespace] = useState(initialNamespace);
  const [text, setText] = useState(initialText);
  const [phase, setPhase] = useState('');
  const [node, setNode] = useState('');
  const [labels, setLabels] = useState('');
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  // The label selector is applied by the server (a new subscription): wait for a pause in typing.
  const [labelSelector, setLabelSelector] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setLabelSelector(labels.trim()), 400);
    return () => clearTimeout(t);
  }, [labels]);
  const list = useResourceList('pods', { labelSelector: labelSelector || undefined });
  const remove = useDeletePodsMutation();
  const deferredText = useDeferredValue(text);
  const deferredNamespace = useDeferredValue(namespace);
  const deferredNode = useDeferredValue(node.trim());
  // One row per object version, reused across change batches: at 100,000 pods a
  // batch recomputes only the pods it changed.
  const rowCache = useRef(new WeakMap<object, PodRow & { sortKey: string }>());
  const rows = useMemo(() => {
    const cache = rowCache.current;
    const rowOf = (p: any) => {
      let row = cache.get(p);
      if (!row) cache.set(p, (row = { ...podRow(p), sortKey: `${p.metadata.namespace ?? ''}\u0000${p.metadata.name}` }));
      return row;
    };
    return (list.data?.items ?? [])
      .filter(
        (p: any) =>
          (!deferredNamespace || p.metadata.namespace === deferredNamespace) &&
          (!phase || (p.status?.phase ?? 'Pending') === phase) &&
          (!deferredNode || (p.spec?.nodeName ?? '').includes(deferredNode)) &&
          podMatches(p, deferredText),
      )
      .map(rowOf)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0)); // names are ASCII: code-unit order, no collator
  }, [list.data, deferredNamespace, deferredText, phase, deferredNode]);
  const shownSelected = useMemo(() => rows.filter((r) => selected.has(keyOf(r))), [rows, selected]);
  const toggle = (key: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const tableColumns = useMemo<VirtualColumn<PodRow>[]>(
    () =>
      canDelete
        ? [{ header: 'Select', width: '64px', cell: (r) => <input type="checkbox" aria-label={`Select ${keyOf(r)}`} checked={selected.has(keyOf(r))} onChange={() => toggle(keyOf(r))} /> }, ...columns]
        : columns,
    [canDelete, selected],
  );
  const deleteSelected = () => {
    const pods = shownSelected.map((r) => ({ namespace: r.namespace, name: r.name }));
    if (!pods.length || !window.confirm(`Delete ${pods.length} pod(s)? Pods owned by a Deployment are recreated.`)) return;
    remove.mutate(pods, { onSuccess: () => setSelected(new Set()) });
  };
  return (
    <section className="panel">
      <div className="row">
        <div className="field">
          <label htmlFor="namespace">Namespace</label>
          <input id="namespace" value={namespace} onChange={(e) => setNamespace(e.target.value.trim())} placeholder="all" />
        </div>
        <div className="field">
          <label htmlFor="phase">Phase</label>
          <select id="phase" value={phase} onChange={(e) => setPhase(e.target.value)}>
            <option value="">All</option>
            {PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="node">Node</label>
          <input id="node" value={node} onChange={(e) => setNode(e.target.value)} placeholder="any" />
        </div>
        <div className="field">
          <label htmlFor="labels">Label selector</label>
          <input id="labels" value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="app=web,tier!=db" />
        </div>
        <div className="field">
          <label htmlFor="q">Name or node contains</label>
          <input id="q" data-search value={text} onChange={(e) => setText(e.target.value)} placeholder="press / to search" />
        </div>
        <p className="muted" data-testid="pods-count">
          {list.data ? `${rows.length} of ${list.data.items.length} pods` : ''}
        </p>
      </div>
      {canDelete && (
        <div className="row bulk">
          <button type="button" className="btn" onClick={() => setSelected(new Set(rows.map(keyOf)))} disabled={!rows.length}>
            Select all {rows.length} shown
          </button>
          <button type="button" className="btn" onClick={() => setSelected(new Set())} disabled={!selected.size}>
            Clear selection
          </button>
          <button type="button" className="btn btn-danger" onClick={deleteSelected} disabled={!shownSelected.length || remove.isPending} data-testid="bulk-delete">
            {remove.isPending ? 'Deleting…' : `Delete ${shownSelected.length} selected`}
          </button>
        </div>
      )}
      {list.isPending ? (
        <p className="muted">Loading pods…</p>
      ) : list.isError ? (
        <p className="alert alert-error" role="alert">
          {list.error.message}
        </p>
      ) : (
        <VirtualTable rows={rows} columns={tableColumns} rowKey={keyOf} testId="pods-table" empty="No pods match." />
      )}
    </section>
  );
}
