import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { isReady } from './pods.ts';
import type { IntOrString, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../apimachinery/generated/kinds.ts';
import { clone, controllerOf, timestamp, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored } from '../apimachinery/object.ts';
import { lookupKey, typeByKey, type ResourceType } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';
import { pdbSelects } from '../apiserver/kinds/pdb.ts';

// The disruption controller: keeps each PodDisruptionBudget's status (how
// many of its pods are healthy, how many must be, how many disruptions are
// allowed) current, as kube-controller-manager's disruption controller does.
// The eviction subresource reads that status and decrements it.

const PDBS = typeByKey('poddisruptionbudgets.policy');
const PODS = typeByKey('pods');
/** How long an eviction recorded in status.disruptedPods waits for the pod's deletion (upstream DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

type Pdb = Stored<PodDisruptionBudget>;

/** intstr.GetScaledValueFromIntOrPercent with rounding up, as the controller uses it. */
export function scaledValue(value: IntOrString, total: number): number {
  if (typeof value === 'number') return value;
  return Math.ceil((Number(value.replace(/%$/, '')) * total) / 100);
}

/** The kinds whose spec.replicas says how many pods a budget should expect (controller refs pointing elsewhere are unknown). */
const SCALABLE: Record<string, string> = {
  ReplicaSet: 'replicasets.apps',
  Deployment: 'deployments.apps',
  StatefulSet: 'statefulsets.apps',
  ReplicationController: 'replicationcontrollers',
};

function typeFor(kind: string): ResourceType | undefined {
  const key = SCALABLE[kind];
  return key ? lookupKey(key) : undefined;
}

/** What a budget's status should say about `pods` (the pods it selects) at `now`. */
export function computePdbStatus(
  pdb: Pdb,
  pods: KubeObject[],
  /** The controller whose scale counts for a pod's controller ref (a Deployment for its ReplicaSets), or undefined. */
  scaleOf: (
    ref: { kind: string; name: string; uid: string },
    namespace: string,
  ) => { uid: string; scale: number } | undefined,
  now: number,
): { status: PodDisruptionBudgetStatus; recheckAt?: number; unmanaged: number } {
  const spec = pdb.spec ?? {};
  let expected = pods.length;
  let desired = 0;
  let unmanaged = 0;
  const expectedScale = () => {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) {
        unmanaged++;
        continue;
      }
      const owner = scaleOf(ref, pdb.metadata.namespace ?? '');
      if (!owner) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
      scales.set(owner.uid, owner.scale);
    }
    return [...scales.values()].reduce((a, b) => a + b, 0);
  };
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    expected = expectedScale();
    desired = Math.max(0, expected - scaledValue(spec.maxUnavailable, expected));
  } else if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') desired = spec.minAvailable;
    else {
      expected = expectedScale();
      desired = scaledValue(spec.minAvailable, expected);
    }
  }
  // Evictions recorded by the API server count as disrupted until the pod's deletion is seen, or they time out.
  const disrupted: Record<string, string> = {};
  let recheckAt: number | undefined;
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
    const pod = byName.get(name);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expires < now) continue;
    disrupted[name] = at;
    recheckAt = recheckAt === undefined ? expires : Math.min(recheckAt, expires);
  }
  const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && !disrupted[p.metadata.name] && isReady(p)).length;
  let allowed = healthy - desired;
  if (expected <= 0 || allowed <= 0) allowed = 0;
  const status: PodDisruptionBudgetStatus = {
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    disruptionsAllowed: allowed,
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    observedGeneration: pdb.metadata.generation,
    conditions: withCondition(pdb, allowed > 0 ? 'SufficientPods' : 'InsufficientPods', '', now),
  };
  return { status, recheckAt, unmanaged };
}

