import type { CacheEvent, KubeObject, WatchEventType } from '../store/index.ts';

// One socket subscription's waiting changes. Changes to the same object
// within the coalescing window merge into one (the client keys objects by
// namespace/name, so it ends in the same state); the buffer is bounded by
// the number of distinct objects waiting, and overflowing it means resync.

export interface PendingChange {
  type: WatchEventType;
  object: KubeObject;
  /** When the first merged change was committed (ms since the epoch). */
  committedAt?: number;
}

export interface Drained {
  changes: PendingChange[];
  /** The newest resourceVersion this subscription has seen (resume point). */
  resourceVersion: number;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** What a pending change and a newer change to the same object add up to (null: nothing to send). */
export function coalesce(first: WatchEventType, next: WatchEventType): WatchEventType | null {
  if (next === 'DELETED') return first === 'ADDED' ? null : 'DELETED';
  if (first === 'ADDED') return 'ADDED';
  if (first === 'DELETED') return 'MODIFIED'; // deleted and created again: the client replaces what it has
  return next;
}

export class PendingChanges {
  private pending = new Map<string, PendingChange>();
  private rv: number;
  /** Changes merged into another (for metrics). */
  coalesced = 0;

  constructor(
    from: number,
    private limit: number,
  ) {
    this.rv = from;
  }

  get size(): number {
    return this.pending.size;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Adds a change as the subscriber sees it; false when the buffer is full (the subscriber must resync). */
  offer(type: WatchEventType, event: CacheEvent): boolean {
    this.rv = Math.max(this.rv, event.resourceVersion);
    const key = keyOf(event.object);
    const waiting = this.pending.get(key);
    if (waiting) {
      this.coalesced++;
      const merged = coalesce(waiting.type, type);
      this.pending.delete(key); // re-inserted last: the batch stays in resourceVersion order
      if (merged) this.pending.set(key, { type: merged, object: event.object, committedAt: waiting.committedAt });
      return true;
    }
    if (this.pending.size >= this.limit) return false;
    this.pending.set(key, { type, object: event.object, committedAt: event.committedAt });
    return true;
  }

  /** Advances the resume point without a change (an event outside the selection). */
  seen(resourceVersion: number): void {
    this.rv = Math.max(this.rv, resourceVersion);
  }

  drain(): Drained {
    const changes = [...this.pending.values()];
    this.pending.clear();
    return { changes, resourceVersion: this.rv };
  }
}
