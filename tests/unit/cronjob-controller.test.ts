import { describe, expect, it } from 'vitest';
import type { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { startCronJobController } from '@/lib/controllers/cronjob.ts';
import { timestamp } from '@/lib/apimachinery/meta.ts';
import { inProcessControllers, stoppedAfterEach } from '../helpers/in-process.ts';

// The CronJob controller against a real in-process object API, on a test
// clock: the test moves time from schedule to schedule and finishes Jobs
// itself (no Job controller or nodes run here), as the Job controller would.

const CRONJOBS = typeByKey('cronjobs.batch');
const JOBS = typeByKey('jobs.batch');
const MINUTE = 60_000;

const stops = stoppedAfterEach();

async function setup() {
  const { api, ctx } = await inProcessControllers();
  const clock = { now: Date.now() };
  const start = () => {
    const controller = startCronJobController(ctx, { now: () => clock.now });
    stops.push(controller.stop);
    return controller;
  };
  let controller = start();
  /** Moves the clock to `at` and lets the controller act on it. */
  const moveTo = async (at: number) => {
    clock.now = at;
    controller.resync();
    await controller.queue.idle();
    await new Promise((r) => setTimeout(r, 10)); // the recorder writes events asynchronously
  };
  const restart = () => {
    controller.stop();
    controller = start();
  };
  return { api, clock, moveTo, restart };
}

const cronJob = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    schedule: '* * * * *',
    ...spec,
    jobTemplate: {
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    },
  },
});

type Api = ObjectApi;
const jobsOf = (api: Api, name: string) =>
  (api.list(JOBS, 'default').items as any[])
    .filter((j) => j.metadata.ownerReferences?.[0]?.name === name)
    .map((j) => j.metadata.name)
    .sort();
const statusOf = (api: Api, name: string) => (api.get(CRONJOBS, 'default', name) as any).status;
const reasons = (api: Api, name: string) =>
  (api.list(typeByKey('events'), 'default').items as any[])
    .filter((e) => e.involvedObject.name === name)
    .map((e) => e.reason);

/** Finishes a Job as the Job controller would: Complete or Failed, with its times. */
async function finish(api: Api, name: string, type: 'Complete' | 'Failed', at: number) {
  const job = api.get(JOBS, 'default', name) as any;
  const now = timestamp(new Date(at));
  const next = structuredClone(job);
  next.status = {
    ...next.status,
    startTime: next.status?.startTime ?? now,
    ...(type === 'Complete' ? { completionTime: now, succeeded: 1 } : { failed: 1 }),
    conditions: [{ type, status: 'True', lastTransitionTime: now, lastProbeTime: now }],
  };
  await api.commit(JOBS, next);
}

const nextMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE + MINUTE;
const nameAt = (cj: string, t: number) => `${cj}-${Math.floor(t / MINUTE)}`;

