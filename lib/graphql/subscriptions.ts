import { ApiError } from '../apimachinery/errors.ts';
import type { KubeObject, WatchEventType } from '../apimachinery/object.ts';
import type { ResourceType } from '../apimachinery/registry.ts';
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

export function watchObjects(ctx: GraphqlContext, t: ResourceType, args: WatchArgs): AsyncIterableIterator<WatchItem> {
  const namespace = t.namespaced ? (args.namespace ?? undefined) : undefined;
  ctx.require('watch', t, namespace);
  const labels = labelSelector(args.labelSelector);
  const fields = fieldSelector(t.plural, args.fieldSelector);
  const matches = (o: KubeObject | undefined) =>
    !!o && labels(o.metadata.labels as Record<string, string>) && fields(o);
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
  const onEvent = (e: CacheEvent) => {
    const type = selectionChange(e, matches);
    if (!type) return;
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
    const unsubscribe = api.watch(t, namespace, from, onEvent);
    stop = unsubscribe;
    // Ended during the replay (fell behind already): the watch registered after `finish` ran.
    if (done) unsubscribe();
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
