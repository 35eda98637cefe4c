import type { ObjectApi, OrchestratorHooks } from '../apiserver/object-api.ts';
import type { EventRecorder, EventType } from '../apiserver/events.ts';
import { clone, nextVersion } from '../apimachinery/meta.ts';
import type { KubeObject, Stored } from '../apimachinery/object.ts';
import type { Lease, Node, NodeSpec, NodeStatus, Pod } from '../apimachinery/generated/kinds.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';
import type { ReportedPodStatus } from './pod-status.ts';
import type { ConfigLookup } from './container-config.ts';

// What a node agent needs from the cluster. In-process agents use the
// orchestrator directly; the standalone `nko` uses the HTTP API (http-backend.ts).

/** A pod as the API serves it: the generated kind, with the metadata every stored object has. */
export type PodObject = Stored<Pod>;
export type NodeObject = Stored<Node>;
type LeaseObject = Stored<Lease>;

/** The Node an agent registers; the server adds uid, resourceVersion and the rest of the metadata. */
export type NodeRegistration = Node & {
  metadata: { name: string; labels: Record<string, string> };
  spec: NodeSpec;
  status: NodeStatus;
};

export type PodEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: PodObject };

export interface NodeBackend {
  /** The latest known version of a pod (from a local informer for remote agents). */
  getPod(namespace: string, name: string): PodObject | undefined;
  listPods(): PodObject[];
  /** Calls `fn` for every pod change after the current list. */
  watchPods(fn: (e: PodEvent) => void): () => void;
  /** Creates the Node, or updates its labels, spec and status if it exists. */
  upsertNode(body: NodeRegistration): Promise<void>;
  getNode(name: string): Promise<NodeObject | undefined>;
  setNodeStatus(name: string, status: NodeStatus): Promise<void>;
  /** Creates or renews the node's Lease in kube-node-lease. */
  renewLease(name: string, renewTime: string): Promise<void>;
  setPodStatus(pod: PodObject, status: ReportedPodStatus): Promise<void>;
  /** Removes a pod whose containers have stopped (the end of a graceful deletion). */
  removePod(pod: PodObject): Promise<void>;
  recordEvent(object: KubeObject, type: EventType, reason: string, message: string, host: string): void;
  /**
   * The Secret or ConfigMap a container's env or volumes name: null when it does not exist, undefined while a
   * remote agent is still fetching it. Read at each container start; never logged.
   */
  lookupConfig?: ConfigLookup;
  /** In-process only: lets the API ask the fleet about nodes and logs. */
  setHooks?(hooks: OrchestratorHooks): void;
}

const PODS = typeByKey('pods');
const NODES = typeByKey('nodes');
const LEASES = typeByKey('leases.coordination.k8s.io');
const LEASE_NS = 'kube-node-lease';

// The casts below name the kind the cache holds under each resource; it stores them untyped.
export function inProcessBackend(api: ObjectApi, events: EventRecorder): NodeBackend {
  return {
    getPod: (ns, name) => api.peek(PODS, ns, name) as PodObject | undefined,
    listPods: () => api.cache.list(PODS.key).items as PodObject[],
    watchPods: (fn) =>
      api.cache.watch({ resource: PODS.key }, api.cache.resourceVersion, (e) =>
        fn({ type: e.type, pod: e.object as PodObject }),
      ),
    upsertNode: async (body) => {
      const existing = api.peek(NODES, undefined, body.metadata.name) as NodeObject | undefined;
      if (!existing) {
        await api.create(NODES, undefined, body);
        return;
      }
      const next = clone(existing);
      next.metadata.labels = { ...next.metadata.labels, ...body.metadata.labels };
      // Taints belong to whoever set them since registration (the node controller, an admin).
      next.spec = { ...next.spec, ...body.spec, taints: existing.spec?.taints ?? body.spec.taints };
      next.status = body.status;
      await api.commit(NODES, next);
    },
    getNode: async (name) => api.peek(NODES, undefined, name) as NodeObject | undefined,
    setNodeStatus: async (name, status) => {
      const current = api.peek(NODES, undefined, name);
      if (current) await api.commit(NODES, nextVersion(current, { status }));
    },
    renewLease: async (name, renewTime) => {
      const lease = api.peek(LEASES, LEASE_NS, name) as LeaseObject | undefined;
      if (!lease) {
        const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime };
        await api.create(LEASES, LEASE_NS, { metadata: { name, namespace: LEASE_NS }, spec });
      } else {
        await api.commit(LEASES, nextVersion(lease, { spec: { ...lease.spec, holderIdentity: name, renewTime } }));
      }
    },
    setPodStatus: async (pod, status) => {
      const current = api.peek(PODS, pod.metadata.namespace, pod.metadata.name);
      if (!current || current.metadata.uid !== pod.metadata.uid) return;
      await api.commit(PODS, nextVersion(current, { status }));
    },
    removePod: async (pod) => {
      // Like a DELETE with grace 0: a pod with finalizers (a Job's tracking) stays until they are removed.
      const live = api.peek(PODS, pod.metadata.namespace, pod.metadata.name) as PodObject | undefined;
      if (live?.metadata.finalizers?.length) return;
      try {
        await api.remove(PODS, pod);
      } catch (err) {
        if (!isApiError(err)) throw err;
      }
    },
    lookupConfig: (resource, namespace, name) => api.cache.get(resource, namespace, name) ?? null,
    recordEvent: (object, type, reason, message, host) => events.record(object, type, reason, message, 'kubelet', host),
    setHooks: (hooks) => api.setHooks(hooks),
  };
}
