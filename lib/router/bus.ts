import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Sample } from '../history/series.ts';
import type { AuditSummary } from '../audit/event.ts';

// The in-process event bus for platform events (object changes flow through
// the watch cache, which the bus does not copy). With Redis, every event
// published on one instance reaches the subscribers of every instance.

export interface PlatformEvents {
  /** The scheduler bound (or failed to place) a pod. */
  'scheduling.decision': {
    pod: string;
    uid: string;
    profile: string;
    result: 'Scheduled' | 'Unschedulable' | 'Error';
    node?: string;
    message: string;
  };
  /** An admin injected or healed a fault. */
  'node.fault': { node: string; fault: string; action: 'inject' | 'heal' };
  /** A placement proof was stored, or proving it failed. */
  'proof.ready': { id: string; namespace: string; name: string; node: string };
  'proof.failed': { namespace: string; name: string; node: string; message: string };
  /** A user's role, password or state changed, or they logged out: every instance drops its cached session user. */
  'user.changed': { userId: string };
  /** The leader changed. */
  'leader.changed': { holder: string; address: string; term: number };
  /** A cluster history sample (every 10 s, from the leader): the overview's live charts. */
  'metrics.sample': Sample;
  /** Records an instance appended to the audit trail (the newest 200 of a batch; `more` counts the rest): the live tail. */
  'audit.records': { records: AuditSummary[]; more: number };
}

export type PlatformTopic = keyof PlatformEvents;
export interface PlatformEvent<T extends PlatformTopic = PlatformTopic> {
  topic: T;
  data: PlatformEvents[T];
  /** ms since the epoch, when it was published. */
  at: number;
  /** The instance that published it. */
  origin: string;
}

type Handler = (event: PlatformEvent) => void;

export class EventBus {
  private handlers = new Map<string, Set<Handler>>();
  private publisher?: Redis;
  private subscriber?: Redis;
  private channel = '';

  constructor(readonly instance: string = randomUUID()) {}

  publish<T extends PlatformTopic>(topic: T, data: PlatformEvents[T]): void {
    const event: PlatformEvent<T> = { topic, data, at: Date.now(), origin: this.instance };
    this.deliver(event as PlatformEvent);
    if (this.publisher) void this.publisher.publish(this.channel, JSON.stringify(event)).catch(() => {});
  }

  /** Listens to one topic, or to all with '*'. Returns the unsubscribe function. */
  subscribe<T extends PlatformTopic>(topic: T | '*', handler: (event: PlatformEvent<T>) => void): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  /** Shares events with other instances through Redis (one connection publishes, one subscribes). */
  async connect(publisher: Redis, subscriber: Redis, cluster: string): Promise<void> {
    this.publisher = publisher;
    this.subscriber = subscriber;
    this.channel = `entroos:${cluster}:events`;
    await subscriber.subscribe(this.channel);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        const event = JSON.parse(message) as PlatformEvent;
        if (event.origin !== this.instance) this.deliver(event);
      } catch {
        // not ours to crash on
      }
    });
  }

  private deliver(event: PlatformEvent) {
    for (const key of [event.topic, '*']) {
      for (const handler of this.handlers.get(key) ?? []) {
        try {
          handler(event);
        } catch {
          // one handler's failure must not stop the others
        }
      }
    }
  }
}
