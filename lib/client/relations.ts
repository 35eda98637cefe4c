import type { Deployment, Endpoints, Node, Pod, ReplicaSet, Service } from '../apimachinery/generated/kinds.ts';
import type { ObjectView } from '../apimachinery/object.ts';
import { nodeStatus, podStatus } from '../apimachinery/printers.ts';

// The relations map's graph, pure: objects in, boxes and arrows out. Deployment → ReplicaSet → Pod → Node through
// ownerReferences and spec.nodeName; Service → Endpoints → Pod through the Endpoints' targetRefs (or the Service's
// selector when it has no Endpoints). Laid out in four columns whose rows follow the pods, so each owner sits
// beside its first pod; beyond `maxPodsPerGroup` a ReplicaSet's (or an owner-less group's) pods collapse into one
// "+N more" box, so hundreds of pods stay a readable picture.

/** Deployment, ReplicaSet, Pod, Node, Service, Endpoints, "More" (folded pods), or another controller's kind. */
export type RelationKind = string;
export type RelationTone = 'ok' | 'danger' | 'muted' | 'active';

export interface RelationNode {
  id: string;
  kind: RelationKind;
  name: string;
  namespace?: string;
  /** 0: Deployment/Service, 1: ReplicaSet/Endpoints, 2: Pod, 3: Node. */
  column: number;
  row: number;
  tone: RelationTone;
  /** The state in words (never only a colour). */
  state: string;
  href?: string;
  /** The object the view is centred on. */
  current?: boolean;
}

export interface RelationEdge {
  from: string;
  to: string;
  relation: 'owns' | 'runs on' | 'selects' | 'targets';
}

export interface RelationGraph {
  nodes: RelationNode[];
  edges: RelationEdge[];
  /** How many pods were folded into "+N more" boxes. */
  collapsed: number;
}

type Meta<K> = ObjectView<K>;

export interface RelationInput {
  deployments?: readonly Meta<Deployment>[];
  replicaSets?: readonly Meta<ReplicaSet>[];
  pods: readonly Meta<Pod>[];
  services?: readonly Meta<Service>[];
  endpoints?: readonly Meta<Endpoints>[];
  nodes?: readonly Meta<Node>[];
}

export interface RelationOptions {
  /** Pods shown per ReplicaSet (or per owner-less group) before the rest fold into "+N more". */
  maxPodsPerGroup?: number;
  /** A node-centred view: that node is marked current and services only appear when they reach its pods. */
  focusNode?: string;
}

export const DEFAULT_MAX_PODS = 8;

const enc = encodeURIComponent;
const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

/** Where the generic pages list each kind the map draws: group/version/plural. */
const GENERIC: Record<string, string> = {
  Deployment: 'apps/v1/deployments',
  ReplicaSet: 'apps/v1/replicasets',
  StatefulSet: 'apps/v1/statefulsets',
  DaemonSet: 'apps/v1/daemonsets',
  Job: 'batch/v1/jobs',
  Service: 'core/v1/services',
  Endpoints: 'core/v1/endpoints',
};

/** The dashboard page of an object: pods and nodes have their own, the rest the generic object page. */
export function objectHref(kind: RelationKind, name: string, namespace?: string): string | undefined {
  if (kind === 'Pod') return `/pods/${enc(namespace ?? '')}/${enc(name)}`;
  if (kind === 'Node') return `/nodes/${enc(name)}`;
  const path = GENERIC[kind];
  return path && `/resources/${path}/${namespace ? `${enc(namespace)}/` : ''}${enc(name)}`;
}

function podTone(pod: Meta<Pod>, status: string): RelationTone {
  if (pod.metadata.deletionTimestamp) return 'muted';
  const phase = pod.status?.phase;
  if (phase === 'Failed' || /Error|BackOff|Crash|ExitCode|Signal|OOM/.test(status)) return 'danger';
  if (phase === 'Running') {
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return ready ? 'ok' : 'active';
  }
  return phase === 'Succeeded' ? 'ok' : 'muted';
}

