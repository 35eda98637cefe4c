import type { ObjectApi, OrchestratorHooks } from '../apiserver/object-api.ts';
import type { EventRecorder, EventType } from '../apiserver/events.ts';
import { clone, nextVersion, type KubeObject } from '../apimachinery/meta.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// What a node agent needs from the cluster. In-process agents use the
// orchestrator directly; the standalone `nko` uses the HTTP API (http-backend.ts).

export type PodEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: any };

export interface NodeBackend {
  /** The latest known version of a pod (from a local informer for remote agents). */
  getPod(namespace: string, name: string): any | undefined;
  listPods(): any[];
  /** Calls `fn` for every pod change after the current list. */
  watchPods(fn: (e: PodEvent) => void): () => void;
  /** Creates the Node, or updates its labels, spec and status if it exists. */
  upsertNode(body: any): Promise<void>;
  getNode(name: string): Promise<any | undefined>;
  setNodeStatus(name: string, status: any): Promise<void>;
  /** Creates or renews the node's Lease in kube-node-lease. */
  renewLease(name: string, renewTime: string): Promise<void>;
  setPodStatus(pod: any, status: any): Promise<void>;
  /** Removes a pod whose containers have stopped (the end of a graceful deletion). */
  removePod(pod: any): Promise<void>;
  recordEvent(object: KubeObject, type: EventType, reason: string, message: string, host: string): void;
  /** In-process only: lets the API ask the fleet about nodes and logs. */
  setHooks?(hooks: OrchestratorHooks): void;
}

const PODS = typeByKey('pods');
const NODES = typeByKey('nodes');
const LEASES = typeByKey('leases.coordination.k8s.io');
const LEASE_NS = 'kube-node-lease';

export function inProcessBackend(api: ObjectApi, events: EventRecorder): NodeBackend {
  return {
    getPod: (ns, name) => api.peek(PODS, ns, name),
    listPods: () => api.cache.list(PODS.key).items,
    watchPods: (fn) => api.cache.watch({ resource: PODS.key }, api.cache.resourceVersion, (e) => fn({ type: e.type, pod: e.object })),
    upsertNode: async (body) => {
      const existing = api.peek(NODES, undefined, body.metadata.name) as any;
      if (!existing) {
        await api.create(NODES, undefined, body);
        return;
      }
      const next = clone(existing);
      next.metadata.labels = { ...next.metadata.labels, ...body.metadata.labels };
      next.spec = { ...next.spec, ...body.spec, taints: existing.spec?.taints ?? body.spec?.taints };
      next.status = body.status;
      await api.commit(NODES, next);
    },
    getNode: async (name) => api.peek(NODES, undefined, name),
    setNodeStatus: async (name, status) => {
      const current = api.peek(NODES, undefined, name);
      if (current) await api.commit(NODES, nextVersion(current, { status }));
    },
    renewLease: async (name, renewTime) => {
      const lease = api.peek(LEASES, LEASE_NS, name) as any;
      if (!lease) await api.create(LEASES, LEASE_NS, { metadata: { name, namespace: LEASE_NS }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime } });
      else await api.commit(LEASES, nextVersion(lease, { spec: { ...lease.spec, holderIdentity: name, renewTime } }));
    },
    setPodStatus: async (pod, status) => {
      const current = api.peek(PODS, pod.metadata.namespace, pod.metadata.name);
      if (!current || current.metadata.uid !== pod.metadata.uid) return;
      await api.commit(PODS, nextVersion(current, { status }));
    },
    removePod: async (pod) => {
      try {
        await api.remove(PODS, pod);
      } catch (err) {
        if (!isApiError(err)) throw err;
      }
    },
    recordEvent: (object, type, reason, message, host) => events.record(object, type, reason, message, 'kubelet', host),
    setHooks: (hooks) => api.setHooks(hooks),
  };
}
