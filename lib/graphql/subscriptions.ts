import { ApiError } from '../apimachinery/errors.ts';
import type { KubeObject, WatchEventType } from '../apimachinery/object.ts';
import type { ResourceType } from '../apimachinery/registry.ts';
import type { ObjectApi } from '../apiserver/object-api.ts';
import { selectionChange } from '../apimachinery/selection.ts';
import { fieldSelector, labelSelector } from '../apimachinery/selectors.ts';
import { isResourceVersionTooOld, type CacheEvent } from '../store/watch-cache.ts';
import type { GraphqlContext } from './context.ts';

// Subscriptions are watches of the watch cache, the machinery REST watches and the dashboard's sockets use: the
// cache calls back every committed change in resourceVersion order (replaying its history after `resourceVersion`
// first), so each change reaches the subscriber once and in order, and none is missed across a reconnect that
// resumes from the last resourceVersion seen. No polling anywhere. When the client leaves (complete, or the socket
// closes) graphql-ws returns the iterator, which unregisters the watch at once.

export interface WatchArgs {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
}

export interface WatchPayload {
  type: WatchEventType;
  object: KubeObject;
  resourceVersion: string;
}

/** Events a subscriber may fall behind by before it is ended with 410 (it must list again and resume). */
export const MAX_PENDING_EVENTS = 10_000;

/** The marker that ends a subscription that fell behind (its resolver throws the 410). */
export const EXPIRED = Symbol('expired');

export type WatchItem = WatchPayload | typeof EXPIRED;

type Member = (type: WatchEventType, e: CacheEvent) => void;

interface Selection {
  members: Set<Member>;
  stop: () => void;
}

/** The selections watched now, per object API (one per watch cache). */
const SELECTIONS = new WeakMap<ObjectApi, Map<string, Selection>>();

const selectorOf = (t: ResourceType, args: WatchArgs) => {
  const labels = labelSelector(args.labelSelector);
  const fields = fieldSelector(t.plural, args.fieldSelector);
  return (o: KubeObject | undefined) => !!o && labels(o.metadata.labels as Record<string, string>) && fields(o);
};

/**
 * Subscribers of one selection (resource, namespace, label and field selector) share one listener of the watch
 * cache: a change is matched against the selection once and handed to its members, not matched by each of a
 * thousand subscribers. Members are called in the cache's order, synchronously, as their own listeners would be.
 */
function joinSelection(
  api: ObjectApi,
  t: ResourceType,
  namespace: string | undefined,
  args: WatchArgs,
  member: Member,
): () => void {
  let byKey = SELECTIONS.get(api);
  if (!byKey) SELECTIONS.set(api, (byKey = new Map()));
  const key = JSON.stringify([t.key, namespace ?? null, args.labelSelector ?? '', args.fieldSelector ?? '']);
  let selection = byKey.get(key);
  if (!selection) {
    const matches = selectorOf(t, args);
    const members = new Set<Member>();
    const stop = api.watch(t, namespace, api.cache.committedResourceVersion, (e) => {
      const type = selectionChange(e, matches);
      if (type) for (const m of members) m(type, e);
    });
    byKey.set(key, (selection = { members, stop }));
  }
  const joined = selection;
  joined.members.add(member);
  return () => {
    if (!joined.members.delete(member) || joined.members.size) return;
    joined.stop();
    if (byKey.get(key) === joined) byKey.delete(key);
  };
}

export function watchObjects(ctx: GraphqlContext, t: ResourceType, args: WatchArgs): AsyncIterableIterator<WatchItem> {
  const namespace = t.namespaced ? (args.namespace ?? undefined) : undefined;
  ctx.require('watch', t, namespace);
  const matches = selectorOf(t, args);
  const api = ctx.deps.api;
  let from = api.cache.committedResourceVersion;
  if (args.resourceVersion !== undefined && args.resourceVersion !== null && args.resourceVersion !== '') {
    if (!/^\d{1,15}$/.test(args.resourceVersion))
      throw new ApiError(400, 'BadRequest', `resourceVersion must be a number (got "${args.resourceVersion}")`);
    from = Number(args.resourceVersion);
  }

  const queue: WatchItem[] = [];
  let waiting: ((result: IteratorResult<WatchItem>) => void) | null = null;
  let done = false;
  let stop = () => {};

  const push = (item: WatchItem) => {
    if (done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: item, done: false });
    } else queue.push(item);
  };
  const deliver = (type: WatchEventType, e: CacheEvent) => {
    if (e.resourceVersion <= from) return;
    if (queue.length >= MAX_PENDING_EVENTS) {
      // Exactness over completeness: end with 410 rather than drop changes silently.
      queue.length = 0;
      push(EXPIRED);
      finish();
      return;
    }
    push({ type, object: e.object, resourceVersion: String(e.resourceVersion) });
  };
  const finish = () => {
    if (done) return;
    stop();
    // What is queued is still delivered; `done` stops new changes.
    done = true;
  };

  try {
    // The history after `from` first (this subscriber's own replay, which also refuses a `from` the history no
    // longer reaches), then the live changes through the shared selection: both run synchronously, so no change
    // falls between them or arrives twice.
    const endReplay = api.watch(t, namespace, from, (e) => {
      const type = selectionChange(e, matches);
      if (type) deliver(type, e);
    });
    endReplay();
    // Ended during the replay (fell behind already): it does not join.
    if (!done) stop = joinSelection(api, t, namespace, args, deliver);
  } catch (err) {
    if (isResourceVersionTooOld(err))
      throw new ApiError(
        410,
        'Expired',
        `${err.message}: the history no longer reaches back to resourceVersion ${from}; list again and subscribe from the list's resourceVersion`,
      );
    throw err;
  }

  const iterator: AsyncIterableIterator<WatchItem> = {
    next() {
      const item = queue.shift();
      if (item !== undefined) return Promise.resolve({ value: item, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return() {
      finish();
      queue.length = 0;
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err?: unknown) {
      void iterator.return?.();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** The payload a subscription field resolves to: the change, or the 410 that ends a subscriber left behind. */
export function resolveWatchItem(item: WatchItem): WatchPayload {
  if (item === EXPIRED)
    throw new ApiError(
      410,
      'Expired',
      `this subscription fell more than ${MAX_PENDING_EVENTS} changes behind; list again and subscribe from the list's resourceVersion`,
    );
  return item;
}
