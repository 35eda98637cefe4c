import type { ControllerContext } from './context.ts';
import type { Lease, Node, NodeCondition, Pod } from '../apimachinery/generated/kinds.ts';
import { clone, timestamp } from '../apimachinery/meta.ts';
import type { Stored, StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// Watches node heartbeats (Leases in kube-node-lease). A node whose lease is
// not renewed within the grace period turns Ready=Unknown and is tainted
// unreachable, and its pods stop being Ready (so Services stop sending them
// traffic); they are evicted when their toleration of that taint runs out, so
// their controllers recreate them elsewhere. A renewed lease lifts it (the
// node's agent reports its pods Ready again). As upstream's TaintNodesByCondition,
// a cordoned node (spec.unschedulable) carries the unschedulable taint.

const NODES = typeByKey('nodes');
const LEASES = typeByKey('leases.coordination.k8s.io');
const PODS = typeByKey('pods');
export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

type NodeObject = StoredWithSpec<Node>;

export function startNodeLifecycleController(ctx: ControllerContext, graceSeconds: number) {
  const { api, events, log } = ctx;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const now = Date.now();
      // Most passes find nothing to do on any node: deciding that without an await per node keeps a pass over
      // 10,000 healthy nodes (every 5 s) from costing 10,000 promises.
      for (const node of api.cache.list(NODES.key).items as NodeObject[])
        if (needsCheck(node, now)) await check(node, now);
    } catch (err) {
      log.warn({ err }, 'node lifecycle check failed');
    } finally {
      running = false;
    }
  };

  const heartbeatOf = (node: NodeObject) => {
    const lease = api.peek(LEASES, 'kube-node-lease', node.metadata.name) as Stored<Lease> | undefined;
    return { lease, at: Date.parse(lease?.spec?.renewTime ?? node.metadata.creationTimestamp ?? '') };
  };

  /** Whether check() would change anything: a cordon out of step with its taint, a stale lease, or a lifted one. */
  function needsCheck(node: NodeObject, now: number): boolean {
    const taints = node.spec?.taints ?? [];
    if (!!node.spec?.unschedulable !== taints.some((t) => t.key === UNSCHEDULABLE)) return true;
    const stale = now - heartbeatOf(node).at > graceSeconds * 1000;
    return stale || taints.some((t) => t.key === UNREACHABLE);
  }

  async function check(node: NodeObject, now: number) {
    const cordoned = !!node.spec?.unschedulable;
    if (cordoned !== (node.spec?.taints ?? []).some((t) => t.key === UNSCHEDULABLE)) {
      const next = clone(node);
      const others = (next.spec.taints ?? []).filter((t) => t.key !== UNSCHEDULABLE);
      next.spec.taints = cordoned
        ? [...others, { key: UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: timestamp() }]
        : others;
      if (!next.spec.taints.length) delete next.spec.taints;
      node = (await api.commit(NODES, next)) as NodeObject;
    }
    const { lease, at: heartbeat } = heartbeatOf(node);
    const stale = now - heartbeat > graceSeconds * 1000;
    const taints = node.spec?.taints ?? [];
    const tainted = taints.some((t) => t.key === UNREACHABLE);
    if (stale && !tainted) {
      const next = clone(node);
      const at = timestamp();
      next.spec = {
        ...next.spec,
        taints: [
          ...taints,
          { key: UNREACHABLE, effect: 'NoSchedule', timeAdded: at },
          { key: UNREACHABLE, effect: 'NoExecute', timeAdded: at },
        ],
      };
      // lastHeartbeatTime is null when the node never renewed its lease (the generated type has no null).
      const conditions: unknown[] = (next.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
      conditions.push({
        type: 'Ready',
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastHeartbeatTime: lease?.spec?.renewTime ?? null,
        lastTransitionTime: at,
      });
      next.status = { ...next.status, conditions: conditions as NodeCondition[] };
      await api.commit(NODES, next);
      events.record(
        next,
        'Normal',
        'NodeNotReady',
        `Node ${node.metadata.name} status is now: NodeNotReady`,
        'node-controller',
      );
      await markPodsNotReady(node.metadata.name, at);
      return;
    }
    if (!stale && tainted) {
      const next = clone(node);
      next.spec.taints = taints.filter((t) => t.key !== UNREACHABLE);
      if (!next.spec.taints.length) delete next.spec.taints;
      await api.commit(NODES, next);
      return;
    }
    if (stale) await evict(node, now);
  }

  /** Upstream's MarkPodsNotReady: the node cannot vouch for its pods any more. */
  async function markPodsNotReady(nodeName: string, at: string) {
    for (const pod of api.cache.list(PODS.key).items as StoredWithSpec<Pod>[]) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status !== 'True') continue;
      const next = clone(pod);
      next.status = {
        ...next.status,
        conditions: (next.status?.conditions ?? []).map((c) =>
          c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: at } : c,
        ),
      };
      try {
        await api.commit(PODS, next);
      } catch (err) {
        if (!(isApiError(err) && (err.code === 404 || err.code === 409))) throw err;
        continue; // gone or changed meanwhile: the next pass sees it again only if it is still Ready
      }
      events.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready', 'node-controller');
    }
  }

  async function evict(node: NodeObject, now: number) {
    const taint = (node.spec?.taints ?? []).find((t) => t.key === UNREACHABLE && t.effect === 'NoExecute');
    const since = Date.parse(taint?.timeAdded ?? node.metadata.creationTimestamp ?? '');
    for (const pod of api.cache.list(PODS.key).items as StoredWithSpec<Pod>[]) {
      if (pod.spec?.nodeName !== node.metadata.name) continue;
      const toleration = (pod.spec.tolerations ?? []).find(
        (t) =>
          (t.effect === 'NoExecute' || !t.effect) &&
          (t.operator === 'Exists' ? !t.key || t.key === UNREACHABLE : t.key === UNREACHABLE),
      );
      if (toleration && toleration.tolerationSeconds === undefined) continue; // tolerates forever
      const seconds = toleration?.tolerationSeconds ?? 0; // defined when there is a toleration (see above)
      if (since + seconds * 1000 > now) continue;
      events.record(
        pod,
        'Normal',
        'TaintManagerEviction',
        `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`,
        'taint-eviction-controller',
      );
      try {
        // The node's agent is gone, so nobody would finish a graceful deletion.
        await api.remove(PODS, pod);
      } catch (err) {
        if (!(isApiError(err) && err.code === 404)) throw err;
      }
    }
  }

  const every = Math.max(250, Math.min(5000, (graceSeconds * 1000) / 4));
  const timer = setInterval(() => void tick(), every);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
