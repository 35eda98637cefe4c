'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { useList } from '@entroos/react';
import type { ObjectView } from '@/lib/apimachinery/object.ts';
import type { Namespace, Service } from '@/lib/apimachinery/generated/kinds.ts';
import { errorText } from '@/lib/client/api.ts';
import {
  namespaceRow,
  newestEventFirst,
  serviceRow,
  type EventRow,
  type NamespaceRow,
  type ServiceRow,
} from '@/lib/apimachinery/rows.ts';
import { Age } from '@/components/age';
import { ScopeHint } from '@/components/shell/namespace-scope';
import { useScopeNamespace } from '@/lib/client/namespace-scope.ts';
import { EVENTS_SHOWN, useEventRowsQuery } from '@/lib/client/events.ts';

// Live list pages for services, namespaces and events: the same tables as
// the other lists, fed by the tab's socket.

function useRows<O, T>(resource: string, toRow: (o: O, now: number) => T, namespace?: string) {
  const list = useList<string, O>(resource, { namespace: namespace || undefined });
  const rows = useMemo(() => {
    // Ages are as of when the rows are built (on mount and at each change of the list), by design.
    // eslint-disable-next-line react-hooks/purity
    const now = Date.now();
    return (list.data ?? []).map((o) => toRow(o, now));
  }, [list.data, toRow]);
  return { list, rows };
}

function State({ pending, error, what }: { pending: boolean; error: unknown; what: string }) {
  if (pending) return <p className="muted">Loading {what}…</p>;
  if (error)
    return (
      <p className="alert alert-error" role="alert">
        {errorText(error)}
      </p>
    );
  return null;
}

const serviceColumns: Column<ServiceRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace },
  { header: 'Name', cell: (r) => r.name },
  { header: 'Type', cell: (r) => r.type },
  { header: 'Cluster IP', cell: (r) => <code>{r.clusterIP}</code> },
  { header: 'Ports', cell: (r) => r.ports },
  { header: 'Selector', cell: (r) => <code>{r.selector}</code> },
  { header: 'Age', cell: (r) => r.age },
];

export function ServicesView() {
  const [namespace] = useScopeNamespace();
  const { list, rows } = useRows<ObjectView<Service>, ServiceRow>('services', serviceRow, namespace);
  if (!list.data) return <State pending={!list.error} error={list.error} what="services" />;
  return (
    <>
      <ScopeHint what="Services" />
      <DataTable
        rows={rows}
        columns={serviceColumns}
        testId="services-table"
        empty="No services yet. Try: kubectl expose deployment web --port=80"
      />
    </>
  );
}

const namespaceColumns: Column<NamespaceRow>[] = [
  { header: 'Name', cell: (r) => r.name },
  { header: 'Status', cell: (r) => r.status },
  { header: 'Age', cell: (r) => r.age },
  {
    header: 'Map',
    cell: (r) => (
      <Link href={`/map?namespace=${encodeURIComponent(r.name)}`} aria-label={`Relations map of ${r.name}`}>
        Relations map
      </Link>
    ),
  },
];

export function NamespacesView() {
  const { list, rows } = useRows<ObjectView<Namespace>, NamespaceRow>('namespaces', namespaceRow);
  if (!list.data) return <State pending={!list.error} error={list.error} what="namespaces" />;
  return <DataTable rows={rows} columns={namespaceColumns} testId="namespaces-table" empty="No namespaces." />;
}

const eventColumns: VirtualColumn<EventRow>[] = [
  // Computed when drawn: a row lives as long as its event version.
  {
    header: 'Last seen',
    cell: (r) => <Age since={r.lastSeenAt || undefined} />,
    sort: (a, b) => a.lastSeenAt - b.lastSeenAt,
    width: '90px',
  },
  {
    header: 'Type',
    cell: (r) => (r.type === 'Warning' ? <strong>{r.type}</strong> : r.type),
    sort: (a, b) => a.type.localeCompare(b.type),
    width: '90px',
  },
  { header: 'Reason', cell: (r) => r.reason, sort: (a, b) => a.reason.localeCompare(b.reason), width: '140px' },
  { header: 'Object', cell: (r) => <code>{r.object}</code>, sort: (a, b) => a.object.localeCompare(b.object) },
  { header: 'Count', cell: (r) => r.count, sort: (a, b) => a.count - b.count, width: '70px' },
  { header: 'Message', cell: (r) => r.message },
];

/** The newest events (at most EVENTS_SHOWN), live, newest first, filtered by type and text. */
export function EventsView() {
  const list = useEventRowsQuery();
  const [namespace] = useScopeNamespace();
  const [type, setType] = useState('');
  const [text, setText] = useState('');
  const store = list.data?.store;
  const version = list.data?.version;
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return (store?.rows ?? [])
      .filter(
        (r) =>
          (!namespace || r.namespace === namespace) &&
          (!type || r.type === type) &&
          (!needle || `${r.namespace} ${r.reason} ${r.object} ${r.message}`.toLowerCase().includes(needle)),
      )
      .sort(newestEventFirst);
    // `version` changes when the store's rows change in place
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, namespace, type, text]);
  if (list.isPending || list.isError) return <State pending={list.isPending} error={list.error} what="events" />;
  const total = store?.size ?? 0;
  return (
    <>
      <ScopeHint what="Events" />
      <div className="row filters">
        <label className="field">
          Type
          <select value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">All</option>
            <option>Normal</option>
            <option>Warning</option>
          </select>
        </label>
        <label className="field">
          Search
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="reason, object or message"
            data-search
          />
        </label>
        <span className="muted" data-testid="events-count">
          {shown.length} of {total >= EVENTS_SHOWN ? `the newest ${EVENTS_SHOWN}` : total} events
        </span>
      </div>
      <VirtualTable
        rows={shown}
        columns={eventColumns}
        rowKey={(r) => r.key}
        testId="events-table"
        empty="No events match."
      />
    </>
  );
}
