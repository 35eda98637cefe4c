import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BuiltinTypes,
  DeleteOptions,
  KubeObject,
  PatchType,
  SchedulingDecision,
  Status,
  WatchEventType,
} from '@entroos/client';
import type { ConnectionState } from '@entroos/client/socket';
import { useEntroos } from './provider.tsx';
import { watchKeyString, type WatchKey, type WatchSnapshot } from './watch-hub.ts';
import type { ProofCheck, ProofToVerify } from './proof.ts';

/** The object type of a kubectl-style resource name: Pod for 'pods' or 'po', KubeObject for custom resources. */
export type ObjectOf<R extends string> = R extends keyof BuiltinTypes ? BuiltinTypes[R] : KubeObject;

export interface Selection {
  /** Omitted: every namespace (namespaced resources). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** react-query keys: everything about one resource starts with ['entroos', resource]. */
export const queryKeys = {
  resource: (resource: string) => ['entroos', resource] as const,
  list: (resource: string, s: Selection) =>
    ['entroos', resource, 'list', s.namespace ?? '', s.labelSelector ?? '', s.fieldSelector ?? ''] as const,
  get: (resource: string, namespace: string, name: string) => ['entroos', resource, 'get', namespace, name] as const,
  decision: (pod: string) => ['entroos', 'decision', pod] as const,
  proof: (id: string) => ['entroos', 'proof-check', id] as const,
  schema: (resource: string) => ['entroos', 'schema', resource] as const,
};

const NOT_WATCHING: WatchSnapshot<never> = Object.freeze({ items: [], synced: false, version: 0 });
const noop = () => undefined;

/** The latest value of a callback, read by long-lived subscriptions without resubscribing when it changes. */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

export interface WatchOptions<T> extends Selection {
  /** false: not watching (e.g. until a namespace is chosen). */
  enabled?: boolean;
  /** Called for every change as it arrives (kept in a ref: a new function never reopens the watch). */
  onEvent?: (type: WatchEventType | 'RELIST', object: T, old?: T) => void;
}

/**
 * The live objects of a resource: listed, then watched, through the provider's hub. The subscription is keyed by
 * resource, namespace and selectors only; events re-render (batched) but never resubscribe, and unmounting stops
 * the watch when no other component uses it.
 */
export function useWatch<R extends string, T = ObjectOf<R>>(
  resource: R,
  options: WatchOptions<T> = {},
): WatchSnapshot<T> {
  const { hub } = useEntroos();
  const { namespace, labelSelector, fieldSelector, enabled = true } = options;
  const onEvent = useLatest(options.onEvent);
  const id = watchKeyString({ resource, namespace, labelSelector, fieldSelector });
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!enabled) return noop;
      const key = JSON.parse(id) as [string, string, string, string];
      const selection: WatchKey = {
        resource: key[0],
        namespace: key[1] || undefined,
        labelSelector: key[2] || undefined,
        fieldSelector: key[3] || undefined,
      };
      return hub.subscribe<T>(selection, notify, (type, object, old) => onEvent.current?.(type, object, old));
    },
    [hub, id, enabled, onEvent],
  );
  const snapshot = useCallback(
    () => (enabled ? hub.snapshot<T>(id) : (NOT_WATCHING as WatchSnapshot<T>)),
    [hub, id, enabled],
  );
  return useSyncExternalStore(subscribe, snapshot, () => NOT_WATCHING as WatchSnapshot<T>);
}

const alwaysConnected = () => 'connected' as const;
const connecting = () => 'connecting' as const;

/**
 * The state of the tab's socket to the router ('connected' when live lists use HTTP watches), for a connection
 * indicator. Reading it opens the socket.
 */
export function useConnectionState(): ConnectionState {
  const { socket } = useEntroos();
  const subscribe = useCallback((notify: () => void) => socket?.onState(notify) ?? noop, [socket]);
  const state = useCallback(() => socket?.state ?? 'connected', [socket]);
  return useSyncExternalStore(subscribe, socket ? state : alwaysConnected, connecting);
}

export interface ListOptions extends Selection {
  /** true (default): kept current by a watch. false: listed once through react-query (refetch to refresh). */
  live?: boolean;
  enabled?: boolean;
}

