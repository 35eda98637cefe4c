import { randomBytes } from 'node:crypto';
import type { ObjectApi } from './object-api.ts';
import type { Event } from '../apimachinery/generated/kinds.ts';
import { clone, timestamp, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored } from '../apimachinery/object.ts';
import { apiVersionOf, typeByKey, typeByKind } from '../apimachinery/registry.ts';

// Records core/v1 Events the way Kubernetes components do, folding repeats of
// the same event on the same object into one with a growing count.

export type EventType = 'Normal' | 'Warning';

const eventsType = typeByKey('events');
const REPEAT_WINDOW_MS = 10 * 60 * 1000;

// Event names end in 8 random bytes as hex, drawn from a pool: one call for random bytes per event was a
// visible part of recording one per scheduled pod.
let pool = Buffer.alloc(0);
let drawn = 0;
function randomHex8(): string {
  if (drawn + 8 > pool.length) {
    pool = randomBytes(4096);
    drawn = 0;
  }
  drawn += 8;
  return pool.toString('hex', drawn - 8, drawn);
}

export class EventRecorder {
  private recent = new Map<string, { namespace: string; name: string; at: number }>();
  // A global budget, like Kubernetes' event spam filter: past it, events are
  // dropped (and counted) rather than slowing the cluster down.
  private tokens: number;
  private refilledAt = Date.now();
  dropped = 0;

  constructor(
    private api: ObjectApi,
    private onError: (err: unknown) => void = () => {},
    private budget = { qps: 200, burst: 2000 },
  ) {
    this.tokens = budget.burst;
  }

  /** Records an event; never throws (events are best effort, as in Kubernetes). */
  record(
    object: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    component = 'entroos-controller-manager',
    host?: string,
  ): void {
    const now = Date.now();
    this.tokens = Math.min(this.budget.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.budget.qps);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.dropped++;
      return;
    }
    this.tokens--;
    void this.write(object, type, reason, message, component, host).catch(this.onError);
  }

  private async write(
    object: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    component: string,
    host?: string,
  ) {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${object.metadata.uid}|${type}|${reason}|${message}`;
    const now = new Date();
    const seen = this.recent.get(key);
    if (seen && now.getTime() - seen.at < REPEAT_WINDOW_MS) {
      const existing = this.api.peek(eventsType, seen.namespace, seen.name) as Stored<Event> | undefined;
      if (existing) {
        seen.at = now.getTime();
        await this.api.commit(eventsType, {
          ...clone(existing),
          count: (existing.count ?? 1) + 1,
          lastTimestamp: timestamp(now),
        });
        return;
      }
    }
    const kindType = typeByKind(String(object.kind ?? ''));
    const name = `${object.metadata.name}.${randomHex8()}`;
    if (!this.api.peek(typeByKey('namespaces'), undefined, namespace)) return;
    await this.api.create(eventsType, namespace, {
      metadata: { name, namespace },
      involvedObject: {
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        apiVersion: kindType ? apiVersionOf(kindType) : object.apiVersion,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component, ...(host ? { host } : {}) },
      firstTimestamp: timestamp(now),
      lastTimestamp: timestamp(now),
      count: 1,
      type,
      reportingComponent: component,
      reportingInstance: host ?? '',
    });
    this.recent.set(key, { namespace, name, at: now.getTime() });
    if (this.recent.size > 50_000) this.recent.delete(this.recent.keys().next().value as string);
  }
}
