import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { isAvailable, isFinished, isReady, isTerminating } from './pods.ts';
import { REVISIONS, REVISION_HASH_LABEL, syncRevisions, truncateHistory } from './revisions.ts';
import { resolveIntOrPercent } from './deployment.ts';
import { nextAvailableIn } from './min-ready.ts';
import type { DaemonSet, DaemonSetStatus, Node, Pod, PodSpec, Toleration } from '../apimachinery/generated/kinds.ts';
import { clone, controllerOf, ownerRef, randomSuffix, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored, StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';
import { termMatches, tolerates } from '../apimachinery/node-matching.ts';

// DaemonSets run one pod on every node their template fits (nodeSelector, required node affinity, taints the
// pod does not tolerate). Like upstream, each pod is pinned to its node by a required node affinity on
// metadata.name and the scheduler binds it. Nodes joining, changing or leaving are followed through the node
// watch. A RollingUpdate replaces out-of-date pods while at most maxUnavailable nodes lack an available one.

const DS = typeByKey('daemonsets.apps');
const PODS = typeByKey('pods');
const NODES = typeByKey('nodes');
const GENERATION_LABEL = 'pod-template-generation';
const COMPONENT = 'daemonset-controller';

type DaemonSetObject = StoredWithSpec<DaemonSet>;
type PodObject = Stored<Pod>;
type NodeObject = Stored<Node>;

/** The tolerations upstream adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
function daemonTolerations(spec: PodSpec): Toleration[] {
  const wanted: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork)
    wanted.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  // AddOrUpdateTolerationInPodSpec: one of the template's own that matches (key, operator, value, effect) is
  // replaced, so the template's defaulted tolerationSeconds do not make daemon pods leave an unreachable node.
  const same = (a: Toleration, b: Toleration) =>
    a.key === b.key && a.operator === b.operator && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;
  const own = (spec.tolerations ?? []).filter((t) => !wanted.some((w) => same(w, t)));
  return [...own, ...wanted];
}

/** Whether a daemon pod should be placed on the node, and whether one already there may stay (NodeShouldRunDaemonPod). */
export function nodeFit(spec: PodSpec, node: NodeObject): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  const selected = Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const affinity = !terms || terms.some((t) => termMatches(t, node));
  const named = !spec.nodeName || spec.nodeName === node.metadata.name;
  if (!selected || !affinity || !named) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(spec);
  const untolerated = (node.spec?.taints ?? []).filter((t) => !tolerations.some((tol) => tolerates(tol, t)));
  return {
    shouldRun: !untolerated.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
    shouldContinueRunning: !untolerated.some((t) => t.effect === 'NoExecute'),
  };
}

/** The node a daemon pod is for: where it is bound, or the one its affinity names while it waits for the scheduler. */
function nodeOfPod(pod: PodObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
    ?.nodeSelectorTerms ?? [])
    for (const f of term.matchFields ?? [])
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}

