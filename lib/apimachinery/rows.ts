import type { Deployment, Event, Namespace, Node, Pod, Service } from './generated/kinds.ts';
import type { ObjectView } from './object.ts';
import { milliCpu, parseQuantity } from './quantity.ts';
import { age, nodeStatus, podStatus } from './printers.ts';

// Rows for the dashboard's tables, computed from plain objects so the server
// (first paint) and the browser (live updates) build them the same way.

export interface NodeRow {
  name: string;
  status: string;
  roles: string;
  zone: string;
  instanceType: string;
  cpuAllocatable: string;
  memoryAllocatable: string;
  cpuAllocatableMilli: number;
  memoryAllocatableBytes: number;
  cpuRequestedPct: number;
  memoryRequestedPct: number;
  pods: number;
  age: string;
  createdMs: number;
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
  /** Creation time (ms since the epoch), for sorting by age. */
  createdMs: number;
  /** status.phase (Pending when unset), for filtering: `status` is what kubectl prints, often a reason. */
  phase: string;
  /** Summed container requests, for the nodes' requested %. */
  cpuRequestMilli: number;
  memoryRequestBytes: number;
}

export interface DeploymentRow {
  namespace: string;
  name: string;
  ready: string;
  upToDate: number;
  available: number;
  images: string;
  /** The deployment's own labels, as k=v,k2=v2. */
  labels: string;
  age: string;
}

/** What the pods on each node request, from pod rows (terminated pods hold nothing). */
export function requestedByNode(
  pods: Iterable<Pick<PodRow, 'node' | 'phase' | 'cpuRequestMilli' | 'memoryRequestBytes'>>,
): Map<string, NodeRequested> {
  const perNode = new Map<string, NodeRequested>();
  for (const p of pods) {
    if (p.node === '—' || p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    let acc = perNode.get(p.node);
    if (!acc) perNode.set(p.node, (acc = { cpu: 0, memory: 0, pods: 0 }));
    acc.cpu += p.cpuRequestMilli;
    acc.memory += p.memoryRequestBytes;
    acc.pods++;
  }
  return perNode;
}

export interface NodeRequested {
  cpu: number;
  memory: number;
  pods: number;
}

export function nodeRows(
  nodes: readonly ObjectView<Node>[],
  perNode: Map<string, NodeRequested>,
  now = Date.now(),
): NodeRow[] {
  return nodes.map((n) => {
    const used = perNode.get(n.metadata.name) ?? { cpu: 0, memory: 0, pods: 0 };
    const cpu = milliCpu(n.status?.allocatable?.cpu ?? 0) || 0;
    const memory = parseQuantity(n.status?.allocatable?.memory ?? 0) || 0;
    return {
      name: n.metadata.name,
      status: nodeStatus(n),
      roles:
        Object.keys(n.metadata.labels ?? {})
          .filter((k) => k.startsWith('node-role.kubernetes.io/'))
          .map((k) => k.slice('node-role.kubernetes.io/'.length))
          .join(',') || '<none>',
      zone: n.metadata.labels?.['topology.kubernetes.io/zone'] ?? '—',
      instanceType: n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? '—',
      cpuAllocatable: String(n.status?.allocatable?.cpu ?? '—'),
      memoryAllocatable: String(n.status?.allocatable?.memory ?? '—'),
      cpuAllocatableMilli: cpu,
      memoryAllocatableBytes: memory,
      cpuRequestedPct: cpu ? Math.round((used.cpu / cpu) * 100) : 0,
      memoryRequestedPct: memory ? Math.round((used.memory / memory) * 100) : 0,
      pods: used.pods,
      age: age(n.metadata.creationTimestamp, now),
      createdMs: Date.parse(n.metadata.creationTimestamp ?? '') || 0,
    };
  });
}

export function podRow(p: ObjectView<Pod>, now = Date.now()): PodRow {
  return {
    namespace: p.metadata.namespace ?? '',
    name: p.metadata.name,
    ready: `${(p.status?.containerStatuses ?? []).filter((s) => s.ready).length}/${p.spec?.containers?.length ?? 0}`,
    status: podStatus(p),
    restarts: (p.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0),
    node: p.spec?.nodeName ?? '—',
    ip: p.status?.podIP ?? '—',
    age: age(p.metadata.creationTimestamp, now),
    createdMs: Date.parse(p.metadata.creationTimestamp ?? '') || 0,
    phase: p.status?.phase ?? 'Pending',
    ...containerRequests(p),
  };
}

function containerRequests(p: ObjectView<Pod>): { cpuRequestMilli: number; memoryRequestBytes: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of p.spec?.containers ?? []) {
    const requests = c.resources?.requests;
    if (!requests) continue;
    if (requests.cpu !== undefined) cpu += milliCpu(requests.cpu) || 0;
    if (requests.memory !== undefined) memory += parseQuantity(requests.memory) || 0;
  }
  return { cpuRequestMilli: cpu, memoryRequestBytes: memory };
}

/**
 * A pod row on the wire (`GET /apis/entroos.io/v1/rows/pods`): a tuple, in
 * this order, so 100,000 rows are ~8 MB of JSON instead of ~85 MB of pods.
 */
export const POD_ROW_COLUMNS = [
  'namespace',
  'name',
  'ready',
  'status',
  'restarts',
  'node',
  'ip',
  'createdMs',
  'phase',
  'cpuRequestMilli',
  'memoryRequestBytes',
] as const;
export type PodRowTuple = [string, string, string, string, number, string, string, number, string, number, number];

