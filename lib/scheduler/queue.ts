// The scheduling queue: an active heap ordered by priority then age, a
// backoff area (1 s doubling to 10 s per pod), and unschedulable pods parked
// until a cluster event (node added or changed, pod deleted) could help them.

import type { SchedulingPod } from './types.ts';

export interface QueuedPod {
  key: string;
  /** null once deleted from the queue (skipped when popped). */
  pod: SchedulingPod | null;
  attempts: number;
  seq: number;
  /** The heap's order (priority, then age), fixed when queued: a deleted item keeps its slot until popped. */
  priority: number;
  createdMs: number;
}

/** A queued pod as pop() hands it out: never a deleted one. */
export type PoppedPod = QueuedPod & { pod: SchedulingPod };

const before = (a: QueuedPod, b: QueuedPod) =>
  a.priority > b.priority ||
  (a.priority === b.priority && (a.createdMs < b.createdMs || (a.createdMs === b.createdMs && a.seq < b.seq)));

function orderOf(pod: SchedulingPod): { priority: number; createdMs: number } {
  return {
    priority: pod.spec?.priority ?? 0,
    createdMs: Date.parse(String(pod.metadata.creationTimestamp ?? '')) || 0,
  };
}

export class SchedulingQueue {
  private heap: QueuedPod[] = [];
  private inHeap = new Map<string, QueuedPod>();
  private backoff = new Map<string, { item: QueuedPod; until: number }>();
  private unschedulable = new Map<string, QueuedPod>();
  private seq = 0;

  constructor(
    private initialBackoffMs = 1000,
    private maxBackoffMs = 10_000,
  ) {}

  get sizes() {
    return { active: this.heap.length, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** Adds or refreshes a pod; a changed pod gets another chance at once. */
  add(key: string, pod: SchedulingPod) {
    const existing = this.inHeap.get(key);
    if (existing) {
      existing.pod = pod;
      return;
    }
    const parked = this.backoff.get(key)?.item ?? this.unschedulable.get(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.push({ key, pod, attempts: parked?.attempts ?? 0, seq: this.seq++, ...orderOf(pod) });
  }

  delete(key: string) {
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    const item = this.inHeap.get(key);
    if (item) {
      this.inHeap.delete(key);
      item.pod = null; // skipped when popped
    }
  }

  has(key: string) {
    return this.inHeap.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  pop(): PoppedPod | undefined {
    this.flushBackoff();
    while (this.heap.length) {
      const top = this.heap[0];
      const last = this.heap.pop();
      if (last && this.heap.length) {
        this.heap[0] = last;
        this.down(0);
      }
      if (top.pod === null) continue;
      this.inHeap.delete(top.key);
      return top as PoppedPod;
    }
    return undefined;
  }

  /** After a failed attempt: park until a cluster event, with backoff before the next try. */
  requeueUnschedulable(item: QueuedPod) {
    item.attempts++;
    this.unschedulable.set(item.key, item);
  }

  /** After an error (e.g. a failed bind): retry after backoff. */
  requeueBackoff(item: QueuedPod) {
    item.attempts++;
    this.backoff.set(item.key, { item, until: Date.now() + this.backoffMs(item.attempts) });
  }

  /** A cluster event might help: unschedulable pods move to backoff (or active if their backoff passed). */
  moveAllToActive() {
    const now = Date.now();
    for (const [key, item] of this.unschedulable) {
      this.unschedulable.delete(key);
      this.backoff.set(key, { item, until: now + Math.min(this.backoffMs(item.attempts), 1000) / 4 });
    }
  }

  /** Milliseconds until the next backoff expires, or undefined. */
  nextBackoffIn(): number | undefined {
    let min: number | undefined;
    for (const { until } of this.backoff.values()) min = min === undefined ? until : Math.min(min, until);
    return min === undefined ? undefined : Math.max(0, min - Date.now());
  }

  private backoffMs(attempts: number) {
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.max(0, attempts - 1));
  }

  private flushBackoff() {
    if (!this.backoff.size) return;
    const now = Date.now();
    for (const [key, { item, until }] of this.backoff) {
      if (until > now) continue;
      this.backoff.delete(key);
      this.push(item);
    }
  }

  private push(item: QueuedPod) {
    this.inHeap.set(item.key, item);
    this.heap.push(item);
    this.up(this.heap.length - 1);
  }

  private up(i: number) {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private down(i: number) {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && before(h[l], h[best])) best = l;
      if (r < h.length && before(h[r], h[best])) best = r;
      if (best === i) return;
      [h[i], h[best]] = [h[best], h[i]];
      i = best;
    }
  }
}