export interface ListResult<T> {
  /** undefined until the first list arrives. */
  data: readonly T[] | undefined;
  isLoading: boolean;
  error: unknown;
  /** Grows when `data` changes (live lists). */
  version: number;
}

/** A resource's objects (every page), live by default. */
export function useList<R extends string, T = ObjectOf<R>>(resource: R, options: ListOptions = {}): ListResult<T> {
  const { client } = useEntroos();
  const { live = true, enabled = true, namespace, labelSelector, fieldSelector } = options;
  const selection = { namespace, labelSelector, fieldSelector };
  const watched = useWatch<R, T>(resource, { ...selection, enabled: enabled && live });
  const listed = useQuery({
    queryKey: queryKeys.list(resource, selection),
    queryFn: async ({ signal }) =>
      (await client.resource<T>(resource).listAll({ ...selection, signal })).items as readonly T[],
    enabled: enabled && !live,
  });
  if (live)
    return {
      data: watched.synced ? watched.items : undefined,
      isLoading: enabled && !watched.synced && !watched.error,
      error: watched.error ?? null,
      version: watched.version,
    };
  return { data: listed.data, isLoading: listed.isLoading, error: listed.error, version: listed.dataUpdatedAt };
}

export interface GetOptions {
  namespace?: string;
  /** true (default): the cached object follows a watch on this one object. */
  live?: boolean;
  enabled?: boolean;
}

/** One object through react-query, kept current by a watch on it (fieldSelector metadata.name). */
export function useGet<R extends string, T = ObjectOf<R>>(
  resource: R,
  name: string | undefined,
  options: GetOptions = {},
) {
  const { client } = useEntroos();
  const queryClient = useQueryClient();
  const { namespace, live = true } = options;
  const enabled = (options.enabled ?? true) && Boolean(name);
  const ns = namespace ?? client.namespace;
  const key = queryKeys.get(resource, ns, name ?? '');
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => client.resource<T>(resource).get(name ?? '', { namespace: ns, signal }),
    enabled,
  });
  useWatch<R, T>(resource, {
    namespace: ns,
    fieldSelector: `metadata.name=${name ?? ''}`,
    enabled: enabled && live,
    onEvent: (type, object) => {
      if (type === 'ADDED' || type === 'MODIFIED') queryClient.setQueryData(key, object);
      else if (type === 'DELETED') void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  return query;
}

/** Creates objects. Live lists show them through their watch; lists read once are invalidated. */
export function useCreate<R extends string, T = ObjectOf<R>>(
  resource: R,
  options: { namespace?: string; dryRun?: boolean } = {},
) {
  const { client } = useEntroos();
  const queryClient = useQueryClient();
  return useMutation<T, Error, T>({
    mutationFn: (object) => client.resource<T>(resource).create(object, options),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.resource(resource) }),
  });
}

export interface PatchVariables {
  name: string;
  patch: unknown;
  namespace?: string;
  type?: PatchType;
}

/** Patches objects (merge patch unless `type` says otherwise). */
export function usePatch<R extends string, T = ObjectOf<R>>(
  resource: R,
  options: { namespace?: string; type?: PatchType } = {},
) {
  const { client } = useEntroos();
  const queryClient = useQueryClient();
  return useMutation<T, Error, PatchVariables>({
    mutationFn: (v) =>
      client.resource<T>(resource).patch(v.name, v.patch, {
        namespace: v.namespace ?? options.namespace,
        type: v.type ?? options.type ?? 'merge',
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.resource(resource) }),
  });
}

export type DeleteVariables = string | ({ name: string } & DeleteOptions);

/** Deletes objects: `mutate('name')` or `mutate({ name, namespace, propagationPolicy })`. */
export function useDelete<R extends string, T = ObjectOf<R>>(resource: R, options: DeleteOptions = {}) {
  const { client } = useEntroos();
  const queryClient = useQueryClient();
  return useMutation<T | Status, Error, DeleteVariables>({
    mutationFn: (v) => {
      const { name, ...rest } = typeof v === 'string' ? { name: v } : v;
      return client.resource<T>(resource).delete(name, { ...options, ...rest });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.resource(resource) }),
  });
}

export interface LogsOptions {
  namespace?: string;
  container?: string;
  /** Keep reading as the container writes (default true). */
  follow?: boolean;
  tailLines?: number;
  /** Oldest lines are dropped past this many (default 5,000). */
  maxLines?: number;
  enabled?: boolean;
}

