import { age, podStatus } from './tables.ts';
import { typeByKey } from './registry.ts';
import { milliCpu, parseQuantity } from './quantity.ts';
import type { ObjectApi } from './api.ts';
import type { DecisionSummary } from '../scheduler/decisions.ts';

// Rows for the dashboard's list pages, computed on the server from the watch cache.

export interface NodeRow {
  name: string;
  status: string;
  zone: string;
  instanceType: string;
  cpuRequestedPct: number;
  memoryRequestedPct: number;
  pods: number;
  age: string;
}

export function nodeRows(api: ObjectApi): NodeRow[] {
  const pods = api.cache.list(typeByKey('pods').key).items as any[];
  const perNode = new Map<string, { cpu: number; memory: number; pods: number }>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    const acc = perNode.get(n) ?? { cpu: 0, memory: 0, pods: 0 };
    for (const c of p.spec.containers ?? []) {
      acc.cpu += milliCpu(c.resources?.requests?.cpu ?? 0) || 0;
      acc.memory += parseQuantity(c.resources?.requests?.memory ?? 0) || 0;
    }
    acc.pods++;
    perNode.set(n, acc);
  }
  return (api.cache.list(typeByKey('nodes').key).items as any[]).map((n) => {
    const ready = n.status?.conditions?.find((c: any) => c.type === 'Ready')?.status;
    const used = perNode.get(n.metadata.name) ?? { cpu: 0, memory: 0, pods: 0 };
    const cpu = milliCpu(n.status?.allocatable?.cpu ?? 0) || 0;
    const memory = parseQuantity(n.status?.allocatable?.memory ?? 0) || 0;
    return {
      name: n.metadata.name,
      status: (ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown') + (n.spec?.unschedulable ? ',SchedulingDisabled' : ''),
      zone: n.metadata.labels?.['topology.kubernetes.io/zone'] ?? '—',
      instanceType: n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? '—',
      cpuRequestedPct: cpu ? Math.round((used.cpu / cpu) * 100) : 0,
      memoryRequestedPct: memory ? Math.round((used.memory / memory) * 100) : 0,
      pods: used.pods,
      age: age(n.metadata.creationTimestamp),
    };
  });
}

export interface PodRow {
  namespace: string;
  name: string;
  ready: string;
  status: string;
  restarts: number;
  node: string;
  ip: string;
  age: string;
}

export function podRows(api: ObjectApi, filter: { namespace?: string; text?: string } = {}): PodRow[] {
  const text = filter.text?.toLowerCase();
  return (api.cache.list(typeByKey('pods').key, filter.namespace || undefined).items as any[])
    .filter((p) => !text || p.metadata.name.toLowerCase().includes(text) || (p.spec?.nodeName ?? '').includes(text))
    .map((p) => ({
      namespace: p.metadata.namespace,
      name: p.metadata.name,
      ready: `${(p.status?.containerStatuses ?? []).filter((s: any) => s.ready).length}/${p.spec?.containers?.length ?? 0}`,
      status: podStatus(p),
      restarts: (p.status?.containerStatuses ?? []).reduce((n: number, s: any) => n + (s.restartCount ?? 0), 0),
      node: p.spec?.nodeName ?? '—',
      ip: p.status?.podIP ?? '—',
      age: age(p.metadata.creationTimestamp),
    }));
}

export interface DeploymentRow {
  namespace: string;
  name: string;
  ready: string;
  upToDate: number;
  available: number;
  images: string;
  age: string;
}

export function deploymentRows(api: ObjectApi): DeploymentRow[] {
  return (api.cache.list(typeByKey('deployments.apps').key).items as any[]).map((d) => ({
    namespace: d.metadata.namespace,
    name: d.metadata.name,
    ready: `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
    upToDate: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    images: (d.spec?.template?.spec?.containers ?? []).map((c: any) => c.image).join(', '),
    age: age(d.metadata.creationTimestamp),
  }));
}

export interface PodDetail extends PodRow {
  qos: string;
  containers: { name: string; image: string; state: string; ready: boolean; restarts: number; lastTermination?: string }[];
  events: { type: string; reason: string; count: number; message: string }[];
  decision?: DecisionSummary;
  logs?: string;
}

function stateText(state: any): string {
  if (state?.running) return `Running since ${state.running.startedAt}`;
  if (state?.waiting) return `Waiting: ${state.waiting.reason}${state.waiting.message ? ` (${state.waiting.message})` : ''}`;
  if (state?.terminated) return `Terminated: ${state.terminated.reason} (exit ${state.terminated.exitCode})`;
  return 'Waiting';
}

/** Everything the pod page shows: summary, containers, events, scheduling decision and the first container's logs. */
export function podDetail(api: ObjectApi, namespace: string, name: string, decision?: DecisionSummary): PodDetail | undefined {
  const pod = api.peek(typeByKey('pods'), namespace, name) as any;
  if (!pod) return undefined;
  const row = podRows(api, { namespace, text: name }).find((r) => r.name === name)!;
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  const events = (api.cache.list(typeByKey('events').key, namespace).items as any[])
    .filter((e) => e.involvedObject?.uid === pod.metadata.uid)
    .sort((a, b) => String(a.lastTimestamp ?? '').localeCompare(String(b.lastTimestamp ?? '')));
  const first = pod.spec?.containers?.[0]?.name;
  return {
    ...row,
    qos: pod.status?.qosClass ?? '—',
    containers: (pod.spec?.containers ?? []).map((c: any) => {
      const s = statuses.find((x) => x.name === c.name);
      const last = s?.lastState?.terminated;
      return { name: c.name, image: c.image, state: stateText(s?.state), ready: !!s?.ready, restarts: s?.restartCount ?? 0, lastTermination: last ? `${last.reason} (exit ${last.exitCode}) at ${last.finishedAt}` : undefined };
    }),
    events: events.map((e) => ({ type: e.type, reason: e.reason, count: e.count ?? 1, message: e.message })),
    decision,
    logs: first ? api.podLogs(pod, first, { tailLines: 200 }) : undefined,
  };
}
