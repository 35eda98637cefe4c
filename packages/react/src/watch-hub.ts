import { Informer, type Client, type KubeObject, type WatchEventType, type WatchSource } from '@entroos/client';

// The tab's live lists. Every hook that watches the same resource, namespace and selectors shares one informer
// (one list, then one watch: a subscription on the tab's socket, or an HTTP watch request), counted by reference:
// the first subscriber starts it, the last one to leave stops it (which unsubscribes, or aborts the request). A subscriber's callback is only ever added to or removed from a set,
// so an event never reopens anything; React re-renders read a snapshot rebuilt at most once per batch.

export interface WatchKey {
  /** kubectl-style name: pods, po, deployments.apps, crontabs.stable.example.com … */
  resource: string;
  /** Omitted: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchSnapshot<T> {
  /** The objects, ordered by namespace then name. */
  items: readonly T[];
  /** The first list has arrived (items are the server's, not an empty placeholder). */
  synced: boolean;
  /** The last failure (the informer keeps retrying with backoff); cleared when it lists again. */
  error?: unknown;
  /** Grows by one each time items change. */
  version: number;
}

export type WatchListener<T> = (type: WatchEventType | 'RELIST', object: T, old?: T) => void;

interface Entry {
  informer: Informer<KubeObject>;
  refs: number;
  listeners: Set<() => void>;
  events: Set<WatchListener<KubeObject>>;
  snapshot: WatchSnapshot<KubeObject>;
  flushTimer?: ReturnType<typeof setTimeout>;
  stopTimer?: ReturnType<typeof setTimeout>;
}

export interface WatchHubOptions {
  /** Changes arriving within this many ms are rendered together. Default 16. */
  batchMs?: number;
  /**
   * How long an informer nobody uses lives on. Default 0: stopped on the next task, which still lets React's
   * StrictMode (unmount, then mount again at once) keep the same watch.
   */
  lingerMs?: number;
  /**
   * Where the informers' changes come from after their list. Default: HTTP watches; the provider passes the
   * router's socket in browsers (`socketWatch` from '@entroos/client/socket'), so a tab holds one connection.
   */
  watch?: WatchSource;
}

const EMPTY: WatchSnapshot<never> = Object.freeze({
  items: Object.freeze([]) as readonly never[],
  synced: false,
  version: 0,
});

export const watchKeyString = (k: WatchKey) =>
  JSON.stringify([k.resource, k.namespace ?? '', k.labelSelector ?? '', k.fieldSelector ?? '']);

const order = (a: KubeObject, b: KubeObject) => {
  const an = a.metadata?.namespace ?? '';
  const bn = b.metadata?.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const a1 = a.metadata?.name ?? '';
  const b1 = b.metadata?.name ?? '';
  return a1 < b1 ? -1 : a1 > b1 ? 1 : 0;
};

export class WatchHub {
  private readonly entries = new Map<string, Entry>();
  /** Informers started and stopped so far (tests and devtools read it). */
  readonly stats = { started: 0, stopped: 0 };

  constructor(
    readonly client: Client,
    private readonly options: WatchHubOptions = {},
  ) {}

  /** The informers running now. */
  get active(): number {
    return this.entries.size;
  }

  /** The current snapshot for a key (an empty, unsynced one while nobody watches it). */
  snapshot<T = KubeObject>(key: WatchKey | string): WatchSnapshot<T> {
    const entry = this.entries.get(typeof key === 'string' ? key : watchKeyString(key));
    return (entry?.snapshot ?? EMPTY) as WatchSnapshot<T>;
  }

  /**
   * Subscribes: `onChange` is called (batched) when the snapshot changes, `onEvent` for every change as it
   * arrives. Returns the unsubscribe function; the informer stops when its last subscriber leaves.
   */
  subscribe<T = KubeObject>(key: WatchKey, onChange: () => void, onEvent?: WatchListener<T>): () => void {
    const id = watchKeyString(key);
    let entry = this.entries.get(id);
    if (!entry) entry = this.start(id, key);
    clearTimeout(entry.stopTimer);
    entry.stopTimer = undefined;
    entry.refs++;
    entry.listeners.add(onChange);
    const listener = onEvent as WatchListener<KubeObject> | undefined;
    if (listener) entry.events.add(listener);
    const owned = entry;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      owned.listeners.delete(onChange);
      if (listener) owned.events.delete(listener);
      if (--owned.refs > 0) return;
      owned.stopTimer = setTimeout(() => {
        if (owned.refs > 0 || this.entries.get(id) !== owned) return;
        this.stop(id, owned);
      }, this.options.lingerMs ?? 0);
    };
  }

  /** Stops every informer (the provider unmounting). The hub stays usable. */
  stopAll(): void {
    for (const [id, entry] of this.entries) this.stop(id, entry);
  }

  private start(id: string, key: WatchKey): Entry {
    const informer = new Informer<KubeObject>(this.client.resource(key.resource), {
      namespace: key.namespace,
      labelSelector: key.labelSelector,
      fieldSelector: key.fieldSelector,
      watch: this.options.watch,
    });
    const entry: Entry = {
      informer,
      refs: 0,
      listeners: new Set(),
      events: new Set(),
      snapshot: { items: [], synced: false, version: 0 },
    };
    const emit = (type: WatchEventType | 'RELIST', object: KubeObject, old?: KubeObject) => {
      for (const listener of entry.events) {
        try {
          listener(type, object, old);
        } catch (err) {
          // One subscriber's bug must not stop the others' updates; report it where developers look.
          console.error(err);
        }
      }
      this.schedule(entry, false);
    };
    informer.on('add', (o) => emit('ADDED', o));
    informer.on('update', (o, old) => emit('MODIFIED', o, old));
    informer.on('delete', (o) => emit('DELETED', o));
    informer.on('relist', () => emit('RELIST', {}));
    informer.on('synced', () => {
      entry.snapshot = { ...entry.snapshot, synced: true, error: undefined };
      this.schedule(entry, true);
    });
    informer.on('error', (error) => {
      entry.snapshot = { ...entry.snapshot, error };
      this.schedule(entry, true);
    });
    this.entries.set(id, entry);
    this.stats.started++;
    // Failures are reported through 'error' and retried by the informer; the first list is awaited by nobody.
    informer.start().catch(() => undefined);
    return entry;
  }

  private stop(id: string, entry: Entry) {
    clearTimeout(entry.flushTimer);
    clearTimeout(entry.stopTimer);
    this.entries.delete(id);
    this.stats.stopped++;
    void entry.informer.stop();
  }

  private schedule(entry: Entry, now: boolean) {
    if (entry.flushTimer !== undefined && !now) return;
    clearTimeout(entry.flushTimer);
    const flush = () => {
      entry.flushTimer = undefined;
      entry.snapshot = {
        ...entry.snapshot,
        items: entry.informer.list().sort(order),
        version: entry.snapshot.version + 1,
      };
      for (const listener of entry.listeners) listener();
    };
    if (now) {
      entry.flushTimer = undefined;
      flush();
    } else entry.flushTimer = setTimeout(flush, this.options.batchMs ?? 16);
  }
}
