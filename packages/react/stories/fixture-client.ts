import { Client, type Transport, type WatchEvent } from '@entroos/client';

// A Client whose transport answers from fixture data, so stories of live components run with no server: lists come
// from `lists`, a watch request stays open and carries whatever `live` pushes until the watch is aborted, and
// other GETs are answered from `responses`.

export interface FixtureOptions {
  /** API collection path (e.g. /api/v1/nodes) → its objects. */
  lists?: Record<string, readonly object[]>;
  /** Other GET paths → their JSON (a function is called per request). */
  responses?: Record<string, unknown | (() => unknown)>;
  /** Called when a watch opens on `path`; push events to it; return a function that stops pushing. */
  live?: (path: string, push: (event: WatchEvent<object>) => void) => () => void;
}

const encoder = new TextEncoder();

async function* once(text: string): AsyncIterable<Uint8Array> {
  yield encoder.encode(text);
}

async function* stream(
  signal: AbortSignal | undefined,
  start: (push: (event: WatchEvent<object>) => void) => () => void,
): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  const stop = start((event) => {
    queue.push(encoder.encode(`${JSON.stringify(event)}\n`));
    wake?.();
  });
  const aborted = new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
  try {
    while (!signal?.aborted) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
      wake = undefined;
    }
  } finally {
    stop();
  }
}

export function fixtureTransport(options: FixtureOptions): Transport {
  return async (req) => {
    const url = new URL(req.url, 'http://fixture.invalid');
    const json = (status: number, body: unknown) => ({
      status,
      header: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : null),
      body: once(JSON.stringify(body)),
    });
    if (url.searchParams.get('watch') === 'true') {
      const live = options.live;
      return {
        status: 200,
        header: () => 'application/json',
        body: stream(req.signal, (push) => (live ? live(url.pathname, push) : () => undefined)),
      };
    }
    const list = options.lists?.[url.pathname];
    if (list) return json(200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: list });
    const response = options.responses?.[url.pathname];
    if (response !== undefined) return json(200, typeof response === 'function' ? response() : response);
    return json(404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `the fixture has no ${url.pathname}`,
    });
  };
}

export const fixtureClient = (options: FixtureOptions = {}) =>
  new Client({ server: '', transport: fixtureTransport(options), retry: { retries: 0 } });
