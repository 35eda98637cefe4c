import type { KubeObject, ObjectChange, WatchEventType } from '../apimachinery/object.ts';
import type { ObjectBatch, StoredObject } from './objects.ts';

// The in-memory watch cache: every API object, the latest resourceVersion,
// and a window of recent changes for watch resumes. Writes apply to the cache
// at once (so later writes see them), are persisted in group commits (many
// writes share one transaction), and are acknowledged and announced to
// watchers only after their commit succeeded. A failed commit reverts them.

export type { KubeObject, WatchEventType };

export interface CacheEvent extends ObjectChange {
  resource: string;
  resourceVersion: number;
  /** When the change became durable (ms since the epoch); for fan-out latency. */
  committedAt?: number;
}

/** A committed change as shipped to replicas (the previous object stays behind). */
export interface ReplicatedChange {
  type: WatchEventType;
  resource: string;
  object: KubeObject;
  resourceVersion: number;
  committedAt?: number;
}

/** Called after each group commit with its changes and the version announced before them. */
export type CommitListener = (events: CacheEvent[], previousResourceVersion: number) => void;
/** Told which object one of this instance's own writes changed for readers (see WatchCache.onApplied). */
export type AppliedListener = (resource: string, namespace: string | undefined, name: string) => void;

export type CacheListener = (event: CacheEvent) => void;

export interface WatchFilter {
  resource?: string;
  namespace?: string;
}

export class ResourceVersionTooOld extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.name = 'ResourceVersionTooOld';
  }
}

export class NotLeader extends Error {
  constructor(readonly leader: string | undefined) {
    super(
      `this EntroOS instance is a follower and cannot write; writes go to the leader${leader ? ` at ${leader}` : ' (none elected yet; try again in a few seconds)'}`,
    );
    this.name = 'NotLeader';
  }
}

export const isNotLeader = (err: unknown): err is NotLeader => err instanceof Error && err.name === 'NotLeader';

/** By name, not instanceof: the cache and the route bundles load separate copies of this module. */
export const isResourceVersionTooOld = (err: unknown): err is ResourceVersionTooOld =>
  err instanceof Error && err.name === 'ResourceVersionTooOld';

interface Pending {
  event: CacheEvent;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** One change for writeAll: `object` null deletes. */
export interface CacheWrite {
  resource: string;
  namespace: string | undefined;
  name: string;
  object: KubeObject | null;
}

const noop = () => {};

export interface WatchCacheOptions {
  /** How many recent changes are kept for watch resumes. */
  historySize: number;
  persist: (batch: ObjectBatch) => Promise<void>;
  onCommitError?: (err: unknown) => void;
}

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

export class WatchCache {
  private resources = new Map<string, Bucket>();
  private rv: number;
  private history: CacheEvent[] = [];
  private historyStart = 0; // ring buffer head
  /** Oldest resourceVersion a watch can resume from. */
  private compactedThrough: number;
  private listeners = new Set<{ filter: WatchFilter; fn: CacheListener }>();
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  /** The newest resourceVersion announced to watchers (durable). */
  private announcedRv: number;
  private commitListeners = new Set<CommitListener>();
  private appliedListeners = new Set<AppliedListener>();
  /** Set on a follower: writes are refused and changes arrive by replication. */
  private readOnlyLeader: string | undefined | null = null;
  /** Group commits that failed (and were reverted): a snapshot taken across one is retaken. */
  private commitFailures = 0;