describe('CronJob controller', () => {
  it('creates one Job per schedule, named by its minute, and tracks active and last times (Allow)', async () => {
    const { api, clock, moveTo } = await setup();
    await api.create(CRONJOBS, 'default', cronJob('allow'));
    await moveTo(clock.now + 1000);
    expect(jobsOf(api, 'allow')).toEqual([]); // the first scheduled minute has not come yet
    const m1 = nextMinute(clock.now);
    await moveTo(m1 + 5000);
    expect(jobsOf(api, 'allow')).toEqual([nameAt('allow', m1)]);
    const m2 = m1 + MINUTE;
    await moveTo(m2 + 1000);
    expect(jobsOf(api, 'allow')).toEqual([nameAt('allow', m1), nameAt('allow', m2)]);
    let status = statusOf(api, 'allow');
    expect(status.active.map((r: any) => r.name)).toEqual([nameAt('allow', m1), nameAt('allow', m2)]);
    expect(status.lastScheduleTime).toBe(timestamp(new Date(m2)));
    const job = api.get(JOBS, 'default', nameAt('allow', m1)) as any;
    expect(job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(timestamp(new Date(m1)));
    expect(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
    await finish(api, nameAt('allow', m1), 'Complete', m2 + 2000);
    await moveTo(m2 + 3000);
    status = statusOf(api, 'allow');
    expect(status.active.map((r: any) => r.name)).toEqual([nameAt('allow', m2)]);
    expect(status.lastSuccessfulTime).toBe(timestamp(new Date(m2 + 2000)));
    expect(reasons(api, 'allow')).toEqual(expect.arrayContaining(['SuccessfulCreate', 'SawCompletedJob']));
  });

  it('Forbid skips a run while one is active and starts the missed one when it finishes; Replace replaces it', async () => {
    const { api, clock, moveTo } = await setup();
    await api.create(CRONJOBS, 'default', cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    await api.create(CRONJOBS, 'default', cronJob('replace', { concurrencyPolicy: 'Replace' }));
    const m1 = nextMinute(clock.now);
    await moveTo(m1 + 1000);
    const m2 = m1 + MINUTE;
    await moveTo(m2 + 1000);
    expect(jobsOf(api, 'forbid')).toEqual([nameAt('forbid', m1)]);
    expect(reasons(api, 'forbid')).toContain('JobAlreadyActive');
    expect(jobsOf(api, 'replace')).toEqual([nameAt('replace', m2)]);
    expect(statusOf(api, 'replace').active.map((r: any) => r.name)).toEqual([nameAt('replace', m2)]);
    expect(reasons(api, 'replace')).toContain('SuccessfulDelete');
    // The active run finishes within the minute: the run Forbid held back starts late, as upstream.
    await finish(api, nameAt('forbid', m1), 'Complete', m2 + 2000);
    await moveTo(m2 + 3000);
    expect(jobsOf(api, 'forbid')).toEqual([nameAt('forbid', m1), nameAt('forbid', m2)]);
  });

  it('keeps successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs, deleting the oldest', async () => {
    const { api, clock, moveTo } = await setup();
    await api.create(
      CRONJOBS,
      'default',
      cronJob('history', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 }),
    );
    let t = nextMinute(clock.now);
    const names: string[] = [];
    for (let i = 0; i < 6; i++, t += MINUTE) {
      await moveTo(t + 1000);
      names.push(nameAt('history', t));
      // Runs 0–3 succeed, 4–5 fail.
      await finish(api, nameAt('history', t), i < 4 ? 'Complete' : 'Failed', t + 2000);
    }
    await moveTo(t - MINUTE + 3000);
    expect(jobsOf(api, 'history')).toEqual([names[2], names[3], names[5]].sort());
    expect(statusOf(api, 'history').active).toBeUndefined();
  });

  it('after downtime runs only the most recent missed schedule, and none past 100 missed or the starting deadline', async () => {
    const { api, clock, moveTo, restart } = await setup();
    await api.create(CRONJOBS, 'default', cronJob('late'));
    await api.create(CRONJOBS, 'default', cronJob('verylate'));
    await api.create(CRONJOBS, 'default', cronJob('deadline', { startingDeadlineSeconds: 20 }));
    const m1 = nextMinute(clock.now);
    await moveTo(m1 + 1000);
    expect(jobsOf(api, 'late')).toEqual([nameAt('late', m1)]);
    await finish(api, nameAt('late', m1), 'Complete', m1 + 2000);
    restart();
    // Ten minutes down: one catch-up run, for the latest missed minute.
    await moveTo(m1 + 10 * MINUTE + 30_000);
    expect(jobsOf(api, 'late')).toEqual([nameAt('late', m1), nameAt('late', m1 + 10 * MINUTE)]);
    // The run is 30 s late, beyond the 20 s starting deadline: not started.
    expect(jobsOf(api, 'deadline')).toEqual([nameAt('deadline', m1)]);
    restart();
    // Over 100 missed schedules: a warning, and no run.
    const before = jobsOf(api, 'verylate');
    await api.create(CRONJOBS, 'default', cronJob('never-ran', {}));
    await moveTo(m1 + 200 * MINUTE + 1000);
    expect(reasons(api, 'never-ran')).toContain('TooManyMissedTimes');
    expect(jobsOf(api, 'never-ran')).toEqual([]);
    expect(jobsOf(api, 'verylate').length).toBe(before.length);
    // Within its deadline, the deadline CronJob runs the current minute.
    expect(jobsOf(api, 'deadline')).toContain(nameAt('deadline', m1 + 200 * MINUTE));
  });

  it('creates nothing while suspended', async () => {
    const { api, clock, moveTo } = await setup();
    await api.create(CRONJOBS, 'default', cronJob('paused', { suspend: true }));
    await moveTo(nextMinute(clock.now) + 5 * MINUTE);
    expect(jobsOf(api, 'paused')).toEqual([]);
    expect(statusOf(api, 'paused').lastScheduleTime).toBeUndefined();
  });
});
