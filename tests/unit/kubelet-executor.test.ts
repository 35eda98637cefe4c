import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { cluster } from '../helpers/kubelet-cluster.ts';
import { NodeFleet } from '../../lib/kubelet/fleet.ts';
import { mixedFleet } from '../../lib/kubelet/profiles.ts';
import { ImageRegistry } from '../../lib/kubelet/runtime/registry.ts';
import { executorFor, type ContainerExecutor, type ExecutionRequest } from '../../lib/kubelet/executor.ts';

// Containers run by an executor (lib/kubelet/executor.ts) on the in-process fleet: the image's executor runs for
// real, the container exits with its exit code and its log lines; deleting the pod cancels the run; other images
// stay simulated.

const NODE = 'entroos-node-1';
let fleet: NodeFleet;

/** An executor whose runs the test ends by hand. */
function manualExecutor() {
  const runs: { req: ExecutionRequest; finish: (code: number) => void; fail: (err: Error) => void }[] = [];
  const executor: ContainerExecutor = {
    imagePrefix: 'entroos/test-',
    run: (req) =>
      new Promise((resolve, reject) => {
        req.log(`working on ${req.args.join(' ')}`);
        runs.push({ req, finish: (exitCode) => resolve({ exitCode }), fail: reject });
      }),
  };
  return { executor, runs };
}

async function fleetWith(c: ReturnType<typeof cluster>, executors: ContainerExecutor[]) {
  fleet = new NodeFleet(c.backend, pino({ level: 'silent' }), {
    registry: new ImageRegistry(),
    crashBackoffMs: 2000,
    leaseSeconds: 2,
    executors,
  });
  await fleet.start(mixedFleet(2));
}
const after = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z') });
});
afterEach(async () => {
  await fleet?.stop();
  vi.useRealTimers();
});

describe('container executors', () => {
  it('picks the executor by the longest image prefix', () => {
    const short = { imagePrefix: 'entroos/', run: async () => ({ exitCode: 0 }) };
    const long = { imagePrefix: 'entroos/convert-', run: async () => ({ exitCode: 0 }) };
    expect(executorFor([short, long], 'entroos/convert-image')).toBe(long);
    expect(executorFor([short, long], 'entroos/other')).toBe(short);
    expect(executorFor([short, long], 'nginx:1.27')).toBeUndefined();
  });

  it('runs the container until the executor returns, then exits with its code and its log', async () => {
    const c = cluster();
    const { executor, runs } = manualExecutor();
    await fleetWith(c, [executor]);
    const pod = c.add('job-a', NODE, [{ name: 'main', image: 'entroos/test-engine', args: ['--input', 'x'] }], {
      restartPolicy: 'Never',
    });
    await after(1000);
    expect(runs).toHaveLength(1);
    expect(runs[0].req).toMatchObject({ namespace: 'default', pod: 'job-a', container: 'main', node: NODE });
    // Still running long after any simulated workload would have ended: only the executor ends it.
    await after(30_000);
    expect(c.status('job-a')?.phase).toBe('Running');
    runs[0].req.log('done');
    runs[0].finish(3);
    await after(500);
    const status = c.status('job-a');
    expect(status?.phase).toBe('Failed');
    expect(status?.containerStatuses?.[0].state).toMatchObject({ terminated: { exitCode: 3, reason: 'Error' } });
    const log = fleet.logs(pod, 'main', {})?.text ?? '';
    expect(log).toBe(
      'starting entroos/test-engine (container main)\nworking on --input x\ndone\nexiting with code 3\n',
    );
  });

  it('succeeds with exit code 0, and a run that throws fails the container with its message', async () => {
    const c = cluster();
    const { executor, runs } = manualExecutor();
    await fleetWith(c, [executor]);
    const ok = c.add('ok', NODE, [{ name: 'main', image: 'entroos/test-a' }], { restartPolicy: 'Never' });
    const bad = c.add('bad', NODE, [{ name: 'main', image: 'entroos/test-b' }], { restartPolicy: 'Never' });
    await after(1000);
    runs.find((r) => r.req.pod === 'ok')!.finish(0);
    runs.find((r) => r.req.pod === 'bad')!.fail(new Error('engine exploded'));
    await after(500);
    expect(c.status('ok')?.phase).toBe('Succeeded');
    expect(c.status('bad')?.phase).toBe('Failed');
    expect(fleet.logs(bad, 'main', {})?.text).toContain('executor failed: engine exploded');
    expect(fleet.logs(ok, 'main', {})?.text).toContain('exiting with code 0');
  });

  it('cancels the run when the pod is deleted', async () => {
    const c = cluster();
    const { executor, runs } = manualExecutor();
    await fleetWith(c, [executor]);
    c.add('gone', NODE, [{ name: 'main', image: 'entroos/test-a' }], { restartPolicy: 'Never' });
    await after(1000);
    expect(runs[0].req.signal.aborted).toBe(false);
    c.update('gone', (p) => {
      p.metadata.deletionTimestamp = '2026-03-01T00:00:01Z';
      p.metadata.deletionGracePeriodSeconds = 30;
    });
    await after(100);
    expect(runs[0].req.signal.aborted).toBe(true);
    await after(1000);
    expect(c.removed).toContain('default/gone');
  });

  it('leaves other images simulated', async () => {
    const c = cluster();
    const { executor, runs } = manualExecutor();
    await fleetWith(c, [executor]);
    c.add('sim', NODE, [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'exit 2'] }], {
      restartPolicy: 'Never',
    });
    await after(1500);
    expect(runs).toHaveLength(0);
    expect(c.status('sim')?.containerStatuses?.[0].state).toMatchObject({ terminated: { exitCode: 2 } });
  });
});
