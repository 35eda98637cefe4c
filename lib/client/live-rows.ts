'use client';

import { useQuery, type QueryKey } from '@tanstack/react-query';
import type { WireChange } from '../router/protocol.ts';
import { apiFetch } from './api.ts';
import { RowStore } from './row-store.ts';
import { nextGeneration, selectorQuery, useFollow, type ListOptions } from './follow.ts';

// A live table: compact rows listed once, then kept current by the objects
// watch over the tab's socket, each changed object turned into its row. The
// rows live in a RowStore changed in place (a 100,000-row copy per batch is
// what made big lists stutter); the query's data object is replaced on each
// batch, with a new `version`, so react-query still tells every reader.

export interface LiveRows<Row> {
  store: RowStore<Row>;
  resourceVersion: string;
  generation: number;
  /** The store's version when this data object was made. */
  version: number;
}

export interface LiveRowsSpec<Row, Body = unknown> {
  /** The objects stream the rows follow, e.g. "pods". */
  resource: string;
  /** The rows endpoint; `namespace` and the selectors are added as query parameters. */
  path: string;
  /** The endpoint's body → rows and the resourceVersion they are consistent at. */
  decode: (body: Body) => { rows: Row[]; resourceVersion: string };
  /** A watched object → its row. */
  rowOf: (object: WireChange['object']) => Row;
  /** More query parameters for the rows endpoint (e.g. a limit). */
  params?: Record<string, string>;
  /** Called after each batch, e.g. to keep only the newest rows. */
  trim?: (store: RowStore<Row>) => void;
}

const keyOf = (r: { namespace?: string; name: string }) => `${r.namespace ?? ''}/${r.name}`;

export function useLiveRows<Row extends { namespace?: string; name: string }, Body>(
  spec: LiveRowsSpec<Row, Body>,
  options: ListOptions = {},
) {
  const queryKey: QueryKey = [
    'live-rows',
    spec.resource,
    options.namespace ?? '',
    options.labelSelector ?? '',
    options.fieldSelector ?? '',
  ];
  const query = useQuery({
    queryKey,
    structuralSharing: false,
    staleTime: Infinity, // the socket keeps it fresh
    queryFn: async (): Promise<LiveRows<Row>> => {
      const body = await apiFetch<Body>(
        `${spec.path}${selectorQuery(options, { ...spec.params, ...(options.namespace ? { namespace: options.namespace } : {}) })}`,
      );
      const { rows, resourceVersion } = spec.decode(body);
      const store = new RowStore<Row>(keyOf, rows);
      return { store, resourceVersion, generation: nextGeneration(), version: store.version };
    },
  });
  useFollow<LiveRows<Row>>(queryKey, query.data?.generation, spec.resource, options, (old, message) => {
    for (const change of message.changes) {
      if (change.type === 'DELETED')
        old.store.remove(keyOf({ namespace: change.object.metadata.namespace, name: change.object.metadata.name }));
      else old.store.upsert(spec.rowOf(change.object));
    }
    spec.trim?.(old.store);
    return { ...old, resourceVersion: message.resourceVersion, version: old.store.version };
  });
  return query;
}
