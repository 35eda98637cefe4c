import { ApiError, badRequest, invalid } from '../../apimachinery/errors.ts';
import { boolParam } from '../../apimachinery/params.ts';
import { isResourceVersionTooOld, type CacheEvent } from '../../store/watch-cache.ts';
import type { ObjectApi } from '../object-api.ts';
import type { KubeObject } from '../../apimachinery/meta.ts';
import { apiVersionOf, type ResourceType } from '../../apimachinery/registry.ts';
import { fieldSelector, labelSelector } from '../../apimachinery/selectors.ts';
import { toTable } from '../tables.ts';
import { selectionChange } from '../../apimachinery/selection.ts';

// ?watch=true (or any of Go's strconv.ParseBool spellings of true: the Python client sends `watch=True`): a stream
// of newline-delimited JSON events. Without a resourceVersion (or with "0") the stream starts with ADDED for every
// current object, like Kubernetes. Objects moving in or out of the selectors are announced as ADDED / DELETED.
//
// How long a watch lasts, as kube-apiserver decides it: `timeoutSeconds` when given (and not 0), else a random
// time between the minimum request timeout and twice it (1800–3600 s), so that watchers spread their reconnects.
// The `timeout` parameter (kubectl's --request-timeout) does not end a watch: kube-apiserver ignores it for
// watches, and the client enforces its own deadline.

const MAX_QUEUED_EVENTS = 20_000;
/** kube-apiserver's --min-request-timeout default. */
export const MIN_REQUEST_TIMEOUT_SECONDS = 1800;
/** The annotation on the bookmark that ends a watch-list's initial events (sendInitialEvents=true). */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** A non-negative integer query parameter, read like Go's strconv.ParseInt. */
function integerParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const n = /^\+?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw badRequest(`${name} must be a non-negative integer (got "${raw}")`);
  return n;
}

/** How long a watch with these parameters stays open, in seconds. `random` is in [0, 1). */
export function watchTimeoutSeconds(q: URLSearchParams, random: () => number = Math.random): number {
  const requested = integerParam(q, 'timeoutSeconds');
  if (requested) return requested;
  // Whole seconds in [1800, 3600): floor, and never 3600 even when rounding brings a random() near 1 up to it.
  return Math.min(
    MIN_REQUEST_TIMEOUT_SECONDS + Math.floor(MIN_REQUEST_TIMEOUT_SECONDS * random()),
    2 * MIN_REQUEST_TIMEOUT_SECONDS - 1,
  );
}

const listOptionsInvalid = (field: string, reason: string, message: string) =>
  invalid('ListOptions', undefined, [{ reason, message, field }]);

/**
 * sendInitialEvents and resourceVersionMatch on a watch, checked as kube-apiserver checks them (its
 * validateWatchOptions, with the WatchList feature on): a 422 names the offending field.
 */
