import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { isAvailable, isFinished, isReady, isTerminating } from './pods.ts';
import {
  REVISIONS,
  REVISION_HASH_LABEL,
  syncRevisions,
  templateOf,
  truncateHistory,
  type RevisionObject,
} from './revisions.ts';
import { resolveIntOrPercent } from './deployment.ts';
import { nextAvailableIn } from './min-ready.ts';
import type { Pod, PodTemplateSpec, StatefulSet, StatefulSetStatus, Volume } from '../apimachinery/generated/kinds.ts';
import { clone, controllerOf, ownerRef, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored, StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// StatefulSets run pods with stable identities: <name>-<ordinal>, each with its hostname and the serviceName as
// subdomain. OrderedReady creates them one at a time in ordinal order, each once the one before is Running and
// Ready, and removes them from the highest ordinal down; Parallel does both at once. A RollingUpdate replaces the
// pods whose revision is not the update revision from the highest ordinal down to the partition, one at a time
// (or maxUnavailable at a time), each once the ones above are healthy again; OnDelete waits for the user to
// delete them. A pod deleted by anyone comes back under the same name.

const STS = typeByKey('statefulsets.apps');
const PODS = typeByKey('pods');
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const COMPONENT = 'statefulset-controller';

type StatefulSetObject = StoredWithSpec<StatefulSet>;
type PodObject = Stored<Pod>;

const isHealthy = (pod: PodObject) => !isTerminating(pod) && pod.status?.phase === 'Running' && isReady(pod);

export function startStatefulSetController(ctx: ControllerContext) {
  const { api, events, log } = ctx;
  const pods = ctx.owners.acquire(PODS.key);
  const revisions = ctx.owners.acquire(REVISIONS.key);
  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'statefulset reconcile failed'));

  const start = api.cache.resourceVersion;
  for (const s of api.cache.list(STS.key).items) queue.add(keyOf(s));
  const unsubscribeSts = api.cache.watch({ resource: STS.key }, start, (e) => queue.add(keyOf(e.object)));
  const unsubscribePods = api.cache.watch({ resource: PODS.key }, start, (e) => {
    const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
    if (owner?.kind === 'StatefulSet') queue.add(`${e.object.metadata.namespace}/${owner.name}`);
  });

  async function reconcile(key: string) {
    const [namespace, name] = key.split('/');
    const sts = api.peek(STS, namespace, name) as StatefulSetObject | undefined;
    if (!sts || sts.metadata.deletionTimestamp) return;
    const state = await syncRevisions(ctx, revisions, sts, 'StatefulSet');
    const update = state.update;
    const current = state.revisions.find((r) => r.metadata.name === sts.status?.currentRevision) ?? update;
    const owned = (pods.owned(sts.metadata.uid) as PodObject[]).filter(
      (p) => controllerOf(p)?.uid === sts.metadata.uid,
    );
    await syncPods(sts, owned, current, update);
    const inUse = new Set(owned.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL] ?? ''));
    inUse.add(current.metadata.name);
    await truncateHistory(ctx, sts, state, inUse);
    await updateStatus(sts, current, update, state.collisionCount);
    const due = nextAvailableIn(owned, sts.spec.minReadySeconds);
    if (due !== undefined) queue.addAfter(key, due);
  }

  function ordinalOf(sts: StatefulSetObject, pod: PodObject): number | undefined {
    const prefix = `${sts.metadata.name}-`;
    if (!pod.metadata.name.startsWith(prefix)) return undefined;
    const rest = pod.metadata.name.slice(prefix.length);
    return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
  }

  async function syncPods(sts: StatefulSetObject, owned: PodObject[], current: RevisionObject, update: RevisionObject) {
    const first = sts.spec.ordinals?.start ?? 0;
    const replicas = sts.spec.replicas ?? 1;
    const end = first + replicas;
    const monotonic = sts.spec.podManagementPolicy !== 'Parallel';
    const byOrdinal = new Map<number, PodObject>();
    const condemned: PodObject[] = [];
    for (const pod of owned) {
      const ord = ordinalOf(sts, pod);
      if (ord === undefined) continue;
      if (ord >= first && ord < end) byOrdinal.set(ord, pod);
      else condemned.push(pod);
    }
    condemned.sort((a, b) => (ordinalOf(sts, b) ?? 0) - (ordinalOf(sts, a) ?? 0));
    const rolling = sts.spec.updateStrategy?.type !== 'OnDelete';
    const partition = rolling ? (sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;

    // Bring every ordinal in range to a running pod, in order.
    for (let ord = first; ord < end; ord++) {
      const pod = byOrdinal.get(ord);
      if (!pod) {
        // Below the partition a pod keeps the current revision; everything else gets the update revision.
        const revision = rolling && ord < first + partition ? current : update;
        await createPod(sts, ord, revision);
        if (monotonic) return;
        continue;
      }
      if (isFinished(pod) && !isTerminating(pod)) {
        await deletePod(sts, pod, 'Failed');
        if (monotonic) return;
        continue;
      }
      if (monotonic && !isHealthy(pod)) return; // OrderedReady: wait for Running and Ready
    }

    // Scale down from the highest ordinal, one at a time when ordered.
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && [...byOrdinal.values()].some((p) => !isHealthy(p))) return;
      await deletePod(sts, pod);
      if (monotonic) return;
    }
    if (condemned.length && monotonic) return;

    if (!rolling) return;
    // Rolling update from the highest ordinal down to the partition.
    const maxUnavailable = Math.max(
      1,
      resolveIntOrPercent(sts.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, replicas, false),
    );
    const targets: PodObject[] = [];
    for (let ord = end - 1; ord >= first + partition; ord--) {
      const pod = byOrdinal.get(ord);
      if (pod) targets.push(pod);
    }
    // The update waits for availability (Ready for minReadySeconds), as upstream's isRunningAndAvailable.
    const healthy = (p: PodObject) => isHealthy(p) && isAvailable(p, sts.spec.minReadySeconds);
    let unavailable = targets.filter((p) => !healthy(p)).length;
    for (const pod of targets) {
      if (unavailable >= maxUnavailable) return;
      if (pod.metadata.labels?.[REVISION_HASH_LABEL] !== update.metadata.name && !isTerminating(pod)) {
        await deletePod(sts, pod, 'Update');
        if (healthy(pod)) unavailable++;
        continue;
      }
      // An updated pod that is not healthy yet holds back the ones below it (maxUnavailable 1 upstream).
      if (!healthy(pod) && maxUnavailable === 1) return;
    }
  }

  async function createPod(sts: StatefulSetObject, ord: number, revision: RevisionObject) {
    const template: PodTemplateSpec = templateOf(revision);
    const name = `${sts.metadata.name}-${ord}`;
    const spec = clone(template.spec ?? { containers: [] });
    spec.hostname = name;
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    // Each claim template becomes a volume naming the pod's own claim (<claim>-<set>-<ordinal>).
    const claims: Volume[] = (sts.spec.volumeClaimTemplates ?? []).map((claim) => ({
      name: claim.metadata?.name ?? '',
      persistentVolumeClaim: { claimName: `${claim.metadata?.name ?? ''}-${name}` },
    }));
    if (claims.length)
      spec.volumes = [...(spec.volumes ?? []).filter((v) => !claims.some((c) => c.name === v.name)), ...claims];
    const pod: Pod = {
      metadata: {
        ...(template.metadata ?? {}),
        name,
        namespace: sts.metadata.namespace,
        labels: {
          ...template.metadata?.labels,
          [POD_NAME_LABEL]: name,
          [POD_INDEX_LABEL]: String(ord),
          [REVISION_HASH_LABEL]: revision.metadata.name,
        },
        ownerReferences: [ownerRef(sts, 'apps/v1', 'StatefulSet')],
      },
      spec,
    };
    try {
      await api.create(PODS, sts.metadata.namespace, pod);
      events.record(
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
        COMPONENT,
      );
    } catch (err) {
      // The pod of the same name is still terminating: its deletion requeues this set.
      if (isApiError(err) && err.code === 409) return;
      events.record(
        sts,
        'Warning',
        'FailedCreate',
        `create Pod ${name} in StatefulSet ${sts.metadata.name} failed error: ${(err as Error).message}`,
        COMPONENT,
      );
      throw err;
    }
  }

  async function deletePod(sts: StatefulSetObject, pod: PodObject, why?: 'Failed' | 'Update') {
    try {
      await api.delete(PODS, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
      const message =
        why === 'Failed'
          ? `StatefulSet ${sts.metadata.namespace}/${sts.metadata.name} is recreating failed Pod ${pod.metadata.name}`
          : `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`;
      events.record(
        sts,
        why === 'Failed' ? 'Warning' : 'Normal',
        why === 'Failed' ? 'RecreatingFailedPod' : 'SuccessfulDelete',
        message,
        COMPONENT,
      );
    } catch (err) {
      if (!(isApiError(err) && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  async function updateStatus(
    sts: StatefulSetObject,
    current: RevisionObject,
    update: RevisionObject,
    collisionCount: number,
  ) {
    const fresh = api.peek(STS, sts.metadata.namespace, sts.metadata.name) as StatefulSetObject | undefined;
    if (!fresh || fresh.metadata.uid !== sts.metadata.uid) return;
    const owned = (pods.owned(fresh.metadata.uid) as PodObject[]).filter(
      (p) => controllerOf(p)?.uid === fresh.metadata.uid && !isFinished(p),
    );
    const revisionOf = (p: PodObject) => p.metadata.labels?.[REVISION_HASH_LABEL];
    const live = owned.filter((p) => !isTerminating(p));
    const status: StatefulSetStatus = {
      observedGeneration: fresh.metadata.generation,
      replicas: live.length,
      readyReplicas: live.filter(isReady).length,
      availableReplicas: live.filter((p) => isAvailable(p, fresh.spec.minReadySeconds)).length,
      currentReplicas: live.filter((p) => revisionOf(p) === current.metadata.name).length,
      updatedReplicas: live.filter((p) => revisionOf(p) === update.metadata.name).length,
      currentRevision: current.metadata.name,
      updateRevision: update.metadata.name,
      collisionCount,
    };
    // A finished rolling update makes the update revision the current one.
    const desired = fresh.spec.replicas ?? 1;
    if (
      fresh.spec.updateStrategy?.type !== 'OnDelete' &&
      status.updatedReplicas === desired &&
      status.replicas === desired &&
      status.readyReplicas === desired
    ) {
      status.currentRevision = update.metadata.name;
      status.currentReplicas = status.updatedReplicas;
    }
    const previous: Partial<StatefulSetStatus> = fresh.status ?? {};
    if (Object.entries(status).every(([k, v]) => previous[k as keyof StatefulSetStatus] === v)) return;
    const next = clone(fresh);
    next.status = { ...previous, ...status };
    await api.commit(STS, next);
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribeSts();
      unsubscribePods();
      pods.release();
      revisions.release();
    },
  };
}
