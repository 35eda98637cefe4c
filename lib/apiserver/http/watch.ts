import { ApiError, badRequest } from '../../apimachinery/errors.ts';
import { isResourceVersionTooOld, type CacheEvent } from '../../store/watch-cache.ts';
import type { ObjectApi } from '../object-api.ts';
import type { KubeObject } from '../../apimachinery/meta.ts';
import { apiVersionOf, type ResourceType } from '../../apimachinery/registry.ts';
import { fieldSelector, labelSelector } from '../../apimachinery/selectors.ts';
import { toTable } from '../tables.ts';
import { selectionChange } from '../../apimachinery/selection.ts';

// ?watch=true: a stream of newline-delimited JSON events. Without a
// resourceVersion (or with "0") the stream starts with ADDED for every
// current object, like Kubernetes. Objects moving in or out of the selectors
// are announced as ADDED / DELETED.

const MAX_QUEUED_EVENTS = 20_000;
const DEFAULT_TIMEOUT_SECONDS = 1800;

/** `bookmarkMs`: how often a quiet watch that allows bookmarks gets one. */
export function watchResponse(
  api: ObjectApi,
  t: ResourceType,
  namespace: string | undefined,
  url: URL,
  asTable: boolean,
  bookmarkMs: number,
  name?: string,
): Response {
  const q = url.searchParams;
  const labels = labelSelector(q.get('labelSelector'));
  const fields = fieldSelector(t.plural, q.get('fieldSelector'));
  const matches = (o: KubeObject | undefined) =>
    !!o && (!name || o.metadata.name === name) && labels(o.metadata.labels as Record<string, string>) && fields(o);
  const rvParam = q.get('resourceVersion');
  let from: number;
  let initial: KubeObject[] = [];
  if (!rvParam || rvParam === '0') {
    const list = api.list(t, namespace);
    initial = list.items.filter(matches);
    from = Number(list.resourceVersion);
  } else {
    from = Number(rvParam);
    if (!Number.isInteger(from) || from < 0) throw badRequest(`resourceVersion must be a number (got "${rvParam}")`);
  }
  const timeoutRaw = q.get('timeoutSeconds');
  const timeoutSeconds = timeoutRaw ? Number(timeoutRaw) : DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)
    throw badRequest('timeoutSeconds must be a non-negative number');
  const bookmarks = q.get('allowWatchBookmarks') === 'true';

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
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // The current objects first, then changes replayed from history while registering.
      for (const o of initial) controller.enqueue(encode('ADDED', o));
      for (const chunk of buffered.splice(0)) controller.enqueue(chunk);
      // Next sends the response headers with the first body chunk; a blank line
      // (whitespace between JSON values) lets clients see the watch has started.
      if ((controller.desiredSize ?? 1) > 0) controller.enqueue(encoder.encode('\n'));
      controllerRef = controller;
      timers.push(setTimeout(finish, timeoutSeconds * 1000));
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
