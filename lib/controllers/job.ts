import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { isReady } from './pods.ts';
import type {
  Job,
  JobCondition,
  JobStatus,
  ObjectMeta,
  Pod,
  PodFailurePolicyRule,
  PodSpec,
} from '../apimachinery/generated/kinds.ts';
import { clone, controllerOf, ownerRef, randomSuffix, timestamp, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored, StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// Runs each Job's pods to completion. Pods are created up to spec.parallelism
// while fewer than spec.completions succeeded; each carries the finalizer
// batch.kubernetes.io/job-tracking, so a finished pod is counted exactly once
// even across controller restarts: its uid is first recorded in
// status.uncountedTerminatedPods, then its finalizer removed, then it moves to
// status.succeeded / status.failed (as the upstream controller does). Failures
// past spec.backoffLimit, spec.activeDeadlineSeconds, or a pod failure policy's
// FailJob rule fail the Job; spec.suspend deletes its active pods;
// spec.ttlSecondsAfterFinished deletes a finished Job (its pods go with it).

const JOBS = typeByKey('jobs.batch');
const PODS = typeByKey('pods');
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
/** How many failed pods preceded this one (the simulated runtime picks its exit code by attempt). */
export const ATTEMPT_ANNOTATION = 'entroos.io/attempt';
const CONTROLLER = 'job-controller';
const BURST = 500;

type JobObject = StoredWithSpec<Job>;
type PodObject = Stored<Pod>;

export interface JobControllerOptions {
  /** The first delay before a failed pod is replaced; it doubles with each failure in a row (upstream: 10 s). */
  backoffBaseMs: number;
  /** The longest such delay (upstream: 6 minutes). */
  backoffMaxMs: number;
  /** The clock (tests drive their own). */
  now: () => number;
}

export const DEFAULT_JOB_OPTIONS: JobControllerOptions = {
  backoffBaseMs: 10_000,
  backoffMaxMs: 360_000,
  now: () => Date.now(),
};

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
const hasTracking = (p: KubeObject) => ((p.metadata as ObjectMeta).finalizers ?? []).includes(TRACKING_FINALIZER);
const isTrue = (job: JobObject, type: string) =>
  (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
export const isFinishedJob = (job: { status?: JobStatus }) =>
  (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/** The index of an Indexed Job's pod, or undefined. */
function indexOf(pod: KubeObject): number | undefined {
  const text = (pod.metadata as ObjectMeta).annotations?.[COMPLETION_INDEX];
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Indexes as the API writes them: sorted ranges, "0-2,4". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(text: string | undefined, below: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const to = Math.min(Number(m[2] ?? m[1]), below - 1);
    for (let i = Number(m[1]); i <= to; i++) out.add(i);
  }
  return out;
}

function condition(type: string, status: 'True' | 'False', reason: string, message: string): JobCondition {
  const now = timestamp();
  return { type, status, reason, message, lastProbeTime: now, lastTransitionTime: now };
}

/** Sets a condition, keeping its transition time when only the probe time would change. */
function setCondition(status: JobStatus, next: JobCondition) {
  const list = (status.conditions ??= []);
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) list.push(next);
  else if (list[i].status !== next.status || list[i].reason !== next.reason) list[i] = next;
}

/** A failed pod's terminated containers (exit code ≠ 0, as pod failure policies see them). */
function failedExits(pod: PodObject): { name: string; code: number }[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((s) => ({ name: s.name, code: s.state?.terminated?.exitCode }))
    .filter((s): s is { name: string; code: number } => s.code !== undefined && s.code !== 0);
}

/** The first rule of the pod failure policy that a failed pod matches, with what matched. */
function matchRule(
  rules: PodFailurePolicyRule[],
  pod: PodObject,
): { rule: PodFailurePolicyRule; index: number; exit?: { name: string; code: number } } | undefined {
  for (const [index, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const { containerName, operator, values } = rule.onExitCodes;
      const exit = failedExits(pod).find(
        (e) =>
          (!containerName || e.name === containerName) &&
          (operator === 'In' ? values.includes(e.code) : !values.includes(e.code)),
      );
      if (exit) return { rule, index, exit };
    }
    for (const pattern of rule.onPodConditions ?? []) {
      if (
        (pod.status?.conditions ?? []).some((c) => c.type === pattern.type && c.status === (pattern.status || 'True'))
      )
        return { rule, index };
    }
  }
  return undefined;
}

export function startJobController(ctx: ControllerContext, options: Partial<JobControllerOptions> = {}) {
  const { api, events, log } = ctx;
  const opts = { ...DEFAULT_JOB_OPTIONS, ...options };
  const pods = ctx.owners.acquire(PODS.key);
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'job reconcile failed'));
  /** Pods deleted outright while they still had the tracking finalizer (a forced removal), by job uid. */
  const vanished = new Map<string, Map<string, { uid: string; succeeded: boolean; index?: number }>>();
  /** Failures in a row per job uid, for the replacement back-off (kept in memory, as upstream). */
  const backoff = new Map<string, { failures: number; lastAt: number }>();
  /** Pods whose finalizer this controller removed, until their deletion is seen. */
  const released = new Set<string>();

  const start = api.cache.resourceVersion;
  for (const job of api.cache.list(JOBS.key).items) queue.add(keyOf(job));
  for (const pod of api.cache.list(PODS.key).items) if (hasTracking(pod)) queue.add(`pod:${keyOf(pod)}`);
  const unsubscribeJobs = api.cache.watch({ resource: JOBS.key }, start, (e) => {
    if (e.type === 'DELETED') {
      vanished.delete(e.object.metadata.uid);
      backoff.delete(e.object.metadata.uid);
      for (const pod of pods.owned(e.object.metadata.uid)) queue.add(`pod:${keyOf(pod)}`);
    }
    queue.add(keyOf(e.object));
  });
  const unsubscribePods = api.cache.watch({ resource: PODS.key }, start, (e) => {
    const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
    if (owner?.kind !== 'Job') return;
    const pod = e.object as PodObject;
    // Removing the finalizer of a pod being deleted removes it in the same write, so its last version
    // still shows the finalizer: only a pod this controller did not release was removed behind its back.
    if (e.type === 'DELETED' && hasTracking(pod) && !released.delete(pod.metadata.uid)) {
      let gone = vanished.get(owner.uid);
      if (!gone) vanished.set(owner.uid, (gone = new Map()));
      gone.set(pod.metadata.uid, {
        uid: pod.metadata.uid,
        succeeded: pod.status?.phase === 'Succeeded',
        index: indexOf(pod),
      });
    }
    queue.add(`${pod.metadata.namespace}/${owner.name}`);
    if (e.type !== 'DELETED' && hasTracking(pod)) queue.add(`pod:${keyOf(pod)}`);
  });

  async function reconcile(key: string) {
    if (key.startsWith('pod:')) return releaseOrphan(key.slice(4));
    const [namespace, name] = key.split('/');
    const job = api.peek(JOBS, namespace, name) as JobObject | undefined;
    if (!job) return;
    const uid = job.metadata.uid;
    const owned = pods.owned(uid).filter((p) => controllerOf(p)?.uid === uid) as PodObject[];
    if (job.metadata.deletionTimestamp) {
      // The Job is going: its pods must be free to go too.
      for (const pod of owned) await releasePod(pod);
      return;
    }
    await syncJob(job, owned);
  }

  /** A tracked pod whose Job is gone (or is not its controller any more) must not be held by the finalizer. */
  async function releaseOrphan(podKey: string) {
    const [namespace, name] = podKey.split('/');
    const pod = api.peek(PODS, namespace, name) as PodObject | undefined;
    if (!pod || !hasTracking(pod)) return;
    const owner = controllerOf(pod);
    const job = owner?.kind === 'Job' ? (api.peek(JOBS, namespace, owner.name) as JobObject | undefined) : undefined;
    if (job && job.metadata.uid === owner?.uid && !job.metadata.deletionTimestamp) return;
    await releasePod(pod);
  }

  async function releasePod(pod: PodObject) {
    const live = api.peek(PODS, pod.metadata.namespace, pod.metadata.name) as PodObject | undefined;
    if (!live || live.metadata.uid !== pod.metadata.uid || !hasTracking(live)) return;
    const finalizers = (live.metadata.finalizers ?? []).filter((f) => f !== TRACKING_FINALIZER);
    try {
      // A merge patch is applied to the object as stored, so a concurrent status write is not undone.
      released.add(live.metadata.uid);
      await api.patch(PODS, live.metadata.namespace, live.metadata.name, 'merge', {
        metadata: { finalizers: finalizers.length ? finalizers : null },
      });
      if (!live.metadata.deletionTimestamp) released.delete(live.metadata.uid);
    } catch (err) {
      if (!(isApiError(err) && err.code === 404)) throw err;
    }
  }

  async function deletePod(job: JobObject, pod: PodObject) {
    if (pod.metadata.deletionTimestamp) return;
    try {
      await api.delete(PODS, pod.metadata.namespace, pod.metadata.name);
      events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, CONTROLLER);
    } catch (err) {
      if (!(isApiError(err) && err.code === 404)) throw err;
    }
  }

  async function syncJob(job: JobObject, owned: PodObject[]) {
    const key = keyOf(job);
    const spec = job.spec;
    const now = opts.now();
    const status: JobStatus = clone(job.status ?? {});
    const uncounted = {
      succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])],
      failed: [...(status.uncountedTerminatedPods?.failed ?? [])],
    };
    const isUncounted = (uid: string) => uncounted.succeeded.includes(uid) || uncounted.failed.includes(uid);
    const indexed = spec.completionMode === 'Indexed';
    const completions = spec.completions ?? undefined;
    const rules = spec.podFailurePolicy?.rules ?? [];
    let finished = isFinishedJob(job);
    const successMet = isTrue(job, 'SuccessCriteriaMet');
    let failure: { reason: string; message: string; event: string } | undefined = isTrue(job, 'FailureTarget')
      ? (() => {
          const c = (status.conditions ?? []).find((x) => x.type === 'FailureTarget');
          return { reason: c?.reason ?? '', message: c?.message ?? '', event: '' };
        })()
      : undefined;
    const succeededIndexes = parseIndexes(status.completedIndexes, completions ?? 0);

    // 1. Finished pods not yet recorded: into uncountedTerminatedPods (or, for Ignore rules, just released).
    const toRelease: PodObject[] = [];
    let newFailures = 0;
    for (const pod of owned) {
      if (!hasTracking(pod) || isUncounted(pod.metadata.uid)) continue;
      const phase = pod.status?.phase;
      if (phase === 'Succeeded') {
        uncounted.succeeded.push(pod.metadata.uid);
        continue;
      }
      const terminating = Boolean(pod.metadata.deletionTimestamp);
      if (phase !== 'Failed' && !terminating) continue;
      // Pods stopped because the Job was suspended (or had already succeeded) are not failures.
      if (terminating && (spec.suspend === true || successMet)) {
        toRelease.push(pod);
        continue;
      }
      const match = phase === 'Failed' ? matchRule(rules, pod) : undefined;
      if (match?.rule.action === 'Ignore') {
        toRelease.push(pod);
        continue;
      }
      if (match?.rule.action === 'FailJob' && !failure && !finished) {
        const exit = match.exit;
        const message = exit
          ? `Container ${exit.name} for pod ${keyOf(pod)} failed with exit code ${exit.code} matching FailJob rule at index ${match.index}`
          : `Pod ${keyOf(pod)} has condition ${match.rule.onPodConditions?.[0]?.type} matching FailJob rule at index ${match.index}`;
        failure = { reason: 'PodFailurePolicy', message, event: 'PodFailurePolicy' };
      }
      uncounted.failed.push(pod.metadata.uid);
      if (!terminating || phase === 'Failed') newFailures++;
    }
    for (const gone of vanished.get(job.metadata.uid)?.values() ?? []) {
      if (!isUncounted(gone.uid) && !owned.some((p) => p.metadata.uid === gone.uid)) {
        (gone.succeeded ? uncounted.succeeded : uncounted.failed).push(gone.uid);
        if (gone.succeeded && gone.index !== undefined) succeededIndexes.add(gone.index);
      }
    }
    vanished.delete(job.metadata.uid);
    if (newFailures) {
      const record = backoff.get(job.metadata.uid) ?? { failures: 0, lastAt: 0 };
      backoff.set(job.metadata.uid, { failures: record.failures + newFailures, lastAt: now });
    } else if (uncounted.succeeded.length) backoff.delete(job.metadata.uid);
    const recorded = {
      succeeded: status.uncountedTerminatedPods?.succeeded ?? [],
      failed: status.uncountedTerminatedPods?.failed ?? [],
    };
    if (
      uncounted.succeeded.length !== recorded.succeeded.length ||
      uncounted.failed.length !== recorded.failed.length
    ) {
      status.uncountedTerminatedPods = { succeeded: uncounted.succeeded, failed: uncounted.failed };
      await writeStatus(job, status);
    }

    // 2. Release the recorded pods, then count them.
    for (const pod of owned) if (isUncounted(pod.metadata.uid)) toRelease.push(pod);
    for (const pod of toRelease) await releasePod(pod);
    const stillTracked = (uid: string) => {
      const pod = owned.find((p) => p.metadata.uid === uid);
      if (!pod) return false;
      const live = api.peek(PODS, pod.metadata.namespace, pod.metadata.name);
      return Boolean(live && live.metadata.uid === uid && hasTracking(live));
    };
    const countedSucceeded = uncounted.succeeded.filter((uid) => !stillTracked(uid));
    const countedFailed = uncounted.failed.filter((uid) => !stillTracked(uid));
    for (const uid of countedSucceeded) {
      const pod = owned.find((p) => p.metadata.uid === uid);
      const index = pod && indexOf(pod);
      if (index !== undefined && completions !== undefined && index < completions) succeededIndexes.add(index);
    }
    if (indexed) status.succeeded = succeededIndexes.size;
    else status.succeeded = (status.succeeded ?? 0) + countedSucceeded.length;
    status.failed = (status.failed ?? 0) + countedFailed.length;
    status.uncountedTerminatedPods = {
      succeeded: uncounted.succeeded.filter((uid) => !countedSucceeded.includes(uid)),
      failed: uncounted.failed.filter((uid) => !countedFailed.includes(uid)),
    };
    if (!status.uncountedTerminatedPods.succeeded?.length) delete status.uncountedTerminatedPods.succeeded;
    if (!status.uncountedTerminatedPods.failed?.length) delete status.uncountedTerminatedPods.failed;
    if (indexed) status.completedIndexes = formatIndexes(succeededIndexes);

    const live = () =>
      owned.filter((p) => {
        const cur = api.peek(PODS, p.metadata.namespace, p.metadata.name) as PodObject | undefined;
        return cur && cur.metadata.uid === p.metadata.uid;
      });
    let active = owned.filter(
      (p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
    );
    const failedSoFar = (status.failed ?? 0) + (status.uncountedTerminatedPods.failed?.length ?? 0);
    const succeededSoFar = indexed
      ? succeededIndexes.size
      : (status.succeeded ?? 0) + (status.uncountedTerminatedPods.succeeded?.length ?? 0);

    // 3. Has the Job failed or succeeded?
    const suspended = spec.suspend === true;
    if (!finished && !failure && !successMet) {
      const backoffLimit = spec.backoffLimit ?? 6;
      const restarts =
        spec.template?.spec?.restartPolicy === 'OnFailure'
          ? active.reduce(
              (n, p) =>
                n +
                [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].reduce(
                  (m, s) => m + (s.restartCount ?? 0),
                  0,
                ),
              0,
            )
          : 0;
      const pastOnFailure = restarts > 0 && (backoffLimit === 0 || restarts >= backoffLimit);
      if (failedSoFar > backoffLimit || pastOnFailure)
        failure = {
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          event: 'BackoffLimitExceeded',
        };
      else if (
        !suspended &&
        spec.activeDeadlineSeconds !== undefined &&
        status.startTime &&
        now >= Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000
      )
        failure = {
          reason: 'DeadlineExceeded',
          message: 'Job was active longer than specified deadline',
          event: 'DeadlineExceeded',
        };
    }
    const successReached =
      successMet ||
      (!failure &&
        (indexed
          ? completions !== undefined && succeededIndexes.size >= completions
          : completions !== undefined
            ? succeededSoFar >= completions
            : succeededSoFar > 0 && active.length === 0));

    if (failure && !finished) {
      if (!isTrue(job, 'FailureTarget')) {
        setCondition(status, condition('FailureTarget', 'True', failure.reason, failure.message));
        if (failure.event) events.record(job, 'Warning', failure.event, failure.message, CONTROLLER);
      }
      for (const pod of active) await deletePod(job, pod);
      active = [];
    } else if (successReached && !finished) {
      if (!isTrue(job, 'SuccessCriteriaMet'))
        setCondition(
          status,
          condition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        );
      for (const pod of active) await deletePod(job, pod);
      active = [];
    }

    // 4. Terminal conditions once no pod is left to count.
    const pending = () =>
      live().some((p) => hasTracking(api.peek(PODS, p.metadata.namespace, p.metadata.name) as PodObject)) ||
      Boolean(status.uncountedTerminatedPods?.failed?.length || status.uncountedTerminatedPods?.succeeded?.length);
    if (!finished && (failure || successReached) && !pending()) {
      if (failure) {
        setCondition(status, condition('Failed', 'True', failure.reason, failure.message));
      } else {
        setCondition(
          status,
          condition('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        );
        status.completionTime = timestamp(new Date(now));
        events.record(job, 'Normal', 'Completed', 'Job completed', CONTROLLER);
      }
      finished = true;
    }

    // 5. Suspend / resume, then the pods to create.
    let createDelayMs: number | undefined;
    if (!finished && !failure && !successReached) {
      const wasSuspended = isTrue(job, 'Suspended');
      if (suspended) {
        for (const pod of active) await deletePod(job, pod);
        active = [];
        if (!wasSuspended) {
          setCondition(status, condition('Suspended', 'True', 'JobSuspended', 'Job suspended'));
          events.record(job, 'Normal', 'Suspended', 'Job suspended', CONTROLLER);
        }
      } else {
        if (wasSuspended) {
          setCondition(status, condition('Suspended', 'False', 'JobResumed', 'Job resumed'));
          events.record(job, 'Normal', 'Resumed', 'Job resumed', CONTROLLER);
          status.startTime = timestamp(new Date(now));
        }
        status.startTime ??= timestamp(new Date(now));
        const record = backoff.get(job.metadata.uid);
        const delay = record
          ? Math.min(opts.backoffMaxMs, opts.backoffBaseMs * 2 ** Math.max(0, record.failures - 1))
          : 0;
        const waitMs = record ? record.lastAt + delay - now : 0;
        if (waitMs > 0) createDelayMs = waitMs;
        else
          active = [
            ...active,
            ...(await createPods(job, active, succeededIndexes, succeededSoFar, failedSoFar, owned)),
          ];
      }
    }

    // 6. Status.
    status.active = active.length;
    status.ready = active.filter(isReady).length;
    status.failed ??= 0;
    status.succeeded ??= 0;
    await writeStatus(job, status);

    // 7. Timers: the replacement back-off, the active deadline, the TTL after finishing.
    if (createDelayMs !== undefined) queue.addAfter(key, createDelayMs);
    if (!finished && !suspended && spec.activeDeadlineSeconds !== undefined && status.startTime)
      queue.addAfter(key, Math.max(0, Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now) + 10);
    if (finished && spec.ttlSecondsAfterFinished !== undefined) await expire(job, status, now);
  }

  async function expire(job: JobObject, status: JobStatus, now: number) {
    const done = (status.conditions ?? []).find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const finishedAt = Date.parse(status.completionTime ?? done?.lastTransitionTime ?? '') || now;
    const at = finishedAt + (job.spec.ttlSecondsAfterFinished ?? 0) * 1000;
    if (at > now) return queue.addAfter(keyOf(job), at - now + 10);
    try {
      // As the TTL-after-finished controller: foreground, so the Job disappears after its pods.
      await api.delete(JOBS, job.metadata.namespace, job.metadata.name, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: job.metadata.uid },
      });
    } catch (err) {
      if (!(isApiError(err) && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  async function createPods(
    job: JobObject,
    active: PodObject[],
    succeededIndexes: Set<number>,
    succeeded: number,
    failed: number,
    owned: PodObject[],
  ): Promise<PodObject[]> {
    const spec = job.spec;
    const parallelism = spec.parallelism ?? 1;
    const completions = spec.completions ?? undefined;
    const created: PodObject[] = [];
    if (spec.completionMode === 'Indexed') {
      const total = completions ?? 0;
      const running = new Set(active.map(indexOf));
      const room = Math.min(parallelism - active.length, BURST);
      const missing: number[] = [];
      for (let i = 0; i < total && missing.length < room; i++)
        if (!succeededIndexes.has(i) && !running.has(i)) missing.push(i);
      for (const index of missing) {
        const failedBefore = owned.filter(
          (p) => indexOf(p) === index && (p.status?.phase === 'Failed' || p.metadata.deletionTimestamp),
        ).length;
        const pod = await createPod(job, failedBefore, index);
        if (pod) created.push(pod);
      }
      return created;
    }
    let want: number;
    if (completions !== undefined) want = Math.min(parallelism, completions - succeeded);
    else want = succeeded > 0 ? active.length : parallelism;
    const n = Math.min(want - active.length, BURST);
    for (let i = 0; i < n; i++) {
      const pod = await createPod(job, failed);
      if (pod) created.push(pod);
    }
    if (want - active.length > BURST) queue.add(keyOf(job));
    return created;
  }

  async function createPod(job: JobObject, attempt: number, index?: number): Promise<PodObject | undefined> {
    const template = clone(job.spec.template ?? {});
    const metadata = template.metadata ?? {};
    const annotations: Record<string, string> = {
      ...(metadata.annotations ?? {}),
      [ATTEMPT_ANNOTATION]: String(attempt),
    };
    const labels: Record<string, string> = { ...(metadata.labels ?? {}) };
    const podSpec = (template.spec ?? {}) as PodSpec;
    if (index !== undefined) {
      annotations[COMPLETION_INDEX] = String(index);
      labels[COMPLETION_INDEX] = String(index);
      podSpec.hostname ??= `${job.metadata.name}-${index}`;
      for (const c of [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])]) {
        const env = (c.env ??= []);
        if (!env.some((e) => e.name === 'JOB_COMPLETION_INDEX'))
          env.push({
            name: 'JOB_COMPLETION_INDEX',
            valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } },
          });
      }
    }
    const prefix = index !== undefined ? `${job.metadata.name}-${index}-` : `${job.metadata.name}-`;
    const pod: Pod = {
      metadata: {
        ...metadata,
        name: `${prefix}${randomSuffix()}`,
        namespace: job.metadata.namespace,
        labels,
        annotations,
        finalizers: [TRACKING_FINALIZER],
        ownerReferences: [ownerRef(job, 'batch/v1', 'Job')],
      },
      spec: podSpec,
    };
    try {
      const created = (await api.create(PODS, job.metadata.namespace, pod)) as PodObject;
      events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, CONTROLLER);
      return created;
    } catch (err) {
      if (isApiError(err) && err.code === 409) return undefined; // a random-name collision: the next pass retries
      events.record(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`, CONTROLLER);
      throw err;
    }
  }

  async function writeStatus(job: JobObject, status: JobStatus) {
    const fresh = api.peek(JOBS, job.metadata.namespace, job.metadata.name) as JobObject | undefined;
    if (!fresh || fresh.metadata.uid !== job.metadata.uid) return;
    if (JSON.stringify(fresh.status ?? {}) === JSON.stringify(status)) return;
    const next = clone(fresh);
    next.status = clone(status);
    await api.commit(JOBS, next);
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribeJobs();
      unsubscribePods();
      pods.release();
    },
  };
}