  constructor(
    initial: { objects: StoredObject[]; resourceVersion: number },
    private options: WatchCacheOptions,
  ) {
    this.rv = initial.resourceVersion;
    this.compactedThrough = initial.resourceVersion;
    this.announcedRv = initial.resourceVersion;
    for (const o of initial.objects)
      this.bucket(o.resource).set(keyOf(o.namespace || undefined, o.name), JSON.parse(o.data));
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The resourceVersion below which watches must relist (410 Gone). */
  get oldestResumable(): number {
    return this.compactedThrough;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.resources.get(resource)?.get(keyOf(namespace, name));
  }

  /** All objects of a resource (in one namespace, or all), sorted by namespace/name, with the cache's resourceVersion. */
  list(resource: string, namespace?: string): { items: KubeObject[]; resourceVersion: number } {
    const bucket = this.resources.get(resource);
    const items: KubeObject[] = [];
    if (bucket) {
      for (const key of bucket.sortedKeys()) {
        if (namespace !== undefined && !key.startsWith(`${namespace}/`)) continue;
        const object = bucket.get(key);
        if (object) items.push(object);
      }
    }
    return { items, resourceVersion: this.rv };
  }

  /**
   * The keys (`namespace/name`) of a resource's objects in list order, in one namespace or all, for a reader that
   * needs only some of the objects (a page: see getByKey). The array is the cache's own: never change it.
   */
  keys(resource: string, namespace?: string): readonly string[] {
    const keys = this.resources.get(resource)?.sortedKeys() ?? [];
    if (namespace === undefined) return keys;
    const prefix = `${namespace}/`;
    return keys.filter((key) => key.startsWith(prefix));
  }

  /** A resource's objects in no particular order (cheaper than by key when order does not matter: counting). */
  objects(resource: string): IterableIterator<KubeObject> {
    return (this.resources.get(resource) ?? new Bucket()).values();
  }

  /** The object stored under one of keys()'s keys. */
  getByKey(resource: string, key: string): KubeObject | undefined {
    return this.resources.get(resource)?.get(key);
  }

  count(resource: string): number {
    return this.resources.get(resource)?.size ?? 0;
  }

  /**
   * Stores `object` (or deletes the key when `object` is null), assigning the
   * next resourceVersion. Resolves once the change is durable.
   */
  write(
    resource: string,
    namespace: string | undefined,
    name: string,
    object: KubeObject | null,
  ): { resourceVersion: number; done: Promise<void> } {
    this.checkWritable();
    const event = this.apply(resource, namespace, name, object);
    const done = new Promise<void>((resolve, reject) => this.pending.push({ event, resolve, reject }));
    this.schedule();
    return { resourceVersion: event.resourceVersion, done };
  }

  /**
   * Stores several objects as write() does, one after another, with one promise for all of them: they land in the
   * same group commit, so it resolves once every one is durable (or rejects, all of them reverted, if that commit
   * fails). For a writer of many objects at once (the scheduler's bindings), where a promise and a continuation per
   * object were a visible part of the cost.
   */
  writeAll(writes: readonly CacheWrite[]): { resourceVersion: number; done: Promise<void> } {
    this.checkWritable();
    if (!writes.length) return { resourceVersion: this.rv, done: Promise.resolve() };
    const events: CacheEvent[] = [];
    try {
      for (const w of writes) events.push(this.apply(w.resource, w.namespace, w.name, w.object));
    } catch (err) {
      // All or none: undo the ones applied (newest first), as a failed commit would.
      for (let i = events.length - 1; i >= 0; i--) this.revert(events[i]);
      throw err;
    }
    const done = new Promise<void>((resolve, reject) => {
      // Only the last one settles the promise: all are spliced into the same commit, announced before it resolves.
      for (let i = 0; i < events.length - 1; i++) this.pending.push({ event: events[i], resolve: noop, reject: noop });
      this.pending.push({ event: events[events.length - 1], resolve, reject });
    });
    this.schedule();
    return { resourceVersion: this.rv, done };
  }

  private checkWritable() {
    if (this.closed) throw new Error('the store is closed');
    if (this.readOnlyLeader !== null) throw new NotLeader(this.readOnlyLeader);
  }

  /** Applies one change to the cache with the next resourceVersion; its commit is still to come. */
  private apply(resource: string, namespace: string | undefined, name: string, object: KubeObject | null): CacheEvent {
    const bucket = this.bucket(resource);
    const key = keyOf(namespace, name);
    const previous = bucket.get(key);
    let rv: number;
    let event: CacheEvent;
    if (object) {
      rv = ++this.rv;
      object.metadata.resourceVersion = String(rv);
      bucket.set(key, object);
      event = { type: previous ? 'MODIFIED' : 'ADDED', resource, object, previous, resourceVersion: rv };
    } else if (previous) {
      rv = ++this.rv;
      bucket.delete(key);
      // A deleted object is announced with the deletion's resourceVersion.
      const gone = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
      event = { type: 'DELETED', resource, object: gone, previous, resourceVersion: rv };
    } else throw new Error(`${resource} ${key} does not exist`);
    if (this.appliedListeners.size) this.applied(resource, namespace, name);
    return event;
  }

  /**
   * Calls `fn` for every change after `fromResourceVersion` (replaying the
   * history window first), then for live changes. Throws ResourceVersionTooOld
   * when the history no longer reaches back that far.
   */
  watch(filter: WatchFilter, fromResourceVersion: number, fn: CacheListener): () => void {
    if (fromResourceVersion < this.compactedThrough)
      throw new ResourceVersionTooOld(fromResourceVersion, this.compactedThrough);
    const matches = (e: CacheEvent) =>
      (!filter.resource || e.resource === filter.resource) &&
      (filter.namespace === undefined || (e.object.metadata.namespace ?? '') === filter.namespace);
    for (const event of this.historyEvents())
      if (event.resourceVersion > fromResourceVersion && matches(event)) fn(event);
    const entry = {
      filter,
      fn: (e: CacheEvent) => {
        if (e.resourceVersion > fromResourceVersion && matches(e)) fn(e);
      },
    };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** How many group commits failed (their writes were reverted without telling watchers). */
  get failedCommits(): number {
    return this.commitFailures;
  }

  /** The newest durable resourceVersion (what a replica has caught up to). */
  get committedResourceVersion(): number {
    return this.announcedRv;
  }

  /** Refuses writes (a follower, naming its leader's address) or accepts them again (null). */
  setReadOnly(leader: string | undefined | null): void {
    this.readOnlyLeader = leader;
  }

  get readOnly(): boolean {
    return this.readOnlyLeader !== null;
  }

  onCommit(fn: CommitListener): () => void {
    this.commitListeners.add(fn);
    return () => this.commitListeners.delete(fn);
  }

  /**
   * Calls `fn` whenever one of this instance's own writes changes what readers see: as the write is applied (reads
   * serve it before it is durable; watchers hear of it only once it is) and when a failed commit reverts it. For
   * state that must agree with what a reader can already have seen, such as which custom types are served.
   */
  onApplied(fn: AppliedListener): () => void {
    this.appliedListeners.add(fn);
    return () => this.appliedListeners.delete(fn);
  }

  private applied(resource: string, namespace: string | undefined, name: string) {
    for (const fn of this.appliedListeners) {
      try {
        fn(resource, namespace, name);
      } catch {
        // a listener's failure must not fail the write
      }
    }
  }

  /**
   * Applies changes committed by the leader. Returns false when they do not
   * follow on from this cache's state (a message was missed): the caller
   * must then reset from the database. Changes already applied are skipped.
   */
  applyReplicated(previousResourceVersion: number, changes: ReplicatedChange[]): boolean {
    if (previousResourceVersion > this.announcedRv) return false;
    for (const change of changes) {
      if (change.resourceVersion <= this.announcedRv) continue;
      const bucket = this.bucket(change.resource);
      const key = keyOf(change.object.metadata.namespace, change.object.metadata.name);
      const previous = bucket.get(key);
      if (change.type === 'DELETED') bucket.delete(key);
      else bucket.set(key, change.object);
      this.rv = change.resourceVersion;
      const type = change.type === 'DELETED' ? 'DELETED' : previous ? 'MODIFIED' : 'ADDED';
      this.announce({
        type,
        resource: change.resource,
        object: change.object,
        previous,
        resourceVersion: change.resourceVersion,
        committedAt: change.committedAt,
      });
    }
    return true;
  }

  /**
   * Replaces the whole cache with a fresh load from the database, announcing
   * the differences to live watchers. The history restarts, so resumes from
   * before the reset get 410 and relist.
   */
  reset(initial: { objects: StoredObject[]; resourceVersion: number }): void {
    const fresh = new Map<string, Bucket>();
    for (const o of initial.objects) {
      let bucket = fresh.get(o.resource);
      if (!bucket) fresh.set(o.resource, (bucket = new Bucket()));
      bucket.set(keyOf(o.namespace || undefined, o.name), JSON.parse(o.data));
    }
    const rv = Math.max(initial.resourceVersion, this.rv);
    const changes: CacheEvent[] = [];
    for (const [resource, bucket] of this.resources) {
      const next = fresh.get(resource);
      for (const [key, object] of bucket) {
        if (next?.has(key)) continue;
        changes.push({
          type: 'DELETED',
          resource,
          object: { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } },
          previous: object,
          resourceVersion: rv,
        });
      }
    }
    for (const [resource, bucket] of fresh) {
      const old = this.resources.get(resource);
      for (const [key, object] of bucket) {
        const previous = old?.get(key);
        if (previous?.metadata.resourceVersion === object.metadata.resourceVersion) continue;
        changes.push({
          type: previous ? 'MODIFIED' : 'ADDED',
          resource,
          object,
          previous,
          resourceVersion: Number(object.metadata.resourceVersion),
        });
      }
    }
    this.resources = fresh;
    this.rv = rv;
    this.announcedRv = rv;
    this.history = [];
    this.historyStart = 0;
    this.compactedThrough = rv;
    const committedAt = Date.now();
    for (const event of changes.sort((a, b) => a.resourceVersion - b.resourceVersion))
      this.notify({ ...event, committedAt });
  }

  /**
   * Every object as of one resourceVersion, once every write up to it is durable: a backup's consistent view,
   * taken without stopping writes. Stored objects are never changed in place (writers store new objects), so the
   * references taken in one synchronous pass stay that version's. Writes the cache had applied but not yet
   * committed are in the view; it is returned only after they are durable, and taken again if a commit failed
   * (its writes were reverted, so the view would hold objects that never existed durably).
   */
  async snapshot(): Promise<{ resourceVersion: number; objects: Map<string, KubeObject[]> }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const failures = this.commitFailures;
      const objects = new Map<string, KubeObject[]>();
      for (const [resource, bucket] of this.resources) if (bucket.size) objects.set(resource, [...bucket.values()]);
      const resourceVersion = this.rv;
      // Not flush(): under a steady stream of writes there is always more pending; only this version must land.
      while (this.announcedRv < resourceVersion && this.commitFailures === failures && !this.closed) {
        if (this.flushing) await this.flushing.catch(() => {});
        else if (this.pending.length) await this.runFlush();
        else break;
      }
      if (this.commitFailures === failures && this.announcedRv >= resourceVersion) return { resourceVersion, objects };
    }
    throw new Error('the store keeps failing to commit; no consistent snapshot could be taken');
  }

