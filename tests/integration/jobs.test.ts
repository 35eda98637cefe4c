import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';

// Jobs and CronJobs run by their controllers on the simulated nodes: the
// runtime's exit codes come from pod annotations (entroos.io/exit-codes by
// attempt) or from one-shot commands such as `true`.

let server: TestServer;
let api: ReturnType<typeof client>;
let kubectl: Kubectl;
const JOBS = '/apis/batch/v1/namespaces/default/jobs';
const CRONJOBS = '/apis/batch/v1/namespaces/default/cronjobs';

const job = (
  name: string,
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
  podSpec: Record<string, unknown> = {},
) => ({
  metadata: { name },
  spec: {
    backoffLimit: 6,
    ...spec,
    template: {
      metadata: { annotations: { 'entroos.io/duration': '0.2', ...annotations } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'busybox:1.36', resources: { requests: { cpu: '10m', memory: '8Mi' } } }],
        ...podSpec,
      },
    },
  },
});

const getJob = async (name: string) => (await api.get(`${JOBS}/${name}`)).body;
const condition = (j: any, type: string) => (j.status?.conditions ?? []).find((c: any) => c.type === type);
const podsOf = async (name: string) =>
  (await api.get(`/api/v1/namespaces/default/pods?labelSelector=batch.kubernetes.io%2Fjob-name%3D${name}`)).body
    .items as any[];

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2', ENTROOS_CRASH_BACKOFF_MS: '200' } });
  api = client(server.url, await login(server.url));
  kubectl = await kubectlFor(server);
});
afterAll(async () => {
  await server?.stop();
});

