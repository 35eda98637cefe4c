import { createHash } from 'node:crypto';
import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { clone, controllerOf, ownerRef, timestamp, type KubeObject } from '../apimachinery/meta.ts';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from '../apimachinery/generated/kinds.ts';
import type { StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// Deployments own ReplicaSets, one per pod template (named by the template's
// hash). A rolling update scales the new ReplicaSet up by at most maxSurge over
// the desired count and the old ones down while at least desired − maxUnavailable
// pods stay available; Recreate scales the old ones to zero first.

const DEPLOY = typeByKey('deployments.apps');
const RS = typeByKey('replicasets.apps');
const REVISION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

type DeploymentObject = StoredWithSpec<Deployment>;
type ReplicaSetObject = StoredWithSpec<ReplicaSet>;

export function templateHash(template: unknown): string {
  // Kubernetes uses a short FNV hash rendered in its safe alphabet; any stable short hash serves.
  const digest = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(digest.subarray(0, 10), (b) => alphabet[b % alphabet.length]).join('');
}

/** maxSurge / maxUnavailable: an int or a percentage of `total`. */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? ''));
  if (!m) return Number(value) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function startDeploymentController(ctx: ControllerContext) {
  const { api, events, log } = ctx;
  const replicaSets = ctx.owners.acquire(RS.key);
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'deployment reconcile failed'));
  const start = api.cache.resourceVersion;
  for (const d of api.cache.list(DEPLOY.key).items) queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
  const unsubscribeD = api.cache.watch({ resource: DEPLOY.key }, start, (e) =>
    queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`),
  );
  const unsubscribeRs = api.cache.watch({ resource: RS.key }, start, (e) => {
    const owner = controllerOf(e.object);
    if (owner?.kind === 'Deployment') queue.add(`${e.object.metadata.namespace}/${owner.name}`);
  });

  async function reconcile(key: string) {
    const [namespace, name] = key.split('/');
    const d = api.peek(DEPLOY, namespace, name) as DeploymentObject | undefined;
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = replicaSets
      .owned(d.metadata.uid)
      .filter((rs) => controllerOf(rs)?.uid === d.metadata.uid) as ReplicaSetObject[];
    const hash = templateHash(d.spec.template);
    let newRs = owned.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    const old = owned.filter((rs) => rs !== newRs);
    const desired = d.spec.paused ? undefined : (d.spec.replicas ?? 1);
    const revision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));

    if (!newRs && desired !== undefined) {
      newRs = await createReplicaSet(
        d,
        hash,
        revision + 1,
        old.length ? 0 : d.spec.strategy?.type === 'Recreate' ? 0 : desired,
      );
      if (!old.length && newRs)
        events.record(
          d,
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set ${newRs.metadata.name} from 0 to ${newRs.spec.replicas}`,
          'deployment-controller',
        );
    } else if (newRs && Number(newRs.metadata.annotations?.[REVISION] ?? 0) < revision) {
      newRs = await annotateRevision(newRs, revision + 1); // rolling back to an older template makes it the newest revision
    }

    if (desired !== undefined && newRs) {
      if (d.spec.strategy?.type === 'Recreate') await recreate(d, newRs, old, desired);
      else await rollingUpdate(d, newRs, old, desired);
    }
    await cleanup(d, old);
    await updateStatus(d, newRs);
  }

  async function createReplicaSet(
    d: DeploymentObject,
    hash: string,
    revision: number,
    replicas: number,
  ): Promise<ReplicaSetObject | undefined> {
    const template = clone(d.spec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...template.metadata.labels, [HASH_LABEL]: hash };
    const selector = clone(d.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, [HASH_LABEL]: hash };
    try {
      return (await api.create(RS, d.metadata.namespace, {
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: d.metadata.namespace,
          labels: { ...template.metadata.labels },
          annotations: {
            [REVISION]: String(revision),
            'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
          },
          ownerReferences: [ownerRef(d, 'apps/v1', 'Deployment')],
        },
        spec: { replicas, selector, template, minReadySeconds: d.spec.minReadySeconds ?? 0 },
      } satisfies ReplicaSet)) as ReplicaSetObject;
    } catch (err) {
      if (isApiError(err) && err.code === 409)
        return api.peek(RS, d.metadata.namespace, `${d.metadata.name}-${hash}`) as ReplicaSetObject | undefined;
      throw err;
    }
  }

  async function annotateRevision(rs: ReplicaSetObject, revision: number) {
    const next = clone(rs);
    next.metadata.annotations = { ...next.metadata.annotations, [REVISION]: String(revision) };
    return (await api.replace(RS, rs, next)) as ReplicaSetObject;
  }

  async function scale(d: DeploymentObject, rs: ReplicaSetObject, replicas: number): Promise<ReplicaSetObject> {
    const current = rs.spec.replicas ?? 0;
    if (current === replicas) return rs;
    const fresh = api.peek(RS, rs.metadata.namespace, rs.metadata.name);
    if (!fresh) return rs;
    const next = clone(fresh) as ReplicaSetObject;
    next.spec.replicas = replicas;
    next.metadata.annotations = {
      ...next.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
    };
    const updated = (await api.replace(RS, fresh, next)) as ReplicaSetObject;
    events.record(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${replicas > current ? 'up' : 'down'} replica set ${rs.metadata.name} from ${current} to ${replicas}`,
      'deployment-controller',
    );
    return updated;
  }

  async function rollingUpdate(d: DeploymentObject, newRs: ReplicaSetObject, old: ReplicaSetObject[], desired: number) {
    const strategy = d.spec.strategy?.rollingUpdate ?? {};
    const surge = resolveIntOrPercent(strategy.maxSurge ?? '25%', desired, true);
    let unavailable = resolveIntOrPercent(strategy.maxUnavailable ?? '25%', desired, false);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const replicasOf = (rs: ReplicaSetObject) => rs.spec.replicas ?? 0;
    const oldTotal = old.reduce((n, rs) => n + replicasOf(rs), 0);
    // Scale the new ReplicaSet up within the surge budget.
    if (!oldTotal) newRs = await scale(d, newRs, desired);
    else {
      const room = desired + surge - (oldTotal + replicasOf(newRs));
      if (room > 0 && replicasOf(newRs) < desired)
        newRs = await scale(d, newRs, Math.min(desired, replicasOf(newRs) + room));
      else if (replicasOf(newRs) > desired) newRs = await scale(d, newRs, desired);
    }
    // Scale old ReplicaSets down while enough pods stay available.
    const available = [newRs, ...old].reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    const newUnavailable = Math.max(0, replicasOf(newRs) - (newRs.status?.availableReplicas ?? 0));
    let budget = available - (desired - unavailable);
    // Old pods that are not available anyway can always go.
    const oldSorted = [...old].sort(
      (a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''),
    );
    for (const rs of oldSorted) {
      const unavailableInRs = Math.max(0, replicasOf(rs) - (rs.status?.availableReplicas ?? 0));
      const cut = Math.min(replicasOf(rs), unavailableInRs + Math.max(0, budget));
      if (cut <= 0) continue;
      budget -= Math.max(0, cut - unavailableInRs);
      await scale(d, rs, replicasOf(rs) - cut);
    }
    void newUnavailable;
  }

  async function recreate(d: DeploymentObject, newRs: ReplicaSetObject, old: ReplicaSetObject[], desired: number) {
    let oldPods = 0;
    for (const rs of old) {
      if ((rs.spec.replicas ?? 0) > 0) await scale(d, rs, 0);
      oldPods += rs.status?.replicas ?? 0;
    }
    if (oldPods === 0) await scale(d, newRs, desired);
  }

  async function cleanup(d: DeploymentObject, old: ReplicaSetObject[]) {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = old.filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0);
    idle.sort(
      (a, b) => Number(a.metadata.annotations?.[REVISION] ?? 0) - Number(b.metadata.annotations?.[REVISION] ?? 0),
    );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      await api.delete(RS, rs.metadata.namespace, rs.metadata.name).catch(() => {});
    }
  }

  async function updateStatus(d: DeploymentObject, newRs: ReplicaSetObject | undefined) {
    const fresh = api.peek(DEPLOY, d.metadata.namespace, d.metadata.name) as DeploymentObject | undefined;
    if (!fresh) return;
    const all = replicaSets
      .owned(fresh.metadata.uid)
      .filter((rs) => controllerOf(rs)?.uid === fresh.metadata.uid) as ReplicaSetObject[];
    const sum = (f: (rs: ReplicaSetObject) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
    const desired = fresh.spec.replicas ?? 1;
    const replicas = sum((rs) => rs.status?.replicas);
    const available = sum((rs) => rs.status?.availableReplicas);
    const updated = newRs
      ? ((api.peek(RS, newRs.metadata.namespace, newRs.metadata.name) as ReplicaSetObject | undefined)?.status
          ?.replicas ?? 0)
      : 0;
    const status: DeploymentStatus = {
      observedGeneration: fresh.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: sum((rs) => rs.status?.readyReplicas),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, desired - available),
    };
    const now = timestamp();
    const condition = (type: string, ok: boolean, reason: string, message: string): DeploymentCondition => {
      const previous = (fresh.status?.conditions ?? []).find((c) => c.type === type);
      const statusText = ok ? 'True' : 'False';
      const changed = previous?.status !== statusText || previous?.reason !== reason;
      return {
        type,
        status: statusText,
        lastUpdateTime: changed ? now : previous?.lastUpdateTime,
        lastTransitionTime: previous?.status === statusText ? previous.lastTransitionTime : now,
        reason,
        message,
      };
    };
    const minAvailable =
      desired - resolveIntOrPercent(fresh.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
    const complete = updated === desired && replicas === desired && available === desired;
    status.conditions = [
      condition(
        'Available',
        available >= minAvailable,
        available >= minAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        available >= minAvailable
          ? 'Deployment has minimum availability.'
          : 'Deployment does not have minimum availability.',
      ),
      condition(
        'Progressing',
        true,
        complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        newRs
          ? `ReplicaSet "${newRs.metadata.name}" ${complete ? 'has successfully progressed' : 'is progressing'}.`
          : 'Waiting for the ReplicaSet.',
      ),
    ];
    const comparable = (s: DeploymentStatus | undefined) =>
      JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]) });
    const annotations = {
      ...fresh.metadata.annotations,
      ...(newRs ? { [REVISION]: newRs.metadata.annotations?.[REVISION] ?? '1' } : {}),
    };
    const annotationsChanged = JSON.stringify(annotations) !== JSON.stringify(fresh.metadata.annotations ?? {});
    if (comparable(status) === comparable(fresh.status) && !annotationsChanged) return;
    const next = clone(fresh);
    next.status = status;
    next.metadata.annotations = annotations;
    await api.commit(DEPLOY, next);
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribeD();
      unsubscribeRs();
      replicaSets.release();
    },
  };
}

export type { KubeObject };