  /** Waits for every write so far to be durable. */
  async flush(): Promise<void> {
    while (this.pending.length || this.flushing) {
      if (this.flushing) await this.flushing.catch(() => {});
      else await this.runFlush();
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.listeners.clear();
  }

  private bucket(resource: string) {
    let bucket = this.resources.get(resource);
    if (!bucket) this.resources.set(resource, (bucket = new Bucket()));
    return bucket;
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.flushing) void this.runFlush();
    });
  }

  private runFlush(): Promise<void> {
    const batch = this.pending.splice(0);
    if (!batch.length) return Promise.resolve();
    // The last change of each key decides what is written.
    const last = new Map<string, CacheEvent>();
    for (const { event } of batch)
      last.set(`${event.resource}|${keyOf(event.object.metadata.namespace, event.object.metadata.name)}`, event);
    const puts: StoredObject[] = [];
    const deletes: ObjectBatch['deletes'] = [];
    for (const e of last.values()) {
      const m = e.object.metadata;
      if (e.type === 'DELETED') deletes.push({ resource: e.resource, namespace: m.namespace ?? '', name: m.name });
      else
        puts.push({
          resource: e.resource,
          namespace: m.namespace ?? '',
          name: m.name,
          uid: m.uid,
          resourceVersion: e.resourceVersion,
          data: JSON.stringify(e.object),
        });
    }
    const resourceVersion = batch[batch.length - 1].event.resourceVersion;
    this.flushing = this.options
      .persist({ puts, deletes, resourceVersion })
      .then(
        () => {
          const previous = this.announcedRv;
          const committedAt = Date.now();
          for (const p of batch) {
            p.event.committedAt = committedAt;
            this.announce(p.event);
          }
          for (const p of batch) p.resolve();
          for (const fn of this.commitListeners) {
            try {
              fn(
                batch.map((p) => p.event),
                previous,
              );
            } catch {
              // replication trouble must not fail the writers
            }
          }
        },
        (err: unknown) => {
          this.commitFailures++;
          this.options.onCommitError?.(err);
          // Undo newest first so each key returns to its state before the batch.
          for (const { event } of [...batch].reverse()) this.revert(event);
          const error = err instanceof Error ? err : new Error(String(err));
          for (const p of batch) p.reject(error);
        },
      )
      .finally(() => {
        this.flushing = null;
        if (this.pending.length) this.schedule();
      });
    return this.flushing;
  }

  private revert(event: CacheEvent) {
    const bucket = this.bucket(event.resource);
    const key = keyOf(event.object.metadata.namespace, event.object.metadata.name);
    if (event.previous) bucket.set(key, event.previous);
    else bucket.delete(key);
    if (this.appliedListeners.size)
      this.applied(event.resource, event.object.metadata.namespace, event.object.metadata.name);
  }

  private announce(event: CacheEvent) {
    const size = this.options.historySize;
    if (this.history.length < size) this.history.push(event);
    else {
      const dropped = this.history[this.historyStart];
      this.history[this.historyStart] = event;
      this.historyStart = (this.historyStart + 1) % size;
      this.compactedThrough = dropped.resourceVersion;
    }
    this.announcedRv = event.resourceVersion;
    this.notify(event);
  }

  private notify(event: CacheEvent) {
    for (const l of this.listeners) {
      try {
        l.fn(event);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  private *historyEvents(): Generator<CacheEvent> {
    for (let i = 0; i < this.history.length; i++) yield this.history[(this.historyStart + i) % this.history.length];
  }
}

/**
 * One resource's objects by key, remembering its keys in list order. Keys added or removed since the last list
 * are merged in at the next one: while pods are being created by the thousand, a list of 150,000 pods is a pass
 * over the kept order plus a binary search per new key, not a sort of everything (which took a third of the
 * leader's time at 60,000 pods when a client polled the pod list).
 */
class Bucket extends Map<string, KubeObject> {
  private sorted: string[] | null = null;
  /** Keys added since `sorted` was made (not in it). */
  private added = new Set<string>();
  /** Keys deleted since `sorted` was made (still in it). */
  private removed = new Set<string>();

  override set(key: string, value: KubeObject): this {
    // A key's place depends only on its namespace and name, so a re-added key keeps the place it had.
    if (this.sorted && !super.has(key) && !this.removed.delete(key)) this.added.add(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const deleted = super.delete(key);
    if (deleted && this.sorted && !this.added.delete(key)) this.removed.add(key);
    return deleted;
  }

  override clear(): void {
    this.reset(null);
    super.clear();
  }

  sortedKeys(): string[] {
    if (!this.sorted || this.added.size > this.sorted.length / 4) return this.reset(this.fullSort());
    if (!this.added.size && !this.removed.size) return this.sorted;
    const removed = this.removed;
    const base = removed.size ? this.sorted.filter((key) => !removed.has(key)) : this.sorted;
    if (!this.added.size) return this.reset(base);
    const objectOf = (key: string) => super.get(key) as KubeObject;
    const added = [...this.added].sort((a, b) => compareKeys(objectOf(a), objectOf(b)));
    const merged: string[] = [];
    let i = 0;
    for (const key of added) {
      const object = objectOf(key);
      let lo = i;
      let hi = base.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareKeys(objectOf(base[mid]), object) < 0) lo = mid + 1;
        else hi = mid;
      }
      while (i < lo) merged.push(base[i++]);
      merged.push(key);
    }
    while (i < base.length) merged.push(base[i++]);
    return this.reset(merged);
  }

  private fullSort(): string[] {
    return [...super.entries()].sort(([, a], [, b]) => compareKeys(a, b)).map(([key]) => key);
  }

  /** Makes `sorted` the kept order (never changed in place: a caller may still hold the previous one). */
  private reset<T extends string[] | null>(sorted: T): T {
    this.sorted = sorted;
    this.added.clear();
    this.removed.clear();
    return sorted;
  }
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
