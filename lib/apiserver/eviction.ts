import { ApiError, badRequest, conflict, isApiError } from '../apimachinery/errors.ts';
import type { Pod, PodDisruptionBudget } from '../apimachinery/generated/kinds.ts';
import { clone, timestamp } from '../apimachinery/meta.ts';
import type { KubeObject, Stored } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import type { EventRecorder } from './events.ts';
import { pdbSelects } from './kinds/pdb.ts';
import type { DeleteOptions, ObjectApi } from './object-api.ts';

// The pods/eviction subresource as kube-apiserver's EvictionREST serves it:
// a pod covered by a PodDisruptionBudget is deleted only while the budget
// allows a disruption, and the budget's status takes the eviction into
// account (disruptionsAllowed - 1, the pod in disruptedPods) before the pod is
// deleted, so concurrent evictions cannot together exceed the budget.

const PODS = typeByKey('pods');
const PDBS = typeByKey('poddisruptionbudgets.policy');

/** How often a pinned write that lost a race is retried (upstream's EvictionsRetry: 20 steps). */
const RETRIES = 20;
/** More pods than this waiting in disruptedPods means the disruption controller is not keeping up. */
const MAX_DISRUPTED_PODS = 2000;
const EVICTION_API_VERSIONS = ['policy/v1', 'policy/v1beta1'];

type Pdb = Stored<PodDisruptionBudget>;
type PodObject = Stored<Pod>;

export interface EvictionDeps {
  api: ObjectApi;
  events: EventRecorder;
}

const SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    retryAfterSeconds,
    causes: [{ reason: 'DisruptionBudget', message }],
  });
}

const stillProcessing = (name: string) =>
  tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);

/** The Eviction body (policy/v1 or policy/v1beta1, which differ only in apiVersion) checked against the URL. */
export function checkEvictionBody(body: unknown, name: string): void {
  if (body === undefined || body === null) return;
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be an Eviction object');
  const b = body as { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown } | null };
  if (b.kind !== undefined && b.kind !== 'Eviction')
    throw badRequest(`the kind of the object (${String(b.kind)}) must be Eviction`);
  if (b.apiVersion !== undefined && !EVICTION_API_VERSIONS.includes(b.apiVersion as string))
    throw badRequest(`the apiVersion of an Eviction must be policy/v1 or policy/v1beta1 (got ${String(b.apiVersion)})`);
  const bodyName = b.metadata?.name;
  if (bodyName !== undefined && bodyName !== name)
    throw badRequest('name in URL does not match name in Eviction object');
}

const isReady = (pod: PodObject) =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** A pod whose eviction disrupts nothing more: finished, not started, or already on its way out. */
const canIgnoreBudget = (pod: PodObject) =>
  ['Succeeded', 'Failed', 'Pending'].includes(pod.status?.phase ?? '') || Boolean(pod.metadata.deletionTimestamp);

/**
 * Evicts `name` in `namespace`: answers the Status of a successful eviction, or throws the 429 (budget exhausted),
 * 500 (more than one budget covers the pod, which upstream does not support either), 404 or 409.
 */
