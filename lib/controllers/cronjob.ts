import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { isFinishedJob } from './job.ts';
import type { CronJob, CronJobStatus, Job, ObjectReference } from '../apimachinery/generated/kinds.ts';
import { clone, controllerOf, ownerRef, timestamp, type KubeObject } from '../apimachinery/meta.ts';
import type { Stored, StoredWithSpec } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';
import { parseCronSchedule, type CronSchedule } from '../apiserver/kinds/cron-schedule.ts';

// Creates each CronJob's Jobs on its schedule. A Job is named after the time it
// was scheduled for (`<cronjob>-<minutes since the epoch>`), so a schedule is
// never run twice. After downtime, only the most recent missed time is run (if
// it is within startingDeadlineSeconds); with more than 100 missed times the
// controller reports TooManyMissedTimes and runs nothing. concurrencyPolicy
// decides what happens while an earlier Job is still running; finished Jobs
// beyond the history limits are deleted, oldest first.

const CRONJOBS = typeByKey('cronjobs.batch');
const JOBS = typeByKey('jobs.batch');
const CONTROLLER = 'cronjob-controller';
const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const MAX_MISSED = 100;

type CronJobObject = StoredWithSpec<CronJob>;
type JobObject = Stored<Job>;

export interface CronJobControllerOptions {
  /** The clock the schedules are read against (tests drive their own). */
  now: () => number;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
const jobCondition = (job: JobObject, type: string) =>
  (job.status?.conditions ?? []).find((c) => c.type === type && c.status === 'True');

/** The Job name for a scheduled time: the CronJob's name and the minutes since the epoch. */
export const scheduledJobName = (cronJob: string, at: Date) => `${cronJob}-${Math.floor(at.getTime() / 60_000)}`;

/**
 * The most recent scheduled time in (earliest, now], and how many there were; stops counting past MAX_MISSED
 * (the run is then refused anyway, and counting years of minutes would stall the controller).
 */
export function missedSchedules(schedule: CronSchedule, earliest: Date, now: Date): { last?: Date; count: number } {
  let last: Date | undefined;
  let count = 0;
  for (let t = schedule.next(earliest); t.getTime() <= now.getTime(); t = schedule.next(t)) {
    last = t;
    if (++count > MAX_MISSED) break;
  }
  return { last, count };
}

export function startCronJobController(ctx: ControllerContext, options: Partial<CronJobControllerOptions> = {}) {
  const { api, events, log } = ctx;
  const now = options.now ?? (() => Date.now());
  const jobs = ctx.owners.acquire(JOBS.key);
  const queue = new WorkQueue(reconcile, (key, err) => log.warn({ err, key }, 'cronjob reconcile failed'));
  const start = api.cache.resourceVersion;
  for (const cj of api.cache.list(CRONJOBS.key).items) queue.add(keyOf(cj));
  const unsubscribeCronJobs = api.cache.watch({ resource: CRONJOBS.key }, start, (e) => queue.add(keyOf(e.object)));
  const unsubscribeJobs = api.cache.watch({ resource: JOBS.key }, start, (e) => {
    const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
    if (owner?.kind === 'CronJob') queue.add(`${e.object.metadata.namespace}/${owner.name}`);
  });

  async function reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cj = api.peek(CRONJOBS, namespace, name) as CronJobObject | undefined;
    if (!cj || cj.metadata.deletionTimestamp) return;
    const spec = cj.spec;
    const owned = jobs.owned(cj.metadata.uid).filter((j) => controllerOf(j)?.uid === cj.metadata.uid) as JobObject[];
    const status: CronJobStatus = clone(cj.status ?? {});
    const wasActive = new Set((status.active ?? []).map((r) => r.uid));

    // Finished Jobs leave status.active; the newest success is lastSuccessfulTime.
    const running = owned.filter((j) => !isFinishedJob(j) && !j.metadata.deletionTimestamp);
    for (const job of owned) {
      if (!isFinishedJob(job) || !wasActive.has(job.metadata.uid)) continue;
      const type = jobCondition(job, 'Complete') ? 'Complete' : 'Failed';
      events.record(
        cj,
        'Normal',
        'SawCompletedJob',
        `Saw completed job: ${job.metadata.name}, condition: ${type}`,
        CONTROLLER,
      );
      const completed = job.status?.completionTime;
      if (type === 'Complete' && completed && (!status.lastSuccessfulTime || completed > status.lastSuccessfulTime))
        status.lastSuccessfulTime = completed;
    }
    for (const job of running)
      if (!wasActive.has(job.metadata.uid))
        events.record(
          cj,
          'Warning',
          'UnexpectedJob',
          `Saw a job that the controller did not create or forgot: ${job.metadata.name}`,
          CONTROLLER,
        );
    const known = new Map((status.active ?? []).map((r) => [r.uid, r]));
    status.active = running.map((j) => known.get(j.metadata.uid) ?? reference(j));
    await pruneHistory(cj, owned);

    if (spec.suspend) return writeStatus(cj, status);
    let schedule: CronSchedule;
    try {
      schedule = parseCronSchedule(spec.schedule ?? '', spec.timeZone ?? undefined);
    } catch (err) {
      events.record(
        cj,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: ${(err as Error).message}`,
        CONTROLLER,
      );
      return writeStatus(cj, status);
    }
    const at = new Date(now());
    const requeue = (): void => queue.addAfter(key, Math.max(0, schedule.next(at).getTime() - at.getTime()) + 100);
    let earliest = new Date(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? at.toISOString());
    const deadline = spec.startingDeadlineSeconds ?? undefined;
    if (deadline !== undefined && at.getTime() - deadline * 1000 > earliest.getTime())
      earliest = new Date(at.getTime() - deadline * 1000);
    const missed = missedSchedules(schedule, earliest, at);
    if (!missed.last) {
      await writeStatus(cj, status);
      return requeue();
    }
    if (missed.count > MAX_MISSED) {
      events.record(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: > ${MAX_MISSED}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
        CONTROLLER,
      );
      await writeStatus(cj, status);
      return requeue();
    }
    const scheduled = missed.last;
    if (deadline !== undefined && scheduled.getTime() + deadline * 1000 < at.getTime()) {
      events.record(
        cj,
        'Warning',
        'MissSchedule',
        `Missed scheduled time to start a job: ${timestamp(scheduled)}`,
        CONTROLLER,
      );
      await writeStatus(cj, status);
      return requeue();
    }
    const jobName = scheduledJobName(cj.metadata.name, scheduled);
    if (owned.some((j) => j.metadata.name === jobName)) {
      // Already run (a restart before lastScheduleTime was written).
      status.lastScheduleTime = timestamp(scheduled);
      await writeStatus(cj, status);
      return requeue();
    }
    if (spec.concurrencyPolicy === 'Forbid' && running.length) {
      events.record(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
        CONTROLLER,
      );
      await writeStatus(cj, status);
      return requeue();
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const job of running) {
        await deleteJob(cj, job);
        status.active = (status.active ?? []).filter((r) => r.uid !== job.metadata.uid);
      }
    }
    const created = await createJob(cj, jobName, scheduled);
    if (created) status.active = [...(status.active ?? []), reference(created)];
    status.lastScheduleTime = timestamp(scheduled);
    await writeStatus(cj, status);
    requeue();
  }

  function reference(job: KubeObject): ObjectReference {
    return {
      kind: 'Job',
      namespace: job.metadata.namespace,
      name: job.metadata.name,
      uid: job.metadata.uid,
      apiVersion: 'batch/v1',
      resourceVersion: job.metadata.resourceVersion,
    };
  }

  async function createJob(cj: CronJobObject, name: string, scheduled: Date): Promise<KubeObject | undefined> {
    const template = clone(cj.spec.jobTemplate ?? {});
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        labels: template.metadata?.labels ?? {},
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: timestamp(scheduled) },
        ownerReferences: [ownerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: template.spec ?? { template: {} },
    };
    try {
      const created = await api.create(JOBS, cj.metadata.namespace, job);
      events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`, CONTROLLER);
      return created;
    } catch (err) {
      if (isApiError(err) && err.code === 409) return api.peek(JOBS, cj.metadata.namespace, name);
      events.record(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`, CONTROLLER);
      throw err;
    }
  }

  async function deleteJob(cj: CronJobObject, job: JobObject) {
    try {
      await api.delete(JOBS, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
      events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, CONTROLLER);
    } catch (err) {
      if (!(isApiError(err) && err.code === 404)) throw err;
    }
  }

  /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
  async function pruneHistory(cj: CronJobObject, owned: JobObject[]) {
    const started = (j: JobObject) => Date.parse(j.status?.startTime ?? j.metadata.creationTimestamp ?? '') || 0;
    const finished = owned.filter((j) => isFinishedJob(j) && !j.metadata.deletionTimestamp);
    const groups: [JobObject[], number | undefined][] = [
      [finished.filter((j) => jobCondition(j, 'Complete')), cj.spec.successfulJobsHistoryLimit ?? undefined],
      [finished.filter((j) => !jobCondition(j, 'Complete')), cj.spec.failedJobsHistoryLimit ?? undefined],
    ];
    for (const [group, limit] of groups) {
      if (limit === undefined || group.length <= limit) continue;
      const oldest = group.sort((a, b) => started(a) - started(b)).slice(0, group.length - limit);
      for (const job of oldest) await deleteJob(cj, job);
    }
  }

  async function writeStatus(cj: CronJobObject, status: CronJobStatus) {
    const fresh = api.peek(CRONJOBS, cj.metadata.namespace, cj.metadata.name) as CronJobObject | undefined;
    if (!fresh || fresh.metadata.uid !== cj.metadata.uid) return;
    if (!status.active?.length) delete status.active;
    if (JSON.stringify(fresh.status ?? {}) === JSON.stringify(status)) return;
    const next = clone(fresh);
    next.status = status;
    await api.commit(CRONJOBS, next);
  }

  return {
    queue,
    /** Enqueues every CronJob (tests that move their clock, then wait for the queue). */
    resync: () => {
      for (const cj of api.cache.list(CRONJOBS.key).items) queue.add(keyOf(cj));
    },
    stop: () => {
      queue.stop();
      unsubscribeCronJobs();
      unsubscribeJobs();
      jobs.release();
    },
  };
}
