import type { NodeBackend, NodeObject, NodeRegistration, PodEvent, PodObject } from '../../lib/kubelet/backend.ts';
import type { ReportedPodStatus } from '../../lib/kubelet/pod-status.ts';

// An in-memory cluster for the kubelet's unit tests: a NodeBackend over maps, with helpers to add and change pods
// and read what the kubelet reported.

export type Container = { name: string; image: string; [key: string]: unknown };

export function cluster() {
  const pods = new Map<string, PodObject>();
  const nodes = new Map<string, NodeRegistration>();
  const events: string[] = [];
  const leases: string[] = [];
  const removed: string[] = [];
  const listeners = new Set<(e: PodEvent) => void>();
  const key = (pod: PodObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;
  const emit = (type: PodEvent['type'], pod: PodObject) => listeners.forEach((l) => l({ type, pod }));
  let rv = 1;
  let uid = 0;
  const backend: NodeBackend = {
    getPod: (ns, name) => pods.get(`${ns}/${name}`),
    listPods: () => [...pods.values()],
    watchPods: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    upsertNode: async (body) => void nodes.set(body.metadata.name, body),
    getNode: async (name) => nodes.get(name) as NodeObject | undefined,
    setNodeStatus: async (name, status) => {
      const node = nodes.get(name);
      if (node) node.status = status;
    },
    renewLease: async (name) => void leases.push(name),
    setPodStatus: async (pod, status) => {
      const current = pods.get(key(pod));
      if (!current || current.metadata.uid !== pod.metadata.uid) return;
      const next = { ...current, status, metadata: { ...current.metadata, resourceVersion: String(rv++) } };
      pods.set(key(pod), next as PodObject);
      emit('MODIFIED', next as PodObject);
    },
    removePod: async (pod) => {
      removed.push(key(pod as PodObject));
      pods.delete(key(pod as PodObject));
      emit('DELETED', pod as PodObject);
    },
    recordEvent: (object, type, reason, message) => void events.push(`${object.metadata.name} ${reason}: ${message}`),
  };
  const add = (name: string, node: string, containers: Container[], more: Record<string, unknown> = {}) => {
    const { annotations, ...spec } = more as { annotations?: Record<string, string> };
    const pod = {
      metadata: { name, namespace: 'default', uid: `uid-${++uid}-0000`, resourceVersion: String(rv++), annotations },
      spec: { nodeName: node, containers, ...spec },
    } as PodObject;
    pods.set(key(pod), pod);
    emit('ADDED', pod);
    return pod;
  };
  const update = (name: string, change: (pod: PodObject) => void) => {
    const pod = structuredClone(pods.get(`default/${name}`) as PodObject);
    change(pod);
    pods.set(key(pod), pod);
    emit('MODIFIED', pod);
  };
  const status = (name: string) => pods.get(`default/${name}`)?.status as ReportedPodStatus | undefined;
  return { backend, nodes, events, leases, removed, add, update, status };
}