describe('Jobs on the simulated nodes', () => {
  it('kubectl create job … -- true completes, and kubectl wait --for=condition=complete returns', async () => {
    await kubectl.run('create', 'job', 'hello', '--image=busybox', '--', 'true');
    const waited = await kubectl.run('wait', '--for=condition=complete', 'job/hello', '--timeout=30s');
    expect(waited).toContain('job.batch/hello condition met');
    const j = await getJob('hello');
    expect(j.status).toMatchObject({ succeeded: 1, failed: 0, active: 0 });
    expect(j.status.startTime).toBeTruthy();
    expect(j.status.completionTime).toBeTruthy();
    expect(condition(j, 'SuccessCriteriaMet')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(condition(j, 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(j.metadata.uid);
    const pods = await podsOf('hello');
    expect(pods).toHaveLength(1);
    expect(pods[0].status.phase).toBe('Succeeded');
    expect(pods[0].metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
    const table = await kubectl.run('get', 'job', 'hello');
    expect(table).toMatch(/NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE/);
    expect(table).toMatch(/hello\s+Complete\s+1\/1\s+\S+\s+\S+/);
    const wide = await kubectl.run('get', 'job', 'hello', '-o', 'wide');
    expect(wide).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide).toContain(`batch.kubernetes.io/controller-uid=${j.metadata.uid}`);
    const events = await kubectl.run('get', 'events', '--field-selector', 'involvedObject.name=hello');
    expect(events).toContain('SuccessfulCreate');
    expect(events).toContain('Completed');
  });

  it('a Job that fails twice then succeeds completes within its backoffLimit', async () => {
    const res = await api.post(JOBS, job('flaky', { backoffLimit: 3 }, { 'entroos.io/exit-codes': '1,1,0' }));
    expect(res.status).toBe(201);
    await kubectl.run('wait', '--for=condition=complete', 'job/flaky', '--timeout=40s');
    const j = await getJob('flaky');
    expect(j.status).toMatchObject({ succeeded: 1, failed: 2 });
    const pods = await podsOf('flaky');
    expect(pods.map((p) => p.status.phase).sort()).toEqual(['Failed', 'Failed', 'Succeeded']);
    expect(pods.map((p) => p.metadata.annotations['entroos.io/attempt']).sort()).toEqual(['0', '1', '2']);
  });

  it('with restartPolicy OnFailure the container restarts in place and the Job completes', async () => {
    const body = job(
      'restarts',
      { backoffLimit: 4 },
      { 'entroos.io/exit-codes': '3,3,0' },
      { restartPolicy: 'OnFailure' },
    );
    expect((await api.post(JOBS, body)).status).toBe(201);
    await kubectl.run('wait', '--for=condition=complete', 'job/restarts', '--timeout=40s');
    const pods = await podsOf('restarts');
    expect(pods).toHaveLength(1);
    expect(pods[0].status.containerStatuses[0].restartCount).toBe(2);
    expect((await getJob('restarts')).status).toMatchObject({ succeeded: 1, failed: 0 });
  });

  it('a Job that exceeds its backoffLimit fails with BackoffLimitExceeded', async () => {
    expect((await api.post(JOBS, job('doomed', { backoffLimit: 1 }, { 'entroos.io/exit-code': '2' }))).status).toBe(
      201,
    );
    await kubectl.run('wait', '--for=condition=failed', 'job/doomed', '--timeout=40s');
    const j = await getJob('doomed');
    expect(condition(j, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(condition(j, 'FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(j.status.failed).toBe(2);
    expect(j.status.active).toBe(0);
    const table = await kubectl.run('get', 'job', 'doomed');
    expect(table).toMatch(/doomed\s+Failed\s+0\/1/);
  });

  it('fails a Job active longer than activeDeadlineSeconds with DeadlineExceeded, deleting its pods', async () => {
    const body = job('slow', { activeDeadlineSeconds: 1 }, { 'entroos.io/duration': '60' });
    expect((await api.post(JOBS, body)).status).toBe(201);
    await kubectl.run('wait', '--for=condition=failed', 'job/slow', '--timeout=30s');
    const j = await getJob('slow');
    expect(condition(j, 'Failed')).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    expect(j.status.active).toBe(0);
    await until(async () => (await podsOf('slow')).length === 0, 'its pod deleted', 15_000);
  });

  it('a pod failure policy FailJob rule fails the Job on the first matching exit code', async () => {
    const body = job(
      'policy',
      {
        backoffLimit: 6,
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
      },
      { 'entroos.io/exit-code': '42' },
    );
    expect((await api.post(JOBS, body)).status).toBe(201);
    await kubectl.run('wait', '--for=condition=failed', 'job/policy', '--timeout=30s');
    const failed = condition(await getJob('policy'), 'Failed');
    expect(failed).toMatchObject({ reason: 'PodFailurePolicy' });
    expect(failed.message).toMatch(
      /Container main for pod default\/policy-\S+ failed with exit code 42 matching FailJob rule at index 0/,
    );
  });

  it('runs an Indexed Job with completions 3 and parallelism 2 to completedIndexes "0-2"', async () => {
    const body = job('indexed', { completions: 3, parallelism: 2, completionMode: 'Indexed' });
    expect((await api.post(JOBS, body)).status).toBe(201);
    const first = await until(async () => {
      const pods = await podsOf('indexed');
      return pods.length >= 2 ? pods : undefined;
    }, 'two indexed pods');
    const running = (first ?? []).filter((p) => p.status.phase !== 'Succeeded');
    expect(running.length).toBeLessThanOrEqual(2);
    await kubectl.run('wait', '--for=condition=complete', 'job/indexed', '--timeout=30s');
    const j = await getJob('indexed');
    expect(j.status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    const pods = await podsOf('indexed');
    const indexes = pods.map((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index']).sort();
    expect(indexes).toEqual(['0', '1', '2']);
    const zero = pods.find((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index'] === '0');
    expect(zero.spec.hostname).toBe('indexed-0');
    expect(zero.spec.containers[0].env).toContainEqual(expect.objectContaining({ name: 'JOB_COMPLETION_INDEX' }));
  });

  it('suspends (deleting active pods) and resumes a Job', async () => {
    const body = job('pausable', {}, { 'entroos.io/duration': '2' });
    expect((await api.post(JOBS, body)).status).toBe(201);
    await until(async () => (await getJob('pausable')).status?.active === 1, 'an active pod');
    await kubectl.run('patch', 'job', 'pausable', '--type=merge', '-p', '{"spec":{"suspend":true}}');
    await until(async () => {
      const j = await getJob('pausable');
      return condition(j, 'Suspended')?.status === 'True' && j.status.active === 0;
    }, 'the Job suspended');
    await until(async () => (await podsOf('pausable')).length === 0, 'its pods deleted');
    expect(await kubectl.run('get', 'job', 'pausable')).toMatch(/pausable\s+Suspended/);
    await kubectl.run('patch', 'job', 'pausable', '--type=merge', '-p', '{"spec":{"suspend":false}}');
    await kubectl.run('wait', '--for=condition=complete', 'job/pausable', '--timeout=30s');
    const j = await getJob('pausable');
    expect(condition(j, 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
    expect(j.status.succeeded).toBe(1);
    expect(j.status.failed).toBe(0);
  });

  it('deletes a finished Job and its pods after ttlSecondsAfterFinished', async () => {
    // Times are stored to the second, so a 1 s TTL can end within milliseconds of completion, before kubectl
    // wait has even read the Job: 5 s leaves it time to see it complete.
    expect((await api.post(JOBS, job('shortlived', { ttlSecondsAfterFinished: 5 }))).status).toBe(201);
    await kubectl.run('wait', '--for=condition=complete', 'job/shortlived', '--timeout=30s');
    await until(async () => (await api.get(`${JOBS}/shortlived`)).status === 404, 'the Job deleted', 15_000);
    await until(async () => (await podsOf('shortlived')).length === 0, 'its pods deleted', 15_000);
  });

  it('rejects invalid Jobs with 422 and field causes', async () => {
    const bad = job(
      'bad',
      { parallelism: -1, activeDeadlineSeconds: 0, completionMode: 'Indexed' },
      {},
      { restartPolicy: 'Always' },
    );
    const res = await api.post(JOBS, bad);
    expect(res.status).toBe(422);
    const fields = res.body.details.causes.map((c: any) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.parallelism',
        'spec.activeDeadlineSeconds',
        'spec.completions',
        'spec.template.spec.restartPolicy',
      ]),
    );
    const update = await kubectl.exec('set', 'image', 'job/hello', 'hello=busybox:1.37');
    expect(update.code).not.toBe(0);
    expect(update.stderr).toContain('spec.template: Invalid value');
    expect(update.stderr).toContain('field is immutable');
  });
});

describe('CronJobs', () => {
  it('kubectl create cronjob makes a valid CronJob that lists like kubectl 1.32', async () => {
    await kubectl.run('create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'true');
    const cj = (await api.get(`${CRONJOBS}/tick`)).body;
    expect(cj.spec).toMatchObject({
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      suspend: false,
    });
    const table = await kubectl.run('get', 'cronjobs');
    expect(table).toMatch(/NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE/);
    expect(table).toMatch(/tick\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>/);
  });

  it('runs a CronJob every minute into Jobs named after their scheduled minute', async () => {
    // A created CronJob runs only at its next scheduled minute, so this waits for at most one minute boundary.
    const res = await api.post(CRONJOBS, {
      metadata: { name: 'every' },
      spec: {
        schedule: '* * * * *',
        jobTemplate: {
          spec: {
            template: {
              metadata: { annotations: { 'entroos.io/duration': '0.2' } },
              spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
            },
          },
        },
      },
    });
    expect(res.status).toBe(201);
    const created = await until(
      async () => {
        const list = (await api.get(JOBS)).body.items.filter((j: any) => j.metadata.name.startsWith('every-'));
        return list.length ? list[0] : undefined;
      },
      'a Job from the CronJob',
      75_000,
    );
    const minutes = Number(created.metadata.name.slice('every-'.length));
    expect(minutes * 60_000).toBe(
      Date.parse(created.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']),
    );
    expect(created.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'every', controller: true });
    await kubectl.run('wait', '--for=condition=complete', `job/${created.metadata.name}`, '--timeout=30s');
    await until(async () => {
      const cj = (await api.get(`${CRONJOBS}/every`)).body;
      return cj.status.lastSuccessfulTime && !cj.status.active;
    }, 'lastSuccessfulTime');
  }, 120_000);

  it('rejects a bad schedule and an unknown time zone naming the fields', async () => {
    const res = await api.post(CRONJOBS, {
      metadata: { name: 'broken' },
      spec: {
        schedule: '61 * * * *',
        timeZone: 'Mars/Olympus',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
        },
      },
    });
    expect(res.status).toBe(422);
    const fields = res.body.details.causes.map((c: any) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['spec.schedule', 'spec.timeZone']));
  });
});