export function startDaemonSetController(ctx: ControllerContext) {
  const { api, events, log } = ctx;
  const pods = ctx.owners.acquire(PODS.key);
  const revisions = ctx.owners.acquire(REVISIONS.key);
  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'daemonset reconcile failed'));

  const start = api.cache.resourceVersion;
  const all = () => {
    for (const d of api.cache.list(DS.key).items) queue.add(keyOf(d));
  };
  all();
  const unsubscribeDs = api.cache.watch({ resource: DS.key }, start, (e) => queue.add(keyOf(e.object)));
  const unsubscribePods = api.cache.watch({ resource: PODS.key }, start, (e) => {
    const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
    if (owner?.kind === 'DaemonSet') queue.add(`${e.object.metadata.namespace}/${owner.name}`);
  });
  // Heartbeats rewrite nodes all the time: only a change in what placement reads wakes every DaemonSet.
  const placement = (n: KubeObject | undefined) => {
    const node = n as NodeObject | undefined;
    return JSON.stringify([node?.metadata.labels, node?.spec?.taints]);
  };
  const samePlacement = (a: KubeObject, b: KubeObject | undefined) => {
    const [x, y] = [a as NodeObject, b as NodeObject | undefined];
    // Status writes share the unchanged parts of the object, so a heartbeat is told apart without serialising.
    if (x.metadata.labels === y?.metadata.labels && x.spec?.taints === y?.spec?.taints) return true;
    return placement(x) === placement(y);
  };
  const unsubscribeNodes = api.cache.watch({ resource: NODES.key }, start, (e) => {
    if (e.type !== 'MODIFIED' || !samePlacement(e.object, e.previous)) all();
  });

  async function reconcile(key: string) {
    const [namespace, name] = key.split('/');
    const ds = api.peek(DS, namespace, name) as DaemonSetObject | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const state = await syncRevisions(ctx, revisions, ds, 'DaemonSet');
    const hash = state.update.metadata.labels?.[REVISION_HASH_LABEL] ?? '';
    const nodes = api.cache.list(NODES.key).items as NodeObject[];
    const owned = (pods.owned(ds.metadata.uid) as PodObject[]).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
    const byNode = new Map<string, PodObject[]>();
    for (const pod of owned) {
      const node = nodeOfPod(pod) ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const template = ds.spec.template.spec ?? ({ containers: [] } as PodSpec);
    const rolling = ds.spec.updateStrategy?.type !== 'OnDelete';
    const known = new Set(nodes.map((n) => n.metadata.name));

    // Pods on nodes that are gone.
    for (const [node, list] of byNode)
      if (!known.has(node)) for (const pod of list) if (!isTerminating(pod)) await deletePod(ds, pod);

    const eligible: NodeObject[] = [];
    for (const node of nodes) {
      const fit = nodeFit(template, node);
      const list = (byNode.get(node.metadata.name) ?? []).filter((p) => !isTerminating(p));
      if (fit.shouldRun) eligible.push(node);
      if (fit.shouldRun && !list.length) {
        await createPod(ds, node.metadata.name, hash);
        continue;
      }
      if (!fit.shouldContinueRunning) {
        for (const pod of list) await deletePod(ds, pod);
        continue;
      }
      // Failed daemon pods are replaced; extra ones (oldest stays) removed.
      const failed = list.filter(isFinished);
      for (const pod of failed) await deletePod(ds, pod, 'Failed');
      const running = list.filter((p) => !isFinished(p));
      if (fit.shouldRun && !running.length && failed.length) await createPod(ds, node.metadata.name, hash);
      running.sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
      const updated = running.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash);
      if (surging(ds) && updated.length && updated.length < running.length) {
        // A surge pod stands beside the old one until it is available; then the old one goes.
        if (updated.some((p) => isAvailable(p, ds.spec.minReadySeconds)))
          for (const pod of running) if (!updated.includes(pod)) await deletePod(ds, pod);
        for (const pod of updated.slice(1)) await deletePod(ds, pod);
        continue;
      }
      for (const pod of running.slice(1)) await deletePod(ds, pod);
    }

    if (rolling) await rollingUpdate(ds, eligible, byNode, hash);
    const hashes = new Set(owned.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]));
    const inUse = new Set(
      state.revisions.filter((r) => hashes.has(r.metadata.labels?.[REVISION_HASH_LABEL])).map((r) => r.metadata.name),
    );
    await truncateHistory(ctx, ds, state, inUse);
    await updateStatus(ds, hash, state.collisionCount);
    const due = nextAvailableIn(owned, ds.spec.minReadySeconds);
    if (due !== undefined) queue.addAfter(key, due);
  }

  /** maxSurge > 0 (with maxUnavailable 0, as validation requires): new pods start beside the old ones. */
  function surging(ds: DaemonSetObject): boolean {
    const rolling = ds.spec.updateStrategy?.rollingUpdate;
    return ds.spec.updateStrategy?.type !== 'OnDelete' && resolveIntOrPercent(rolling?.maxSurge ?? 0, 1, true) > 0;
  }

  async function rollingUpdate(
    ds: DaemonSetObject,
    eligible: NodeObject[],
    byNode: Map<string, PodObject[]>,
    hash: string,
  ) {
    const rollingSpec = ds.spec.updateStrategy?.rollingUpdate;
    const maxUnavailable = resolveIntOrPercent(rollingSpec?.maxUnavailable ?? 1, eligible.length, true);
    const maxSurge = surging(ds) ? resolveIntOrPercent(rollingSpec?.maxSurge ?? 0, eligible.length, true) : 0;
    let unavailable = 0;
    let surges = 0;
    const oldAvailable: { node: string; pod: PodObject }[] = [];
    for (const node of eligible) {
      const list = (byNode.get(node.metadata.name) ?? []).filter((p) => !isTerminating(p) && !isFinished(p));
      const updated = list.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash);
      if (updated.length && updated.length < list.length) surges++;
      const pod = list[0] as PodObject | undefined;
      const available = list.some((p) => isAvailable(p, ds.spec.minReadySeconds));
      if (!available) unavailable++;
      if (!pod || updated.length) continue;
      // An old pod that is not available anyway can always go.
      if (!available) await deletePod(ds, pod);
      else oldAvailable.push({ node: node.metadata.name, pod });
    }
    for (const { node, pod } of oldAvailable) {
      if (maxSurge) {
        if (surges >= maxSurge) break;
        await createPod(ds, node, hash);
        surges++;
        continue;
      }
      if (unavailable >= maxUnavailable) break;
      await deletePod(ds, pod);
      unavailable++;
    }
  }

  async function createPod(ds: DaemonSetObject, node: string, hash: string) {
    const template = clone(ds.spec.template);
    const spec = clone(template.spec ?? ({ containers: [] } as PodSpec));
    spec.tolerations = daemonTolerations(spec);
    // Like ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become one term naming the node.
    spec.affinity = {
      ...spec.affinity,
      nodeAffinity: {
        ...spec.affinity?.nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
        },
      },
    };
    const pod: Pod = {
      metadata: {
        ...(template.metadata ?? {}),
        name: `${ds.metadata.name}-${randomSuffix()}`,
        namespace: ds.metadata.namespace,
        labels: {
          ...template.metadata?.labels,
          [REVISION_HASH_LABEL]: hash,
          [GENERATION_LABEL]: String(ds.metadata.generation ?? 1),
        },
        ownerReferences: [ownerRef(ds, 'apps/v1', 'DaemonSet')],
      },
      spec,
    };
    try {
      const created = await api.create(PODS, ds.metadata.namespace, pod);
      events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, COMPONENT);
    } catch (err) {
      if (isApiError(err) && err.code === 409) return; // a random-name collision: the next pass retries
      events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`, COMPONENT);
      throw err;
    }
  }

  async function deletePod(ds: DaemonSetObject, pod: PodObject, why?: 'Failed') {
    try {
      await api.delete(PODS, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
      if (why === 'Failed')
        events.record(
          ds,
          'Warning',
          'FailedDaemonPod',
          `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${pod.spec?.nodeName ?? ''}, will try to kill it`,
          COMPONENT,
        );
      else events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, COMPONENT);
    } catch (err) {
      if (!(isApiError(err) && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  async function updateStatus(ds: DaemonSetObject, hash: string, collisionCount: number) {
    const fresh = api.peek(DS, ds.metadata.namespace, ds.metadata.name) as DaemonSetObject | undefined;
    if (!fresh || fresh.metadata.uid !== ds.metadata.uid) return;
    const template = fresh.spec.template.spec ?? ({ containers: [] } as PodSpec);
    const owned = (pods.owned(fresh.metadata.uid) as PodObject[]).filter(
      (p) => controllerOf(p)?.uid === fresh.metadata.uid && !isTerminating(p) && !isFinished(p),
    );
    const nodes = api.cache.list(NODES.key).items as NodeObject[];
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of nodes) {
      const list = owned.filter((p) => nodeOfPod(p) === node.metadata.name);
      const { shouldRun } = nodeFit(template, node);
      if (!shouldRun) {
        if (list.some((p) => p.spec?.nodeName)) misscheduled++;
        continue;
      }
      desired++;
      if (!list.some((p) => p.spec?.nodeName)) continue;
      current++;
      if (list.some((p) => isReady(p))) ready++;
      if (list.some((p) => isAvailable(p, fresh.spec.minReadySeconds))) available++;
      if (list.some((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash)) updated++;
    }
    const status: DaemonSetStatus = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: fresh.metadata.generation,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: Math.max(0, desired - available),
      collisionCount,
    };
    const previous: Partial<DaemonSetStatus> = fresh.status ?? {};
    if (Object.entries(status).every(([k, v]) => previous[k as keyof DaemonSetStatus] === v)) return;
    const next = clone(fresh);
    next.status = { ...previous, ...status };
    await api.commit(DS, next);
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribeDs();
      unsubscribePods();
      unsubscribeNodes();
      pods.release();
      revisions.release();
    },
  };
}
