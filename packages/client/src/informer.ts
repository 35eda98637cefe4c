import type { ResourceApi } from './resource.ts';
import { GoneError, StatusError } from './errors.ts';
import type { ObjectMeta } from './generated/kinds.ts';
import type { KubeObject, WatchEvent } from './types.ts';

/** One watch an informer asks of its source: from `resourceVersion`, until `signal` aborts. */
export interface WatchRequest {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion: string;
  timeoutSeconds?: number;
  signal: AbortSignal;
}

/**
 * Where an informer's changes come from. It throws a GoneError (410) when the version is too old to resume from.
 * Default: HTTP watches (`ResourceApi.watch`); `@entroos/client/socket`'s socketWatch follows the router's socket.
 */
export type WatchSource = <T>(api: ResourceApi<T>, request: WatchRequest) => AsyncIterable<WatchEvent<T>>;

const httpWatch: WatchSource = (api, request) => api.watch({ ...request, allowWatchBookmarks: true });

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Reconnect backoff: starts here, doubles per failed attempt, capped (with jitter). Defaults 250 ms and 30 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Server-side watch timeout asked for each watch (the watch is resumed when it ends). Default 300 s. */
  watchTimeoutSeconds?: number;
  /** Where the changes come from after the list. Default: HTTP watches. */
  watch?: WatchSource;
}

export type InformerEvent = 'add' | 'update' | 'delete' | 'synced' | 'relist' | 'error';

type Handler<T> = (object: T, old?: T) => void;

const keyOf = (o: { metadata?: ObjectMeta }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * A local cache of one resource's objects kept current like client-go's informer: list, then watch from the
 * list's resourceVersion; bookmarks advance it; a dropped connection resumes from the last resourceVersion seen
 * after a capped exponential backoff; only a 410 Gone (the server no longer has that version) lists again, once.
 */
export class Informer<T extends { metadata?: ObjectMeta } = KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly handlers = new Map<InformerEvent, Set<Handler<T>>>();
  private readonly controller = new AbortController();
  private resourceVersion = '';
  private running?: Promise<void>;
  private syncedOnce?: Promise<void>;
  /** How often it listed (the first list included), reconnected after an error, and resumed after a normal end. */
  readonly stats = { lists: 0, relists: 0, reconnects: 0, resumes: 0, events: 0 };
  lastError?: unknown;

  constructor(
    private readonly api: ResourceApi<T>,
    private readonly options: InformerOptions = {},
  ) {}

  on(event: 'error', handler: (error: unknown) => void): () => void;
  on(event: 'synced' | 'relist', handler: () => void): () => void;
  on(event: 'add' | 'delete', handler: (object: T) => void): () => void;
  on(event: 'update', handler: (object: T, old: T) => void): () => void;
  on(event: InformerEvent, handler: Handler<T> | ((error: unknown) => void)): () => void {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler as Handler<T>);
    this.handlers.set(event, set);
    return () => set.delete(handler as Handler<T>);
  }

  private emit(event: InformerEvent, object?: unknown, old?: T) {
    for (const h of this.handlers.get(event) ?? []) {
      try {
        (h as (o: unknown, old?: T) => void)(object, old);
      } catch {
        // a handler's failure is its own; the cache goes on
      }
    }
  }

  /** Starts it; resolves once the first list is in the cache. */
  start(): Promise<void> {
    if (!this.syncedOnce) {
      let resolve!: () => void;
      this.syncedOnce = new Promise((r) => (resolve = r));
      const off = this.on('synced', () => (off(), resolve()));
      this.running = this.run();
    }
    return this.syncedOnce;
  }

  /** Stops watching; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  /** The cached objects. */
  list(): T[] {
    return [...this.objects.values()];
  }

  get(name: string, namespace = ''): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private async relist(): Promise<void> {
    const list = await this.api.listAll({
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      signal: this.controller.signal,
    });
    this.stats.lists++;
    const seen = new Set<string>();
    for (const object of list.items) {
      const key = keyOf(object);
      seen.add(key);
      this.put(key, object);
    }
    for (const [key, old] of this.objects)
      if (!seen.has(key)) {
        this.objects.delete(key);
        this.emit('delete', old);
      }
    this.resourceVersion = list.metadata.resourceVersion ?? '';
  }

  private put(key: string, object: T) {
    const old = this.objects.get(key);
    this.objects.set(key, object);
    if (!old) this.emit('add', object);
    else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) this.emit('update', object, old);
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    const initial = this.options.initialBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 30_000;
    let failures = 0;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          const first = this.stats.lists === 0;
          await this.relist();
          needList = false;
          if (!first) {
            this.stats.relists++;
            this.emit('relist');
          }
          this.emit('synced');
        }
        const watch = this.options.watch ?? httpWatch;
        for await (const event of watch(this.api, {
          namespace: this.options.namespace,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          resourceVersion: this.resourceVersion,
          timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
          signal,
        })) {
          failures = 0;
          this.stats.events++;
          const object = event.object;
          const rv = object.metadata?.resourceVersion;
          if (event.type === 'BOOKMARK') {
            if (rv) this.resourceVersion = rv;
            continue;
          }
          const key = keyOf(object);
          if (event.type === 'DELETED') {
            const old = this.objects.get(key);
            this.objects.delete(key);
            if (old) this.emit('delete', object);
          } else this.put(key, object);
          if (rv) this.resourceVersion = rv;
        }
        // The server ended the watch (its timeout): resume from where it was.
        this.stats.resumes++;
      } catch (err) {
        if (signal.aborted) return;
        this.lastError = err;
        if (err instanceof GoneError || (err instanceof StatusError && err.code === 410)) {
          needList = true;
          continue;
        }
        this.emit('error', err);
        this.stats.reconnects++;
        const ceiling = Math.min(max, initial * 2 ** failures++);
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, ceiling / 2 + Math.random() * (ceiling / 2));
          signal.addEventListener('abort', done, { once: true });
        });
      }
    }
  }
}