function watchListMode(q: URLSearchParams, bookmarks: boolean): boolean | undefined {
  const sendInitialEvents = boolParam(q, 'sendInitialEvents');
  const match = q.get('resourceVersionMatch') ?? '';
  if (sendInitialEvents !== undefined && match !== 'NotOlderThan')
    throw listOptionsInvalid(
      'resourceVersionMatch',
      'FieldValueForbidden',
      'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    );
  if (match) {
    if (sendInitialEvents === undefined)
      throw listOptionsInvalid(
        'resourceVersionMatch',
        'FieldValueForbidden',
        'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      );
    if (sendInitialEvents && !bookmarks)
      throw listOptionsInvalid(
        'allowWatchBookmarks',
        'FieldValueForbidden',
        'Forbidden: allowWatchBookmarks must be set to true when sendInitialEvents is true',
      );
  }
  return sendInitialEvents;
}

/** `bookmarkMs`: how often a quiet watch that allows bookmarks gets one; the watch ends when `stopping` aborts. */
export function watchResponse(
  api: ObjectApi,
  t: ResourceType,
  namespace: string | undefined,
  url: URL,
  asTable: boolean,
  bookmarkMs: number,
  stopping: AbortSignal,
  name?: string,
): Response {
  // Retryable: the client re-watches on another instance, or here once it is back.
  if (stopping.aborted) throw new ApiError(503, 'ServiceUnavailable', 'the server is shutting down; watch again');
  const q = url.searchParams;
  boolParam(q, 'watch');
  const bookmarks = boolParam(q, 'allowWatchBookmarks') ?? false;
  const sendInitialEvents = watchListMode(q, bookmarks);
  const labels = labelSelector(q.get('labelSelector'));
  const fields = fieldSelector(t.plural, q.get('fieldSelector'));
  const matches = (o: KubeObject | undefined) =>
    !!o && (!name || o.metadata.name === name) && labels(o.metadata.labels as Record<string, string>) && fields(o);
  const rvParam = q.get('resourceVersion');
  const requestedRv = rvParam && rvParam !== '0' ? integerParam(q, 'resourceVersion') : undefined;
  let from: number;
  let initial: KubeObject[] = [];
  if (sendInitialEvents === true || (sendInitialEvents === undefined && requestedRv === undefined)) {
    // The current state first (a watch-list serves the latest state, which is never older than any version).
    const list = api.list(t, namespace);
    initial = list.items.filter(matches);
    from = Number(list.resourceVersion);
  } else {
    from = requestedRv ?? api.resourceVersion;
  }
  const timeoutSeconds = watchTimeoutSeconds(q);

  const encoder = new TextEncoder();
  const encode = (type: string, object: unknown) => {
    const payload =
      asTable && type !== 'BOOKMARK' && type !== 'ERROR'
        ? toTable(
            t,
            [object as KubeObject],
            { resourceVersion: (object as KubeObject).metadata.resourceVersion },
            q.get('includeObject'),
          )
        : object;
    return encoder.encode(`${JSON.stringify({ type, object: payload })}\n`);
  };

  let cleanup = () => {};
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  const buffered: Uint8Array[] = [];
  let lastRv = from;
  let closed = false;
  const push = (chunk: Uint8Array) => {
    if (closed) return;
    if (!controllerRef) return void buffered.push(chunk);
    if ((controllerRef.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) {
      controllerRef.enqueue(
        encode('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'the watch fell too far behind; list again and re-watch',
          reason: 'Expired',
          code: 410,
        }),
      );
      finish();
      return;
    }
    controllerRef.enqueue(chunk);
  };
  const onEvent = (e: CacheEvent) => {
    lastRv = e.resourceVersion;
    const type = selectionChange(e, matches);
    if (type) push(encode(type, e.object));
  };
  let unsubscribe: () => void;
  // Registering before the stream exists makes a too-old version a 410 response, not a broken stream.
  try {
    unsubscribe = api.watch(t, namespace, from, onEvent);
  } catch (err) {
    if (isResourceVersionTooOld(err)) throw new ApiError(410, 'Expired', err.message);
    throw err;
  }
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    cleanup();
    try {
      controllerRef?.close();
    } catch {
      // already closed by the client
    }
  };
  cleanup = () => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    stopping.removeEventListener('abort', finish);
  };
  stopping.addEventListener('abort', finish, { once: true });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // The current objects first, then changes replayed from history while registering.
      for (const o of initial) controller.enqueue(encode('ADDED', o));
      if (sendInitialEvents) {
        controller.enqueue(
          encode('BOOKMARK', {
            kind: t.kind,
            apiVersion: apiVersionOf(t),
            metadata: { resourceVersion: String(from), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } },
          }),
        );
      }
      for (const chunk of buffered.splice(0)) controller.enqueue(chunk);
      // Next sends the response headers with the first body chunk; a blank line
      // (whitespace between JSON values) lets clients see the watch has started.
      if ((controller.desiredSize ?? 1) > 0) controller.enqueue(encoder.encode('\n'));
      controllerRef = controller;
      // setTimeout holds at most 2^31-1 ms (~24 days); a longer timeoutSeconds would otherwise fire at once.
      timers.push(setTimeout(finish, Math.min(timeoutSeconds * 1000, 2 ** 31 - 1)));
      if (bookmarks) {
        const tick = () => {
          push(
            encode('BOOKMARK', {
              kind: t.kind,
              apiVersion: apiVersionOf(t),
              metadata: { resourceVersion: String(Math.max(lastRv, api.resourceVersion)) },
            }),
          );
          timers.push(setTimeout(tick, bookmarkMs));
        };
        timers.push(setTimeout(tick, bookmarkMs));
      }
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
  return new Response(stream, {
    // no-transform keeps the compression middleware from buffering the stream.
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store, no-transform',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
