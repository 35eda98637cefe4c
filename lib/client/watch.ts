'use client';

import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChangesMessage, WireChange } from '../router/protocol.ts';
import { apiFetch } from './api.ts';
import { subscribe } from './socket.ts';

// A live list: listed through react-query, then kept current by a socket
// subscription starting at the list's resourceVersion; changes go straight
// into the query cache. After a resync signal the list is fetched again.

export interface ListedObject {
  metadata: { name: string; namespace?: string; resourceVersion: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface LiveList<T extends ListedObject = ListedObject> {
  items: T[];
  resourceVersion: string;
  /** Changes with each fresh list (not with merged changes): the subscription follows it. */
  generation: number;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** REST path of a resource key such as "pods" or "deployments.apps". */
export function listPath(resource: string, namespace?: string): string {
  const dot = resource.indexOf('.');
  const plural = dot < 0 ? resource : resource.slice(0, dot);
  const group = dot < 0 ? '' : resource.slice(dot + 1);
  const base = group ? `/apis/${group}/v1` : '/api/v1';
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${base}/${plural}`;
}

const keyOf = (o: ListedObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const positions = new WeakMap<ListedObject[], Map<string, number>>();

function indexOf(items: ListedObject[]): Map<string, number> {
  let index = positions.get(items);
  if (!index) {
    index = new Map(items.map((o, i) => [keyOf(o), i]));
    positions.set(items, index);
  }
  return index;
}

/** Applies a batch of changes to a list, copying it once (and indexing by key, so 100k rows stay cheap). */
export function applyChanges<T extends ListedObject>(
  list: LiveList<T>,
  changes: WireChange[],
  resourceVersion: string,
): LiveList<T> {
  let items = list.items.slice();
  const index = new Map(indexOf(list.items));
  let removed = false;
  for (const change of changes) {
    const object = change.object as T;
    const key = keyOf(object);
    const at = index.get(key);
    if (change.type === 'DELETED') {
      if (at !== undefined) {
        (items as (T | undefined)[])[at] = undefined;
        index.delete(key);
        removed = true;
      }
    } else if (at !== undefined) items[at] = object;
    else {
      index.set(key, items.length);
      items.push(object);
    }
  }
  if (removed) items = items.filter(Boolean);
  else positions.set(items, index);
  return { ...list, items, resourceVersion };
}

export function useResourceList<T extends ListedObject = ListedObject>(resource: string, options: ListOptions = {}) {
  const queryKey: QueryKey = [
    'live',
    resource,
    options.namespace ?? '',
    options.labelSelector ?? '',
    options.fieldSelector ?? '',
  ];
  const query = useQuery({
    queryKey,
    structuralSharing: false,
    staleTime: Infinity, // the socket keeps it fresh
    queryFn: async (): Promise<LiveList<T>> => {
      const list = await apiFetch<{ items: T[]; metadata: { resourceVersion: string } }>(
        `${listPath(resource, options.namespace)}${selectorQuery(options)}`,
      );
      return { items: list.items, resourceVersion: list.metadata.resourceVersion, generation: nextGeneration() };
    },
  });
  useFollow<LiveList<T>>(queryKey, query.data?.generation, resource, options, (old, message) =>
    applyChanges(old, message.changes, message.resourceVersion),
  );
  return query;
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
