'use client';

import { decodeEventRow, eventRow, newestEventFirst, type EventRow } from '../apimachinery/rows.ts';
import type { EventRowList } from '../apiserver/views.ts';
import { useLiveRows, type LiveRowsSpec } from './live-rows.ts';
import type { RowStore } from './row-store.ts';

/** The events page keeps the newest this many: a busy cluster holds hundreds of thousands. */
export const EVENTS_SHOWN = 5000;

/** Drops the oldest rows beyond EVENTS_SHOWN (after a batch of new events). */
export function keepNewest(store: RowStore<EventRow>) {
  const extra = store.size - EVENTS_SHOWN;
  if (extra <= 0) return;
  const oldest = [...store.rows].sort(newestEventFirst).slice(-extra);
  for (const row of oldest) store.remove(row.key);
}

const eventRowsSpec: LiveRowsSpec<EventRow, EventRowList> = {
  resource: 'events',
  path: '/apis/entroos.io/v1/rows/events',
  params: { limit: String(EVENTS_SHOWN) },
  decode: (body: EventRowList) => ({
    rows: body.rows.map(decodeEventRow),
    resourceVersion: body.metadata.resourceVersion,
  }),
  rowOf: (event) => eventRow(event),
  trim: keepNewest,
};

/** The newest events, live. */
export function useEventRowsQuery() {
  return useLiveRows(eventRowsSpec);
}