function replicasTone(ready: number, wanted: number): RelationTone {
  if (wanted === 0) return 'muted';
  return ready >= wanted ? 'ok' : ready > 0 ? 'active' : 'danger';
}

const controllerOf = (meta: { ownerReferences?: { kind: string; name: string; controller?: boolean }[] }) =>
  meta.ownerReferences?.find((o) => o.controller) ?? meta.ownerReferences?.[0];

const byName = <T extends { metadata: { name: string; namespace?: string } }>(a: T, b: T) =>
  key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name), undefined, {
    numeric: true,
  });

/** Rows taken in one column: a box asks for a row and gets the first free one at or below it. */
class Column {
  private taken = new Set<number>();
  place(wanted: number): number {
    let row = Math.max(0, wanted);
    while (this.taken.has(row)) row++;
    this.taken.add(row);
    return row;
  }
}

export function buildRelations(input: RelationInput, options: RelationOptions = {}): RelationGraph {
  const max = Math.max(1, options.maxPodsPerGroup ?? DEFAULT_MAX_PODS);
  const nodes: RelationNode[] = [];
  const edges: RelationEdge[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (from: string, to: string, relation: RelationEdge['relation']) => {
    const k = `${from}→${to}`;
    if (from === to || edgeKeys.has(k)) return;
    edgeKeys.add(k);
    edges.push({ from, to, relation });
  };
  const columns = [new Column(), new Column(), new Column(), new Column()];
  const pods = [...input.pods].sort(byName);
  const replicaSets = new Map((input.replicaSets ?? []).map((r) => [key(r.metadata.namespace, r.metadata.name), r]));
  const deployments = new Map((input.deployments ?? []).map((d) => [key(d.metadata.namespace, d.metadata.name), d]));
  const clusterNodes = new Map((input.nodes ?? []).map((n) => [n.metadata.name, n]));

  // Pods grouped by their ReplicaSet (or other controller); groups ordered by their Deployment, then name.
  interface Group {
    id: string;
    namespace?: string;
    owner?: { kind: string; name: string };
    pods: Meta<Pod>[];
  }
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    const owner = controllerOf(pod.metadata);
    const id = owner ? `${owner.kind}:${key(pod.metadata.namespace, owner.name)}` : `none:${pod.metadata.namespace}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { id, namespace: pod.metadata.namespace, owner, pods: [] }));
    group.pods.push(pod);
  }
  // ReplicaSets of a Deployment that still have pods wanted show even while they have none (a rollout starting).
  for (const rs of replicaSets.values()) {
    const id = `ReplicaSet:${key(rs.metadata.namespace, rs.metadata.name)}`;
    if (!groups.has(id) && (rs.spec?.replicas ?? 0) > 0 && !options.focusNode)
      groups.set(id, {
        id,
        namespace: rs.metadata.namespace,
        owner: { kind: 'ReplicaSet', name: rs.metadata.name },
        pods: [],
      });
  }
  const deploymentOf = (group: Group): string | undefined => {
    if (group.owner?.kind !== 'ReplicaSet') return undefined;
    const rs = replicaSets.get(key(group.namespace, group.owner.name));
    const owner = rs && controllerOf(rs.metadata);
    return owner?.kind === 'Deployment' ? owner.name : undefined;
  };
  const sortKey = (g: Group) =>
    `${g.namespace ?? ''}\u0000${deploymentOf(g) ?? g.owner?.name ?? '\uffff'}\u0000${g.owner?.name ?? ''}`;
  const ordered = [...groups.values()].sort((a, b) =>
    sortKey(a).localeCompare(sortKey(b), undefined, { numeric: true }),
  );

  const podBox = new Map<string, string>(); // pod key → the box that stands for it (its own or "+N more")
  const placedNodes = new Map<string, string>();
  const ownerBoxes = new Map<string, string>();
  let collapsed = 0;
  let nextPodRow = 0;

  const nodeBox = (name: string, wanted: number): string => {
    const existing = placedNodes.get(name);
    if (existing) return existing;
    const id = `Node:${name}`;
    const node = clusterNodes.get(name);
    const status = node ? nodeStatus(node) : 'Node';
    nodes.push({
      id,
      kind: 'Node',
      name,
      column: 3,
      row: columns[3].place(wanted),
      tone: !node ? 'muted' : status.startsWith('Ready') ? (node.spec?.unschedulable ? 'active' : 'ok') : 'danger',
      state: node ? status : 'not listed',
      href: objectHref('Node', name),
      current: options.focusNode === name,
    });
    placedNodes.set(name, id);
    return id;
  };

  for (const group of ordered) {
    const firstRow = nextPodRow;
    const shown = group.pods.slice(0, group.pods.length > max ? max - 1 : max);
    const rest = group.pods.slice(shown.length);
    const boxes: string[] = [];
    for (const pod of shown) {
      const { name, namespace } = pod.metadata;
      const id = `Pod:${key(namespace, name)}`;
      const status = podStatus(pod);
      nodes.push({
        id,
        kind: 'Pod',
        name,
        namespace,
        column: 2,
        row: columns[2].place(nextPodRow++),
        tone: podTone(pod, status),
        state: status,
        href: objectHref('Pod', name, namespace),
      });
      podBox.set(key(namespace, name), id);
      boxes.push(id);
      if (pod.spec?.nodeName) addEdge(id, nodeBox(pod.spec.nodeName, nodes[nodes.length - 1].row), 'runs on');
    }
    if (rest.length) {
      const id = `More:${group.id}`;
      const row = columns[2].place(nextPodRow++);
      collapsed += rest.length;
      const ownerName = group.owner?.name;
      nodes.push({
        id,
        kind: 'More',
        name: `+${rest.length} more`,
        namespace: group.namespace,
        column: 2,
        row,
        tone: 'muted',
        state: `${rest.length} more pods${ownerName ? ` of ${ownerName}` : ''}`,
        href: `/pods?${new URLSearchParams({ namespace: group.namespace ?? '', ...(ownerName ? { q: ownerName } : {}) })}`,
      });
      boxes.push(id);
      for (const pod of rest) {
        podBox.set(key(pod.metadata.namespace, pod.metadata.name), id);
        if (pod.spec?.nodeName) addEdge(id, nodeBox(pod.spec.nodeName, row), 'runs on');
      }
    }
    if (!group.owner) continue;
    // The owner box beside the group's first pod.
    const ownerKind = group.owner.kind;
    const ownerId = `${ownerKind}:${key(group.namespace, group.owner.name)}`;
    if (!ownerBoxes.has(ownerId)) {
      const rs = ownerKind === 'ReplicaSet' ? replicaSets.get(key(group.namespace, group.owner.name)) : undefined;
      const wanted = rs?.spec?.replicas ?? group.pods.length;
      const ready = rs
        ? (rs.status?.readyReplicas ?? 0)
        : group.pods.filter((p) => p.status?.phase === 'Running').length;
      // Another controller (a Job, a StatefulSet, a DaemonSet) is drawn in the ReplicaSet column, named by its kind.
      nodes.push({
        id: ownerId,
        kind: ownerKind,
        name: group.owner.name,
        namespace: group.namespace,
        column: 1,
        row: columns[1].place(firstRow),
        tone: replicasTone(ready, wanted),
        state: rs || ownerKind === 'ReplicaSet' ? `${ready}/${wanted} ready` : `${group.pods.length} pods`,
        href: objectHref(ownerKind, group.owner.name, group.namespace),
      });
      ownerBoxes.set(ownerId, ownerId);
    }
    for (const box of boxes) addEdge(ownerId, box, 'owns');
    const deploymentName = deploymentOf(group);
    if (!deploymentName) continue;
    const deploymentId = `Deployment:${key(group.namespace, deploymentName)}`;
    if (!ownerBoxes.has(deploymentId)) {
      const d = deployments.get(key(group.namespace, deploymentName));
      const wanted = d?.spec?.replicas ?? 1;
      const ready = d?.status?.readyReplicas ?? 0;
      nodes.push({
        id: deploymentId,
        kind: 'Deployment',
        name: deploymentName,
        namespace: group.namespace,
        column: 0,
        row: columns[0].place(firstRow),
        tone: d ? replicasTone(ready, wanted) : 'muted',
        state: d ? `${ready}/${wanted} ready` : 'not listed',
        href: objectHref('Deployment', deploymentName, group.namespace),
      });
      ownerBoxes.set(deploymentId, deploymentId);
    }
    addEdge(deploymentId, ownerId, 'owns');
  }

  // Deployments with no ReplicaSet yet (or scaled to nothing) still show, after the rest.
  if (!options.focusNode)
    for (const d of [...deployments.values()].sort(byName)) {
      const id = `Deployment:${key(d.metadata.namespace, d.metadata.name)}`;
      if (ownerBoxes.has(id)) continue;
      nodes.push({
        id,
        kind: 'Deployment',
        name: d.metadata.name,
        namespace: d.metadata.namespace,
        column: 0,
        row: columns[0].place(nextPodRow),
        tone: 'muted',
        state: `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} ready`,
        href: objectHref('Deployment', d.metadata.name, d.metadata.namespace),
      });
      ownerBoxes.set(id, id);
    }

  // Services: to their Endpoints' target pods, or (without Endpoints) to the pods their selector picks.
  const endpointsByKey = new Map((input.endpoints ?? []).map((e) => [key(e.metadata.namespace, e.metadata.name), e]));
  const rowOf = new Map(nodes.map((n) => [n.id, n.row]));
  for (const service of [...(input.services ?? [])].sort(byName)) {
    const { name, namespace } = service.metadata;
    const endpoints = endpointsByKey.get(key(namespace, name));
    const targets = new Set<string>();
    let ready = 0;
    if (endpoints) {
      for (const subset of endpoints.subsets ?? []) {
        for (const [list, isReady] of [
          [subset.addresses ?? [], true],
          [subset.notReadyAddresses ?? [], false],
        ] as const)
          for (const address of list) {
            if (isReady) ready++;
            const ref = address.targetRef;
            if (ref?.kind !== 'Pod' || !ref.name) continue;
            const box = podBox.get(key(ref.namespace ?? namespace, ref.name));
            if (box) targets.add(box);
          }
      }
    } else {
      const selector = service.spec?.selector;
      if (selector && Object.keys(selector).length)
        for (const pod of pods) {
          if (pod.metadata.namespace !== namespace) continue;
          const labels = pod.metadata.labels ?? {};
          if (Object.entries(selector).every(([k, v]) => labels[k] === v)) {
            const box = podBox.get(key(namespace, pod.metadata.name));
            if (box) targets.add(box);
          }
        }
    }
    if (options.focusNode && !targets.size) continue;
    const wanted = Math.min(...[...targets].map((t) => rowOf.get(t) ?? nextPodRow), nextPodRow);
    const serviceId = `Service:${key(namespace, name)}`;
    const type = service.spec?.type ?? 'ClusterIP';
    nodes.push({
      id: serviceId,
      kind: 'Service',
      name,
      namespace,
      column: 0,
      row: columns[0].place(wanted),
      tone: targets.size ? 'ok' : 'muted',
      state: `${type}${service.spec?.clusterIP ? ` ${service.spec.clusterIP}` : ''}`,
      href: objectHref('Service', name, namespace),
    });
    let from = serviceId;
    if (endpoints) {
      const endpointsId = `Endpoints:${key(namespace, name)}`;
      nodes.push({
        id: endpointsId,
        kind: 'Endpoints',
        name,
        namespace,
        column: 1,
        row: columns[1].place(wanted),
        tone: ready ? 'ok' : 'muted',
        state: `${ready} ready ${ready === 1 ? 'address' : 'addresses'}`,
        href: objectHref('Endpoints', name, namespace),
      });
      addEdge(serviceId, endpointsId, 'selects');
      from = endpointsId;
    }
    for (const target of targets) addEdge(from, target, endpoints ? 'targets' : 'selects');
  }

  // The centred node shows even when nothing runs on it.
  if (options.focusNode) nodeBox(options.focusNode, 0);
  return { nodes, edges, collapsed };
}
