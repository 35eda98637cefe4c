import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { deletionOrder, isActive, isAvailable, isReady } from './pods.ts';
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../apimachinery/generated/kinds.ts';
import { clone, controllerOf, ownerRef, randomSuffix, type KubeObject } from '../apimachinery/meta.ts';
import type { StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// Keeps each ReplicaSet's number of active pods at spec.replicas, and its status current.

const RS = typeByKey('replicasets.apps');
const PODS = typeByKey('pods');
const BURST = 500; // pods created or deleted per reconcile, so one big scale-up does not starve others

type ReplicaSetObject = StoredWithSpec<ReplicaSet>;

export function startReplicaSetController(ctx: ControllerContext) {
  const { api, events, log } = ctx;
  const pods = ctx.owners.acquire('pods');
  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'replicaset reconcile failed'));

  const start = api.cache.resourceVersion;
  for (const rs of api.cache.list(RS.key).items) queue.add(keyOf(rs));
  const unsubscribeRs = api.cache.watch({ resource: RS.key }, start, (e) => queue.add(keyOf(e.object)));
  const unsubscribePods = api.cache.watch({ resource: PODS.key }, start, (e) => {
    const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
    if (owner?.kind === 'ReplicaSet') queue.add(`${e.object.metadata.namespace}/${owner.name}`);
  });

  async function reconcile(key: string) {
    const [namespace, name] = key.split('/');
    const rs = api.peek(RS, namespace, name) as ReplicaSetObject | undefined;
    if (!rs || rs.metadata.deletionTimestamp) return;
    // One pass: a ReplicaSet of 1,000 pods is reconciled after each change of any of them.
    const owned: KubeObject[] = [];
    const active: KubeObject[] = [];
    for (const p of pods.owned(rs.metadata.uid)) {
      if (controllerOf(p)?.uid !== rs.metadata.uid) continue;
      owned.push(p);
      if (isActive(p)) active.push(p);
    }
    const want = rs.spec.replicas ?? 1;
    const diff = want - active.length;
    if (diff > 0) {
      const n = Math.min(diff, BURST);
      for (let i = 0; i < n; i++) await createPod(rs);
      if (diff > BURST) queue.add(key);
    } else if (diff < 0) {
      const victims = [...active].sort(deletionOrder).slice(0, Math.min(-diff, BURST));
      for (const pod of victims) {
        try {
          await api.delete(PODS, namespace, pod.metadata.name);
          events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
        } catch (err) {
          if (!(isApiError(err) && err.code === 404)) throw err;
        }
      }
      if (-diff > BURST) queue.add(key);
    }
    await updateStatus(rs, owned);
  }

  async function createPod(rs: ReplicaSetObject) {
    const template = clone(rs.spec.template ?? {});
    const pod: Pod = {
      metadata: {
        ...(template.metadata ?? {}),
        name: `${rs.metadata.name}-${randomSuffix()}`,
        namespace: rs.metadata.namespace,
        ownerReferences: [ownerRef(rs, 'apps/v1', 'ReplicaSet')],
      },
      spec: template.spec,
    };
    try {
      const created = await api.create(PODS, rs.metadata.namespace, pod);
      events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, 'replicaset-controller');
    } catch (err) {
      if (isApiError(err) && err.code === 409) return; // a random-name collision: the next pass retries
      events.record(
        rs,
        'Warning',
        'FailedCreate',
        `Error creating: ${(err as Error).message}`,
        'replicaset-controller',
      );
      throw err;
    }
  }

  async function updateStatus(rs: ReplicaSetObject, owned: KubeObject[]) {
    const fresh = api.peek(RS, rs.metadata.namespace, rs.metadata.name) as ReplicaSetObject | undefined;
    if (!fresh) return;
    let active = 0;
    let ready = 0;
    let available = 0;
    for (const p of owned) {
      if (!isActive(p)) continue;
      active++;
      if (isReady(p)) ready++;
      if (isAvailable(p, fresh.spec.minReadySeconds)) available++;
    }
    const status: ReplicaSetStatus = {
      replicas: active,
      fullyLabeledReplicas: active,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: fresh.metadata.generation,
    };
    const current: Partial<ReplicaSetStatus> = fresh.status ?? {};
    if (Object.entries(status).every(([k, v]) => current[k as keyof ReplicaSetStatus] === v)) return;
    const next = clone(fresh);
    next.status = { ...current, ...status };
    await api.commit(RS, next);
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribeRs();
      unsubscribePods();
      pods.release();
    },
  };
}
