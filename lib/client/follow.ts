'use client';

import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChangesMessage } from '../router/protocol.ts';
import { subscribe } from './socket.ts';

// Keeps a listed react-query entry current over the tab's socket: a subscription
// starting at the list's resourceVersion whose changes go straight into the
// query cache; after a resync signal the list is fetched again. The compact
// row tables (live-rows.ts) use it; whole objects go through @entroos/react.

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

let generations = 0;

/** A new generation per fresh list: the subscription that follows it restarts. */
export function nextGeneration(): number {
  return ++generations;
}

/** `?labelSelector=…&fieldSelector=…`, or nothing. */
export function selectorQuery(options: ListOptions, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (options.labelSelector) params.set('labelSelector', options.labelSelector);
  if (options.fieldSelector) params.set('fieldSelector', options.fieldSelector);
  return params.size ? `?${params}` : '';
}

/**
 * Follows a listed query over the tab's socket: subscribes from the list's
 * resourceVersion (again for each new `generation`), merges each batch into
 * the query cache with `apply`, and lists again when the server says the
 * view is stale.
 */
export function useFollow<Data extends { resourceVersion: string; generation: number }>(
  queryKey: QueryKey,
  generation: number | undefined,
  resource: string,
  options: ListOptions,
  apply: (old: Data, message: ChangesMessage) => Data,
) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (generation === undefined) return;
    const from = queryClient.getQueryData<Data>(queryKey)?.resourceVersion;
    return subscribe(
      {
        stream: 'objects',
        resource,
        namespace: options.namespace || undefined,
        labelSelector: options.labelSelector || undefined,
        fieldSelector: options.fieldSelector || undefined,
        resourceVersion: from,
      },
      {
        // A batch still in flight for an older list must not land on a fresher one.
        onChanges: (message: ChangesMessage) =>
          queryClient.setQueryData<Data>(queryKey, (old) =>
            old && old.generation === generation ? apply(old, message) : old,
          ),
        onResync: () => void queryClient.invalidateQueries({ queryKey, exact: true }),
        onError: (error) => console.warn(`live ${resource}: ${error.message}`),
      },
    );
    // queryKey is derived from these values; `apply` is a pure merge
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation, resource, options.namespace, options.labelSelector, options.fieldSelector, queryClient]);
}
