import { describe, expect, it } from 'vitest';
import type { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { inProcessControllers, stoppedAfterEach } from '../helpers/in-process.ts';
import { startJobController, TRACKING_FINALIZER } from '@/lib/controllers/job.ts';

// The Job controller against a real in-process object API, without nodes: the
// test plays the kubelet (writing pods' phases) and restarts the controller
// between steps, to show each finished pod is counted exactly once.

const JOBS = typeByKey('jobs.batch');
const PODS = typeByKey('pods');

const stops = stoppedAfterEach();

async function setup() {
  const { api, ctx } = await inProcessControllers();
  let controller: ReturnType<typeof startJobController> | undefined;
  const start = async () => {
    controller = startJobController(ctx, { backoffBaseMs: 1 });
    stops.push(controller.stop);
    await settle();
  };
  const stop = () => controller?.stop();
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await controller?.queue.idle();
    }
  };
  return { api, start, stop, settle };
}

const jobBody = (name: string, spec: Record<string, unknown>) => ({
  metadata: { name },
  spec: {
    ...spec,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
  },
});

const podsOf = (api: ObjectApi, job: string) =>
  (api.list(PODS, 'default').items as any[]).filter((p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === job);
const statusOf = (api: ObjectApi, job: string) => (api.get(JOBS, 'default', job) as any).status;

/** Plays the kubelet: the pod's container exited with `code`. */
async function finishPod(api: ObjectApi, name: string, code: number) {
  const pod = structuredClone(api.get(PODS, 'default', name) as any);
  pod.status = {
    ...pod.status,
    phase: code === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: [
      {
        name: 'c',
        ready: false,
        restartCount: 0,
        image: 'busybox',
        imageID: '',
        state: { terminated: { exitCode: code } },
      },
    ],
  };
  await api.commit(PODS, pod);
}

describe('Job controller', () => {
  it('counts each finished pod once across controller restarts, through uncountedTerminatedPods', async () => {
    const { api, start, stop, settle } = await setup();
    await start();
    await api.create(JOBS, 'default', jobBody('count', { completions: 3, parallelism: 2, backoffLimit: 5 }));
    await settle();
    let pods = podsOf(api, 'count');
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.metadata.finalizers.includes(TRACKING_FINALIZER))).toBe(true);
    expect(pods.map((p) => p.metadata.annotations['entroos.io/attempt'])).toEqual(['0', '0']);

    // A pod succeeds while the controller is down; the next one counts it.
    stop();
    await finishPod(api, pods[0].metadata.name, 0);
    await start();
    expect(statusOf(api, 'count')).toMatchObject({ succeeded: 1, failed: 0, active: 2 });
    expect((api.get(PODS, 'default', pods[0].metadata.name) as any).metadata.finalizers ?? []).toEqual([]);
    stop();
    await start();
    expect(statusOf(api, 'count').succeeded).toBe(1);

    // A crash between recording a pod and counting it: recorded, finalizer still on. Counted once.
    stop();
    pods = podsOf(api, 'count').filter((p) => p.status?.phase !== 'Succeeded');
    await finishPod(api, pods[0].metadata.name, 1);
    const job = structuredClone(api.get(JOBS, 'default', 'count') as any);
    job.status.uncountedTerminatedPods = { failed: [pods[0].metadata.uid] };
    await api.commit(JOBS, job);
    await start();
    const status = statusOf(api, 'count');
    expect(status).toMatchObject({ succeeded: 1, failed: 1 });
    expect(status.uncountedTerminatedPods ?? {}).toEqual({});
    // Its replacement is the second attempt.
    const replacement = podsOf(api, 'count').find((p) => p.metadata.annotations['entroos.io/attempt'] === '1');
    expect(replacement).toBeDefined();

    // Everything else succeeds: Complete, with SuccessCriteriaMet first.
    for (const p of podsOf(api, 'count').filter((p) => !p.status?.phase || p.status.phase === 'Pending'))
      await finishPod(api, p.metadata.name, 0);
    await settle();
    const done = statusOf(api, 'count');
    expect(done).toMatchObject({ succeeded: 3, failed: 1, active: 0 });
    expect(done.conditions.map((c: any) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(podsOf(api, 'count').every((p) => !(p.metadata.finalizers ?? []).length)).toBe(true);
  });

  it('releases the finalizers of pods whose Job was deleted', async () => {
    const { api, start, settle } = await setup();
    await start();
    await api.create(JOBS, 'default', jobBody('gone', {}));
    await settle();
    const [pod] = podsOf(api, 'gone');
    await api.delete(JOBS, 'default', 'gone', { propagationPolicy: 'Orphan' });
    await settle();
    expect((api.get(PODS, 'default', pod.metadata.name) as any).metadata.finalizers ?? []).toEqual([]);
  });

  it('ignores failures matching an Ignore rule and fails the Job on a FailJob rule', async () => {
    const { api, start, settle } = await setup();
    await start();
    const rules = [
      { action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } },
      { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
    ];
    await api.create(JOBS, 'default', jobBody('policy', { backoffLimit: 0, podFailurePolicy: { rules } }));
    await settle();
    await finishPod(api, podsOf(api, 'policy')[0].metadata.name, 7);
    await settle();
    expect(statusOf(api, 'policy')).toMatchObject({ failed: 0, active: 1 });
    const next = podsOf(api, 'policy').find((p) => !p.status?.phase || p.status.phase === 'Pending');
    await finishPod(api, next.metadata.name, 42);
    await settle();
    const failed = statusOf(api, 'policy').conditions.find((c: any) => c.type === 'Failed');
    expect(failed).toMatchObject({ status: 'True', reason: 'PodFailurePolicy' });
  });
});
