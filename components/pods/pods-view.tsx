'use client';

import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { Age } from '@/components/age';
import { useDeletePodsMutation, usePodRowsQuery, type PodTableRow } from '@/lib/client/pods.ts';
import { useNamespaceFilter } from '@/lib/client/namespace-scope.ts';
import { useUrlParams } from '@/lib/client/url-state.ts';
import { filterPodRows, isFiltering, rowMatches, warmPodFilter, type PodFilter } from '@/lib/client/pod-filter.ts';

/** Code-unit order: names are ASCII, and a collator costs ~10× per comparison on 100,000 rows. */
const byText = (f: (r: PodTableRow) => string) => (a: PodTableRow, b: PodTableRow) => {
  const x = f(a);
  const y = f(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

const columns: VirtualColumn<PodTableRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace, sort: byText((r) => r.namespace) },
  {
    header: 'Name',
    cell: (r) => <a href={`/pods/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`}>{r.name}</a>,
    sort: byText((r) => r.name),
  },
  { header: 'Ready', cell: (r) => r.ready },
  { header: 'Status', cell: (r) => r.status, sort: byText((r) => r.status) },
  { header: 'Restarts', cell: (r) => r.restarts, sort: (a, b) => a.restarts - b.restarts },
  { header: 'Node', cell: (r) => r.node, sort: byText((r) => r.node) },
  { header: 'IP', cell: (r) => r.ip },
  // Drawn from the shared clock: a row lives as long as its pod version, so a stored age would go stale.
  {
    header: 'Age',
    cell: (r) => <Age since={r.createdMs || undefined} />,
    sort: (a, b) => b.createdMs - a.createdMs,
  },
];

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
const keyOf = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

/** Every pod, live: filters apply as you type, changes arrive over the tab's socket; writers can delete a selection. */
export function PodsView({
  namespace: initialNamespace,
  text: initialText = '',
  phase: initialPhase = '',
  node: initialNode = '',
  labels: initialLabels = '',
  canDelete = false,
}: {
  namespace?: string;
  text?: string;
  phase?: string;
  node?: string;
  labels?: string;
  canDelete?: boolean;
}) {
  const [namespace, setNamespace] = useNamespaceFilter(initialNamespace);
  const [text, setText] = useState(initialText);
  const [phase, setPhase] = useState(initialPhase);
  const [node, setNode] = useState(initialNode);
  const [labels, setLabels] = useState(initialLabels);
  useUrlParams({ namespace, q: text, phase, node, labels });
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  // The label selector is applied by the server (a new subscription): wait for a pause in typing.
  const [labelSelector, setLabelSelector] = useState(initialLabels.trim());
  useEffect(() => {
    const t = setTimeout(() => setLabelSelector(labels.trim()), 400);
    return () => clearTimeout(t);
  }, [labels]);
  const list = usePodRowsQuery({ labelSelector: labelSelector || undefined });
  const remove = useDeletePodsMutation();
  const deferredText = useDeferredValue(text.toLowerCase());
  const deferredNamespace = useDeferredValue(namespace);
  const deferredNode = useDeferredValue(node.trim());
  const filter = useMemo<PodFilter | undefined>(() => {
    const f = { namespace: deferredNamespace, phase, node: deferredNode, text: deferredText };
    return isFiltering(f) ? f : undefined;
  }, [deferredNamespace, phase, deferredNode, deferredText]);
  const store = list.data?.store;
  const version = list.data?.version;
  // The first filter would otherwise run the filter's code cold over every row.
  useEffect(() => (store ? warmPodFilter(store.rows) : undefined), [store]);
  // Unfiltered, the table reads the store's own array (kept in key order in
  // place); filtered, one pass over it, which keeps that order: no sort.
  const rows = useMemo(
    () => (!store ? [] : filter ? filterPodRows(store.rows, filter) : store.rows),
    // `version` changes when the store's rows change in place
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, version, filter],
  );
  // From the selection (small), not from the rows (100,000): this runs on every batch.
  const shownSelected = useMemo(
    () =>
      [...selected]
        .map((key) => store?.get(key))
        .filter((r): r is PodTableRow => !!r && (!filter || rowMatches(r, filter))),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [selected, store, version, filter],
  );
  const toggle = (key: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const tableColumns = useMemo<VirtualColumn<PodTableRow>[]>(
    () =>
      canDelete
        ? [
            {
              header: 'Select',
              width: '64px',
              cell: (r) => (
                <input
                  type="checkbox"
                  aria-label={`Select ${keyOf(r)}`}
                  checked={selected.has(keyOf(r))}
                  onChange={() => toggle(keyOf(r))}
                />
              ),
            },
            ...columns,
          ]
        : columns,
    [canDelete, selected],
  );
  const deleteSelected = () => {
    const pods = shownSelected.map((r) => ({ namespace: r.namespace, name: r.name }));
    if (!pods.length || !window.confirm(`Delete ${pods.length} pod(s)? Pods owned by a Deployment are recreated.`))
      return;
    remove.mutate(pods, { onSuccess: () => setSelected(new Set()) });
  };
  return (
    <section className="panel">
      <div className="row">
        <div className="field">
          <label htmlFor="namespace">Namespace</label>
          <input
            id="namespace"
            value={namespace}
            onChange={(e) => setNamespace(e.target.value.trim())}
            placeholder="all"
          />
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
          <input
            id="labels"
            value={labels}
            onChange={(e) => setLabels(e.target.value)}
            placeholder="app=web,tier!=db"
          />
        </div>
        <div className="field">
          <label htmlFor="q">Name or node contains</label>
          <input
            id="q"
            data-search
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="press / to search"
          />
        </div>
        <p className="muted" data-testid="pods-count">
          {store ? `${rows.length} of ${store.size} pods` : ''}
        </p>
      </div>
      {canDelete && (
        <div className="row bulk">
          <button
            type="button"
            className="btn"
            onClick={() => setSelected(new Set(rows.map(keyOf)))}
            disabled={!rows.length}
          >
            Select all {rows.length} shown
          </button>
          <button type="button" className="btn" onClick={() => setSelected(new Set())} disabled={!selected.size}>
            Clear selection
          </button>
          <button
            type="button"
            className="btn btn-danger"
            onClick={deleteSelected}
            disabled={!shownSelected.length || remove.isPending}
            data-testid="bulk-delete"
          >
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
        <VirtualTable
          rows={rows}
          version={version}
          columns={tableColumns}
          rowKey={keyOf}
          testId="pods-table"
          empty="No pods match."
        />
      )}
    </section>
  );
}
