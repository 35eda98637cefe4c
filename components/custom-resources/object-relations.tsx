'use client';

import Link from 'next/link';
import { useQueries, useQuery } from '@tanstack/react-query';
import type { Event as CoreV1Event, EventList } from '@/lib/apimachinery/generated/kinds.ts';
import { apiFetch, errorText } from '@/lib/client/api.ts';
import { collectionPath, type CustomObject } from '@/lib/client/custom-resources.ts';
import { useApiResources } from '@/lib/client/discovery.ts';
import {
  matchLabelsSelector,
  ownableKinds,
  ownedBy,
  ownerLinks,
  type LinkedObject,
  type ObjectMeta,
} from '@/lib/client/object-links.ts';
import { Age } from '@/components/age';
import { DataTable, type Column } from '@/components/data-table';

/** Objects of each kind read when looking for what an object owns (the newest in a namespace of thousands). */
const OWNED_LIMIT = 500;
const REFRESH_MS = 10_000;

const linkColumns: Column<LinkedObject>[] = [
  { header: 'Kind', cell: (o) => o.kind },
  {
    header: 'Name',
    cell: (o) =>
      o.href ? <Link href={o.href}>{o.name}</Link> : <span title="The server does not serve this kind">{o.name}</span>,
  },
  { header: 'Controller', cell: (o) => (o.controller ? 'yes' : '') },
];

const eventColumns: Column<CoreV1Event>[] = [
  { header: 'Last seen', cell: (e) => <Age since={e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp} /> },
  { header: 'Type', cell: (e) => e.type ?? '' },
  { header: 'Reason', cell: (e) => e.reason ?? '' },
  { header: 'Count', cell: (e) => e.count ?? 1 },
  { header: 'From', cell: (e) => e.source?.component ?? e.reportingComponent ?? '' },
  { header: 'Message', cell: (e) => e.message ?? '' },
];

const seen = (e: CoreV1Event) => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '') || 0;

/**
 * Labels, owners, owned objects and events of one object of any kind: the links a generic detail page needs to be
 * walked like kubectl's describe (owner → object → children) without knowing the kind.
 */
export function ObjectRelations({ object }: { object: CustomObject }) {
  const meta = object.metadata as ObjectMeta & { labels?: Record<string, string> };
  const uid = meta.uid;
  const resources = useApiResources();
  const entries = resources.data ?? [];
  const owners = ownerLinks(meta, entries);
  const selector = matchLabelsSelector(object);
  const kinds = meta.namespace && uid ? ownableKinds(entries) : [];
  const children = useQueries({
    queries: kinds.map((entry) => ({
      queryKey: ['owned', entry.group, entry.plural, meta.namespace, uid, selector],
      queryFn: async () => {
        const q = new URLSearchParams({ limit: String(OWNED_LIMIT) });
        if (selector && entry.plural !== 'endpoints') q.set('labelSelector', selector);
        const list = await apiFetch<{ items: { metadata: ObjectMeta }[] }>(
          `${collectionPath(entry, meta.namespace)}?${q}`,
        );
        return ownedBy(uid ?? '', entry, list.items);
      },
      refetchInterval: REFRESH_MS,
      // A kind the user may not list is simply not searched.
      retry: false,
    })),
  });
  const owned = children
    .flatMap((c) => c.data ?? [])
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const ownedPending = resources.isPending || children.some((c) => c.isPending);
  const events = useQuery({
    queryKey: ['object-events', meta.namespace, uid],
    enabled: !!uid,
    queryFn: async () => {
      const q = new URLSearchParams({ fieldSelector: `involvedObject.uid=${uid}` });
      const path = meta.namespace
        ? `/api/v1/namespaces/${encodeURIComponent(meta.namespace)}/events`
        : '/api/v1/events';
      return (await apiFetch<EventList>(`${path}?${q}`)).items.sort((a, b) => seen(b) - seen(a));
    },
    refetchInterval: REFRESH_MS,
  });
  const labels = Object.entries(meta.labels ?? {});

  return (
    <>
      <section className="panel" aria-labelledby="obj-labels">
        <h2 id="obj-labels">Labels</h2>
        {labels.length ? (
          <ul className="chips" data-testid="obj-labels">
            {labels.map(([k, v]) => (
              <li key={k}>
                <code>
                  {k}={v}
                </code>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No labels.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="obj-owners">
        <h2 id="obj-owners">Owned by</h2>
        <DataTable
          rows={owners}
          columns={linkColumns}
          testId="obj-owners"
          empty="No owner: nothing deletes this object with another."
        />
      </section>
      {meta.namespace && (
        <section className="panel" aria-labelledby="obj-owned">
          <h2 id="obj-owned">Owns</h2>
          {ownedPending ? (
            <p className="muted">Looking for objects this one owns…</p>
          ) : (
            <DataTable rows={owned} columns={linkColumns} testId="obj-owned" empty="Owns no objects." />
          )}
        </section>
      )}
      <section className="panel" aria-labelledby="obj-events">
        <h2 id="obj-events">Events</h2>
        {events.isError ? (
          <p className="alert alert-error" role="alert">
            Could not read the events: {errorText(events.error)}
          </p>
        ) : (
          <DataTable
            rows={events.data ?? []}
            columns={eventColumns}
            testId="obj-events"
            empty={events.isPending ? 'Loading…' : 'No events.'}
          />
        )}
      </section>
    </>
  );
}
