import type { Deployment, Event, Node, Pod } from '../apimachinery/generated/kinds.ts';
import type { Stored } from '../apimachinery/object.ts';
import type { ObjectApi } from './object-api.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { milliCpu, parseQuantity } from '../apimachinery/quantity.ts';

// A snapshot of the cluster for the dashboard's overview page.

export interface ClusterOverview {
  nodes: { total: number; ready: number; cordoned: number };
  pods: Record<string, number>;
  deployments: { total: number; available: number };
  capacity: { cpuMilli: number; memoryBytes: number };
  requested: { cpuMilli: number; memoryBytes: number };
  entropy: number | null;
  /** As the events have them: type, reason, message and time are optional in core/v1 Events. */
  events: { type?: string; reason?: string; object: string; message?: string; at?: string }[];
}

// A pod version's requests, parsed once: the counts read a version again when the next one replaces it.
const requestsOf = new WeakMap<object, { cpuMilli: number; memoryBytes: number }>();
function podRequests(p: Stored<Pod>) {
  let r = requestsOf.get(p);
  if (!r) {
    r = { cpuMilli: 0, memoryBytes: 0 };
    for (const c of p.spec?.containers ?? []) {
      r.cpuMilli += milliCpu(c.resources?.requests?.cpu ?? 0) || 0;
      r.memoryBytes += parseQuantity(c.resources?.requests?.memory ?? 0) || 0;
    }
    requestsOf.set(p, r);
  }
  return r;
}

/** What one pod adds to the overview: its phase, and its requests while it holds them on a node (else 0). */
export function podShare(p: Stored<Pod>): { phase: string; cpuMilli: number; memoryBytes: number } {
  const phase = p.status?.phase ?? 'Pending';
  if (!p.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return { phase, cpuMilli: 0, memoryBytes: 0 };
  const r = podRequests(p);
  return { phase, cpuMilli: r.cpuMilli, memoryBytes: r.memoryBytes };
}

/** What one node adds to the overview. */
export function nodeShare(n: Stored<Node>) {
  return {
    ready: !!n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    cordoned: !!n.spec?.unschedulable,
    cpuMilli: milliCpu(n.status?.allocatable?.cpu ?? 0) || 0,
    memoryBytes: parseQuantity(n.status?.allocatable?.memory ?? 0) || 0,
  };
}

export const deploymentAvailable = (d: Stored<Deployment>) =>
  (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1);

/** The `n` latest events, without sorting them all (an hour of events can be hundreds of thousands). */
function latestEvents(events: Stored<Event>[], n: number): Stored<Event>[] {
  const at = (e: Stored<Event>) => String(e.lastTimestamp ?? '');
  const top: Stored<Event>[] = [];
  for (const e of events) {
    if (top.length === n && at(e) <= at(top[n - 1])) continue;
    let i = top.length;
    while (i > 0 && at(top[i - 1]) < at(e)) i--;
    top.splice(i, 0, e);
    if (top.length > n) top.pop();
  }
  return top;
}

/** `clusterEntropy` comes from the scheduler, which runs only on the leader (null elsewhere). */
export function clusterOverview(api: Pick<ObjectApi, 'cache'>, clusterEntropy: (() => number) | null): ClusterOverview {
  const nodes = api.cache.list(typeByKey('nodes').key).items as Stored<Node>[];
  const pods = api.cache.list(typeByKey('pods').key).items as Stored<Pod>[];
  const deployments = api.cache.list(typeByKey('deployments.apps').key).items as Stored<Deployment>[];
  const events = api.cache.list(typeByKey('events').key).items as Stored<Event>[];
  const phases: Record<string, number> = { Pending: 0, Running: 0, Succeeded: 0, Failed: 0 };
  const requested = { cpuMilli: 0, memoryBytes: 0 };
  for (const p of pods) {
    const share = podShare(p);
    phases[share.phase] = (phases[share.phase] ?? 0) + 1;
    requested.cpuMilli += share.cpuMilli;
    requested.memoryBytes += share.memoryBytes;
  }
  const capacity = { cpuMilli: 0, memoryBytes: 0 };
  let ready = 0;
  let cordoned = 0;
  for (const n of nodes) {
    const share = nodeShare(n);
    capacity.cpuMilli += share.cpuMilli;
    capacity.memoryBytes += share.memoryBytes;
    if (share.ready) ready++;
    if (share.cordoned) cordoned++;
  }
  const latest = latestEvents(events, 10);
  return {
    nodes: { total: nodes.length, ready, cordoned },
    pods: phases,
    deployments: { total: deployments.length, available: deployments.filter(deploymentAvailable).length },
    capacity,
    requested,
    entropy: clusterEntropy ? Math.round(clusterEntropy() * 10) / 10 : null,
    events: latest.map((e) => ({
      type: e.type,
      reason: e.reason,
      object: `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      message: e.message,
      at: e.lastTimestamp ?? e.metadata.creationTimestamp,
    })),
  };
}
