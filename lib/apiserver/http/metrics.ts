import { notFound } from '../../apimachinery/errors.ts';
import type { ObjectApi } from '../object-api.ts';
import type { NodeReads, UsageSnapshot } from '../node-reads.ts';
import type { Pod } from '../../apimachinery/generated/kinds.ts';
import { timestamp } from '../../apimachinery/meta.ts';
import type { KubeObject, Stored } from '../../apimachinery/object.ts';
import { typeByKey } from '../../apimachinery/registry.ts';

// metrics.k8s.io/v1beta1, as metrics-server serves it, from the simulated
// nodes' usage: `kubectl top nodes` and `kubectl top pods` read it.

export const METRICS_GROUP = 'metrics.k8s.io';
const GV = 'metrics.k8s.io/v1beta1';
const cpu = (milli: number) => `${Math.max(0, Math.round(milli * 1e6))}n`;
const memory = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

export function metricsGroup() {
  const gv = { groupVersion: GV, version: 'v1beta1' };
  return { name: METRICS_GROUP, versions: [gv], preferredVersion: gv };
}

export function metricsResourceList() {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GV,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  };
}

function nodeItem(usage: UsageSnapshot, node: KubeObject) {
  const used = usage.node(node.metadata.name);
  if (!used) return undefined;
  return {
    metadata: { name: node.metadata.name, creationTimestamp: timestamp(), labels: node.metadata.labels },
    timestamp: timestamp(),
    window: '10s',
    usage: { cpu: cpu(used.cpuMilli), memory: memory(used.memoryBytes) },
  };
}

function podItem(usage: UsageSnapshot, pod: KubeObject) {
  const containers = usage.pod(pod);
  if (!containers || (pod as Stored<Pod>).status?.phase !== 'Running') return undefined;
  return {
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      creationTimestamp: timestamp(),
      labels: pod.metadata.labels,
    },
    timestamp: timestamp(),
    window: '10s',
    containers: containers.map((c) => ({
      name: c.name,
      usage: { cpu: cpu(c.cpuMilli), memory: memory(c.memoryBytes) },
    })),
  };
}

/** Serves /apis/metrics.k8s.io/v1beta1/...; `rest` is the path after the version. */
export async function serveMetrics(api: ObjectApi, nodes: NodeReads, rest: string[]): Promise<unknown> {
  const list = (kind: string, items: unknown[]) => ({ kind, apiVersion: GV, metadata: {}, items });
  if (rest[0] === 'nodes') {
    const all = api.cache.list(typeByKey('nodes').key).items;
    const wanted = rest[1] ? all.filter((n) => n.metadata.name === rest[1]) : all;
    const usage = await nodes.usage(wanted.map((n) => n.metadata.name));
    if (rest[1]) {
      const node = wanted[0];
      const item = node && nodeItem(usage, node);
      if (!item)
        throw notFound(`nodemetrics.metrics.k8s.io "${rest[1]}" not found`, {
          name: rest[1],
          group: METRICS_GROUP,
          kind: 'nodes',
        });
      return { kind: 'NodeMetrics', apiVersion: GV, ...item };
    }
    return list('NodeMetricsList', wanted.map((n) => nodeItem(usage, n)).filter(Boolean));
  }
  const namespace = rest[0] === 'namespaces' ? rest[1] : undefined;
  const tail = namespace ? rest.slice(2) : rest;
  if (tail[0] === 'pods') {
    const all = api.cache.list(typeByKey('pods').key, namespace).items;
    const pods = tail[1] ? all.filter((p) => p.metadata.name === tail[1]) : all;
    const usage = await nodes.usage([
      ...new Set(pods.map((p) => (p as Stored<Pod>).spec?.nodeName).filter((n): n is string => Boolean(n))),
    ]);
    if (tail[1]) {
      const pod = pods[0];
      const item = pod && podItem(usage, pod);
      if (!item)
        throw notFound(`podmetrics.metrics.k8s.io "${namespace}/${tail[1]}" not found`, {
          name: tail[1],
          group: METRICS_GROUP,
          kind: 'pods',
        });
      return { kind: 'PodMetrics', apiVersion: GV, ...item };
    }
    return list('PodMetricsList', pods.map((p) => podItem(usage, p)).filter(Boolean));
  }
  throw notFound(`the server could not find the requested resource (/apis/${GV}/${rest.join('/')})`);
}