export interface LogsState {
  lines: readonly string[];
  /** The stream ended (the container stopped, or follow was off). */
  done: boolean;
  error: unknown;
}

const NO_LOGS: LogsState = { lines: [], done: false, error: null };

/** A pod's log lines, followed; the request is aborted on unmount or when the pod or container changes. */
export function useLogs(pod: string | undefined, options: LogsOptions = {}): LogsState {
  const { client } = useEntroos();
  const { namespace, container, follow = true, tailLines, maxLines = 5000, enabled = true } = options;
  const id = JSON.stringify([pod, namespace, container, follow, tailLines, enabled]);
  const [state, setState] = useState<{ id: string } & LogsState>({ id, ...NO_LOGS });
  useEffect(() => {
    if (!enabled || !pod) return;
    const controller = new AbortController();
    let buffer: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Lines are appended in batches: a chatty container must not cost a render per line.
    const flush = (patch: Partial<LogsState> = {}) => {
      timer = undefined;
      const added = buffer;
      buffer = [];
      setState((s) => {
        const lines = s.id === id ? [...s.lines, ...added] : added;
        return { ...(s.id === id ? s : NO_LOGS), id, ...patch, lines: lines.slice(-maxLines) };
      });
    };
    (async () => {
      try {
        for await (const line of client.entroos.logs(pod, {
          namespace,
          container,
          follow,
          tailLines,
          signal: controller.signal,
        })) {
          buffer.push(line);
          timer ??= setTimeout(flush, 50);
        }
        clearTimeout(timer);
        flush({ done: true });
      } catch (error) {
        clearTimeout(timer);
        if (!controller.signal.aborted) flush({ error, done: true });
      }
    })();
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, id, pod, namespace, container, follow, tailLines, maxLines, enabled]);
  return state.id === id ? state : NO_LOGS;
}

/** Why a pod went where it went: per-plugin scores, filtered nodes with reasons, entropy before and after. */
export function useDecision(pod: string | undefined, options: { refetchInterval?: number; enabled?: boolean } = {}) {
  const { client } = useEntroos();
  return useQuery<SchedulingDecision>({
    queryKey: queryKeys.decision(pod ?? ''),
    queryFn: () => client.entroos.scheduler.decision(pod ?? ''),
    enabled: (options.enabled ?? true) && Boolean(pod),
    refetchInterval: options.refetchInterval,
  });
}

export type ProofState = 'idle' | 'verifying' | 'valid' | 'invalid' | 'error';

export interface ProofVerification {
  state: ProofState;
  /** The check's time in this tab, once done. */
  ms?: number;
  error: unknown;
  /** Starts (or repeats) the check. */
  verify: () => void;
}

/**
 * Verifies a placement proof in this tab: `proof` is a proof id (fetched from the server) or the proof itself.
 * With `auto` the check runs on mount; otherwise on `verify()`. Results are cached per proof.
 */
export function useProofVerification(
  proof: string | ProofToVerify | undefined,
  options: { auto?: boolean } = {},
): ProofVerification {
  const { client, verifier } = useEntroos();
  const id =
    typeof proof === 'string' ? proof : proof ? `inline:${proof.circuit}:${proof.publicSignals.join(',')}` : '';
  const [requested, setRequested] = useState<string | null>(null);
  const query = useQuery<ProofCheck>({
    queryKey: queryKeys.proof(id),
    queryFn: async () => {
      const p =
        typeof proof === 'string' ? ((await client.entroos.proofs.get(proof)) as unknown as ProofToVerify) : proof;
      if (!p) throw new Error('no proof to verify');
      return verifier(p);
    },
    enabled: Boolean(proof) && (options.auto === true || requested === id),
    staleTime: Infinity,
    retry: false,
  });
  const refetch = query.refetch;
  const verify = useCallback(() => {
    if (requested === id) void refetch();
    else setRequested(id);
  }, [requested, id, refetch]);
  const state: ProofState = query.isFetching
    ? 'verifying'
    : query.isError
      ? 'error'
      : query.data
        ? query.data.valid
          ? 'valid'
          : 'invalid'
        : 'idle';
  return useMemo(
    () => ({ state, ms: query.data?.ms, error: query.error, verify }),
    [state, query.data, query.error, verify],
  );
}