export function encodePodRow(r: PodRow): PodRowTuple {
  return [
    r.namespace,
    r.name,
    r.ready,
    r.status,
    r.restarts,
    r.node,
    r.ip,
    r.createdMs,
    r.phase,
    r.cpuRequestMilli,
    r.memoryRequestBytes,
  ];
}

/**
 * The pod's tuple straight from the pod: what `encodePodRow(podRow(p))` gives, without the row object and its
 * age text in between (the server lists 100,000 of them for a dashboard's first paint).
 */
export function podRowTuple(p: ObjectView<Pod>): PodRowTuple {
  let ready = 0;
  let restarts = 0;
  for (const s of p.status?.containerStatuses ?? []) {
    if (s.ready) ready++;
    restarts += s.restartCount ?? 0;
  }
  const { cpuRequestMilli, memoryRequestBytes } = containerRequests(p);
  return [
    p.metadata.namespace ?? '',
    p.metadata.name,
    `${ready}/${p.spec?.containers?.length ?? 0}`,
    podStatus(p),
    restarts,
    p.spec?.nodeName ?? '—',
    p.status?.podIP ?? '—',
    Date.parse(p.metadata.creationTimestamp ?? '') || 0,
    p.status?.phase ?? 'Pending',
    cpuRequestMilli,
    memoryRequestBytes,
  ];
}

/** The row from its tuple; `age` is left for the caller to compute when drawing (a stored age goes stale). */
export function decodePodRow(t: PodRowTuple): PodRow {
  return {
    namespace: t[0],
    name: t[1],
    ready: t[2],
    status: t[3],
    restarts: t[4],
    node: t[5],
    ip: t[6],
    age: '',
    createdMs: t[7],
    phase: t[8],
    cpuRequestMilli: t[9],
    memoryRequestBytes: t[10],
  };
}

/** Whether a pod's name or node contains `text` (case-insensitive; empty matches all). */
export function podMatches(p: ObjectView<Pod>, text: string | undefined): boolean {
  if (!text) return true;
  const t = text.toLowerCase();
  return p.metadata.name.toLowerCase().includes(t) || (p.spec?.nodeName ?? '').toLowerCase().includes(t);
}

export function deploymentRow(d: ObjectView<Deployment>, now = Date.now()): DeploymentRow {
  return {
    namespace: d.metadata.namespace ?? '',
    name: d.metadata.name,
    ready: `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
    upToDate: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    images: (d.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(', '),
    labels: Object.entries(d.metadata.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    age: age(d.metadata.creationTimestamp, now),
  };
}

export interface ServiceRow {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  ports: string;
  selector: string;
  age: string;
}

export function serviceRow(s: ObjectView<Service>, now = Date.now()): ServiceRow {
  return {
    namespace: s.metadata.namespace ?? '',
    name: s.metadata.name,
    type: s.spec?.type ?? 'ClusterIP',
    clusterIP: s.spec?.clusterIP ?? '—',
    ports:
      (s.spec?.ports ?? [])
        .map(
          (p) =>
            `${p.port}${p.targetPort !== undefined && p.targetPort !== p.port ? `→${p.targetPort}` : ''}/${p.protocol ?? 'TCP'}`,
        )
        .join(', ') || '—',
    selector:
      Object.entries(s.spec?.selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '—',
    age: age(s.metadata.creationTimestamp, now),
  };
}

export interface NamespaceRow {
  name: string;
  status: string;
  age: string;
}

export function namespaceRow(n: ObjectView<Namespace>, now = Date.now()): NamespaceRow {
  return { name: n.metadata.name, status: n.status?.phase ?? 'Active', age: age(n.metadata.creationTimestamp, now) };
}

export interface EventRow {
  key: string;
  namespace: string;
  name: string;
  lastSeen: string;
  /** For sorting: ms since the epoch. */
  lastSeenAt: number;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  /** The event version's resourceVersion: orders events recorded within the same second (timestamps have second precision). */
  version: number;
}

/** Newest first: by last seen, then by the order the versions were written. */
export const newestEventFirst = (a: EventRow, b: EventRow) => b.lastSeenAt - a.lastSeenAt || b.version - a.version;

export function eventRow(e: ObjectView<Event>, now = Date.now()): EventRow {
  const at = e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
  return {
    key: `${e.metadata.namespace}/${e.metadata.name}`,
    namespace: e.metadata.namespace ?? '',
    name: e.metadata.name,
    lastSeen: age(at, now),
    lastSeenAt: Date.parse(at ?? '') || 0,
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    object: `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
    message: e.message ?? '',
    count: e.count ?? 1,
    version: Number(e.metadata.resourceVersion) || 0,
  };
}

/** An event row on the wire (`GET /apis/entroos.io/v1/rows/events`); `lastSeen` is computed when drawn. */
export const EVENT_ROW_COLUMNS = [
  'namespace',
  'name',
  'lastSeenAt',
  'type',
  'reason',
  'object',
  'message',
  'count',
  'resourceVersion',
] as const;
export type EventRowTuple = [string, string, number, string, string, string, string, number, number];

export function encodeEventRow(r: EventRow): EventRowTuple {
  return [r.namespace, r.name, r.lastSeenAt, r.type, r.reason, r.object, r.message, r.count, r.version];
}

export function decodeEventRow(t: EventRowTuple): EventRow {
  return {
    key: `${t[0]}/${t[1]}`,
    namespace: t[0],
    name: t[1],
    lastSeen: '',
    lastSeenAt: t[2],
    type: t[3],
    reason: t[4],
    object: t[5],
    message: t[6],
    count: t[7],
    version: t[8],
  };
}