function withCondition(pdb: Pdb, reason: string, message: string, now: number) {
  const status = reason === 'SufficientPods' ? 'True' : 'False';
  const old = (pdb.status?.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
  const others = (pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
  const same = old?.status === status && old.reason === reason && old.message === message;
  return [
    ...others,
    {
      type: 'DisruptionAllowed',
      status,
      reason,
      message,
      observedGeneration: pdb.metadata.generation,
      lastTransitionTime: same && old.lastTransitionTime ? old.lastTransitionTime : timestamp(new Date(now)),
    },
  ];
}

export function startDisruptionController(ctx: ControllerContext, clock: () => number = Date.now) {
  const { api, events, log } = ctx;
  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const queue = new WorkQueue(sync, (key, err) => log.warn({ err, key }, 'disruption budget sync failed'));
  const warned = new Set<string>();

  const budgetsFor = (pod: KubeObject) =>
    api.cache.list(PDBS.key, pod.metadata.namespace).items.filter((pdb) => pdbSelects(pdb, pod));
  const allIn = (namespace: string | undefined) => {
    for (const pdb of api.cache.list(PDBS.key, namespace).items) queue.add(keyOf(pdb));
  };

  const start = api.cache.resourceVersion;
  for (const pdb of api.cache.list(PDBS.key).items) queue.add(keyOf(pdb));
  const unsubscribers = [
    api.cache.watch({ resource: PDBS.key }, start, (e) => {
      if (e.type !== 'DELETED') queue.add(keyOf(e.object));
    }),
    api.cache.watch({ resource: PODS.key }, start, (e) => {
      const seen = new Set<string>();
      for (const pod of [e.object, e.previous]) if (pod) for (const pdb of budgetsFor(pod)) seen.add(keyOf(pdb));
      for (const key of seen) queue.add(key);
    }),
    // A scaled controller changes what a percentage budget expects.
    ...Object.values(SCALABLE)
      .filter((key) => lookupKey(key))
      .map((resource) =>
        api.cache.watch({ resource }, start, (e) => {
          const before = (e.previous?.spec as { replicas?: number } | undefined)?.replicas;
          const after = (e.object.spec as { replicas?: number } | undefined)?.replicas;
          if (e.type !== 'MODIFIED' || before !== after) allIn(e.object.metadata.namespace);
        }),
      ),
  ];

  const scaleOf = (
    ref: { kind: string; name: string; uid: string },
    namespace: string,
  ): { uid: string; scale: number } | undefined => {
    const t = typeFor(ref.kind);
    const owner = t && api.peek(t, namespace, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) return undefined;
    // A ReplicaSet run by a Deployment counts as the Deployment (whose scale a rolling update does not change).
    const parent = ref.kind === 'ReplicaSet' ? controllerOf(owner) : undefined;
    if (parent?.kind === 'Deployment') return scaleOf(parent, namespace);
    return { uid: owner.metadata.uid, scale: (owner.spec as { replicas?: number } | undefined)?.replicas ?? 1 };
  };

  async function sync(key: string) {
    const [namespace, name] = key.split('/');
    const pdb = api.peek(PDBS, namespace, name) as Pdb | undefined;
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const pods = api.cache.list(PODS.key, namespace).items.filter((p) => pdbSelects(pdb, p));
    let next: PodDisruptionBudgetStatus;
    try {
      const result = computePdbStatus(pdb, pods, scaleOf, clock());
      next = result.status;
      if (result.recheckAt !== undefined) queue.addAfter(key, Math.max(0, result.recheckAt - clock()) + 10);
      if (result.unmanaged && !warned.has(pdb.metadata.uid)) {
        warned.add(pdb.metadata.uid);
        events.record(
          pdb,
          'Warning',
          'UnmanagedPods',
          'Pods selected by this PodDisruptionBudget were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
          'controllermanager',
        );
      }
      if (!pods.length && !warned.has(`${pdb.metadata.uid}/none`)) {
        warned.add(`${pdb.metadata.uid}/none`);
        events.record(pdb, 'Normal', 'NoPods', 'No matching pods found', 'controllermanager');
      }
    } catch (err) {
      // Fail safe: no disruptions while the budget cannot be worked out.
      const message = err instanceof Error ? err.message : String(err);
      events.record(
        pdb,
        'Warning',
        'CalculateExpectedPodCountFailed',
        `Failed to calculate the number of expected pods: ${message}`,
        'controllermanager',
      );
      next = {
        ...(pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
        disruptionsAllowed: 0,
        observedGeneration: pdb.metadata.generation,
        conditions: withCondition(pdb, 'SyncFailed', message, clock()),
      };
      next.conditions = next.conditions?.map((c) => (c.type === 'DisruptionAllowed' ? { ...c, status: 'False' } : c));
    }
    if (JSON.stringify(next) === JSON.stringify(pdb.status)) return;
    const updated = clone(pdb);
    updated.status = next;
    try {
      // Based on the version read: an eviction that decremented the budget meanwhile wins, and this sync reruns.
      await api.update(PDBS, namespace, name, updated, 'status');
    } catch (err) {
      if (isApiError(err) && err.code === 404) return;
      if (isApiError(err) && err.code === 409) {
        queue.add(key);
        return;
      }
      throw err;
    }
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      for (const u of unsubscribers) u();
    },
  };
}