export async function evictPod(
  deps: EvictionDeps,
  namespace: string,
  name: string,
  options: DeleteOptions,
): Promise<typeof SUCCESS> {
  const { api } = deps;
  const pinned = Boolean(options.preconditions?.resourceVersion);
  let pod = api.get(PODS, namespace, name) as PodObject;
  for (let attempt = 0; canIgnoreBudget(pod); attempt++) {
    // A still-running pod's deletion is pinned to the version looked at, so a pod that has just become Running
    // is not deleted as if it were Pending.
    const shouldPin = !pinned && !['Succeeded', 'Failed'].includes(pod.status?.phase ?? '');
    try {
      await deletePod(deps, pod, shouldPin ? pinTo(options, pod) : options);
      return SUCCESS;
    } catch (err) {
      // Our own pin lost to another write (the scheduler's condition, a status update): look again, as upstream's
      // EvictionREST retries conflicts unless the client set the precondition itself.
      if (pinned || attempt >= RETRIES || !(isApiError(err) && err.code === 409)) throw err;
      pod = api.get(PODS, namespace, name) as PodObject;
    }
  }
  const budgets = api.list(PDBS, namespace).items.filter((pdb) => pdbSelects(pdb, pod));
  if (budgets.length > 1)
    throw new ApiError(
      500,
      'InternalError',
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  let deleteOptions = options;
  const budget = budgets[0] as Pdb | undefined;
  let unhealthyAllowed = false;
  if (budget) {
    if (!isReady(pod)) {
      const status = budget.status;
      // An unready pod does not count as healthy: deleting it takes nothing from the budget when the policy says so,
      // or when the application is not disrupted at the moment.
      unhealthyAllowed =
        budget.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' ||
        (!!status && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0);
    }
    if (unhealthyAllowed) deleteOptions = pinned ? options : pinTo(options, pod);
    else await checkAndDecrement(api, budget, pod.metadata.name, Boolean(options.dryRun));
  }
  try {
    await deletePod(deps, pod, deleteOptions);
  } catch (err) {
    // The pod became ready after it was judged unhealthy: the client retries, as on an exhausted budget.
    if (isApiError(err) && err.code === 409 && unhealthyAllowed && !pinned && budget)
      throw stillProcessing(budget.metadata.name);
    throw err;
  }
  return SUCCESS;
}

const pinTo = (options: DeleteOptions, pod: KubeObject): DeleteOptions => ({
  ...options,
  preconditions: { ...options.preconditions, resourceVersion: pod.metadata.resourceVersion },
});

/** Takes one disruption from the budget (compare-and-swap on its resourceVersion, retried when another write won). */
async function checkAndDecrement(api: ObjectApi, first: Pdb, podName: string, dryRun: boolean): Promise<void> {
  let pdb = first;
  for (let attempt = 0; ; attempt++) {
    const status = pdb.status;
    if (!status || (status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1))
      throw stillProcessing(pdb.metadata.name);
    if (status.disruptionsAllowed < 0)
      throw new ApiError(
        403,
        'Forbidden',
        `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: pdb disruptions allowed is negative`,
      );
    if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS)
      throw new ApiError(
        403,
        'Forbidden',
        `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
      );
    if (status.disruptionsAllowed === 0)
      throw tooManyRequests(
        `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
        0,
      );
    if (dryRun) return;
    const next = clone(pdb);
    const nextStatus = (next.status ??= { ...status });
    nextStatus.disruptionsAllowed = status.disruptionsAllowed - 1;
    nextStatus.disruptedPods = { ...status.disruptedPods, [podName]: timestamp() };
    if (nextStatus.disruptionsAllowed === 0) {
      const conditions = (nextStatus.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
      conditions.push({
        type: 'DisruptionAllowed',
        status: 'False',
        reason: 'InsufficientPods',
        message: '',
        lastTransitionTime: timestamp(),
        observedGeneration: pdb.metadata.generation,
      });
      nextStatus.conditions = conditions;
    }
    try {
      // update() refuses (409) a write based on an older resourceVersion: another eviction or the controller won.
      await api.update(PDBS, pdb.metadata.namespace, pdb.metadata.name, next, 'status');
      return;
    } catch (err) {
      if (!(isApiError(err) && err.code === 409) || attempt >= RETRIES) {
        if (isApiError(err) && err.code === 409)
          throw new ApiError(
            504,
            'InternalError',
            `couldn't update PodDisruptionBudget "${pdb.metadata.name}" due to conflicts`,
            { retryAfterSeconds: 10 },
          );
        throw err;
      }
      const fresh = api.peek(PDBS, pdb.metadata.namespace, pdb.metadata.name) as Pdb | undefined;
      if (!fresh) throw err;
      pdb = fresh;
    }
  }
}

/**
 * Marks the pod with the DisruptionTarget condition (as upstream's PodDisruptionConditions) and deletes it; a
 * resourceVersion precondition is checked against the pod before the condition is written and moved past it.
 */
async function deletePod(deps: EvictionDeps, pod: PodObject, options: DeleteOptions): Promise<void> {
  const { api } = deps;
  const current = api.get(PODS, pod.metadata.namespace, pod.metadata.name) as PodObject;
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid)
    throw conflict(
      `Operation cannot be fulfilled on pods "${pod.metadata.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
    throw conflict(
      `Operation cannot be fulfilled on pods "${pod.metadata.name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  let target: KubeObject = current;
  const marked = (current.status?.conditions ?? []).some((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  if (!options.dryRun && !marked && !current.metadata.deletionTimestamp) {
    const next = clone(current);
    const status = (next.status ??= {});
    status.conditions = [
      ...(status.conditions ?? []),
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'EvictionByEvictionAPI',
        message: 'Eviction API: evicting',
        lastTransitionTime: timestamp(),
      },
    ];
    target = await api.commit(PODS, next);
  }
  const deleteOptions = pre?.resourceVersion
    ? { ...options, preconditions: { ...pre, resourceVersion: target.metadata.resourceVersion } }
    : options;
  await api.delete(PODS, pod.metadata.namespace, pod.metadata.name, deleteOptions);
  if (!options.dryRun) deps.events.record(target, 'Normal', 'Evicted', 'Evicted through the eviction API');
}
