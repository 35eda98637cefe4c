import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { cluster } from '../helpers/kubelet-cluster.ts';
import { NodeFleet } from '../../lib/kubelet/fleet.ts';
import { mixedFleet } from '../../lib/kubelet/profiles.ts';
import { ImageRegistry } from '../../lib/kubelet/runtime/registry.ts';
import { TimerWheel } from '../../lib/kubelet/timer-wheel.ts';

// The simulated kubelet against an in-memory cluster, on a fake clock.

const NODE = 'entroos-node-1';
let fleet: NodeFleet;

async function fleetOn(c: ReturnType<typeof cluster>, registry = new ImageRegistry()) {
  fleet = new NodeFleet(c.backend, pino({ level: 'silent' }), { registry, crashBackoffMs: 2000, leaseSeconds: 2 });
  await fleet.start(mixedFleet(2));
  return fleet;
}
const after = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z') });
});
afterEach(async () => {
  await fleet?.stop();
  vi.useRealTimers();
});

describe('simulated kubelet', () => {
  it('registers its nodes as Ready and keeps their leases', async () => {
    const c = cluster();
    await fleetOn(c);
    expect(fleet.nodeNames()).toEqual(['entroos-node-1', 'entroos-node-2']);
    const node = c.nodes.get(NODE);
    expect(node?.metadata.labels['entroos.io/simulated']).toBe('true');
    expect(node?.status.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
    const before = c.leases.length;
    await after(4100);
    expect(c.leases.length - before).toBeGreaterThanOrEqual(4); // two nodes, every 2 s
    // Marked NotReady while away: the next renewal reports Ready again.
    node!.status.conditions = [{ type: 'Ready', status: 'Unknown' }];
    await after(2100);
    expect(node?.status.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
  });

  it('pulls, starts and reports a pod, with usage and logs', async () => {
    const c = cluster();
    await fleetOn(c);
    const pod = c.add('web', NODE, [{ name: 'main', image: 'nginx:1.27' }], {
      annotations: { 'entroos.io/cpu': '200m' },
    });
    await after(1000);
    const status = c.status('web');
    expect(status?.phase).toBe('Running');
    expect(status?.podIP).toMatch(/^10\.128\.0\.\d+$/);
    expect(status?.containerStatuses?.[0]).toMatchObject({ name: 'main', ready: true, started: true });
    expect(c.events).toEqual(
      expect.arrayContaining([
        'web Pulling: Pulling image "nginx:1.27"',
        'web Created: Created container main',
        'web Started: Started container main',
      ]),
    );
    expect(fleet.runningContainers()).toEqual([{ namespace: 'default', pod: 'web', container: 'main' }]);
    expect(fleet.podUsage(pod)).toEqual([
      { name: 'main', cpuMilli: 200, memoryBytes: 64 * 2 ** 20, throttledMilli: 0 },
    ]);
    expect(fleet.nodeUsage(NODE)).toEqual({ cpuMilli: 300, memoryBytes: 320 * 2 ** 20 });
    expect(fleet.usageReport([NODE, 'elsewhere'])).toEqual({
      [NODE]: { node: fleet.nodeUsage(NODE), pods: { 'default/web': fleet.podUsage(pod) } },
    });
    await after(10_000);
    const log = fleet.logs(pod, 'main', { tailLines: 2 });
    expect(log?.running).toBe(true);
    expect(log?.text.trim().split('\n')).toHaveLength(2);
    expect(fleet.logs(pod, 'main', { previous: true })).toBeUndefined();
  });

  it('runs a 0 s container to Succeeded without waiting for a tick, reporting Running first', async () => {
    const c = cluster();
    await fleetOn(c);
    c.add('warm', NODE, [{ name: 'w', image: 'busybox:1.36' }]); // the node pulls busybox once
    await after(1000);
    const phases: string[] = [];
    c.backend.watchPods((e) => {
      if (e.pod.metadata.name === 'quick') phases.push(e.pod.status?.phase ?? '');
    });
    c.add('quick', NODE, [{ name: 'q', image: 'busybox:1.36' }], {
      restartPolicy: 'Never',
      annotations: { 'entroos.io/duration': '0' },
    });
    await after(1); // well under one 20 ms tick
    expect(c.status('quick')?.phase).toBe('Succeeded');
    expect(phases.filter(Boolean)).toEqual(['Running', 'Succeeded']);
    expect(c.status('quick')?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0 });
  });

  it('restarts a failing container at once, then in CrashLoopBackOff', async () => {
    const c = cluster();
    await fleetOn(c);
    const pod = c.add('crash', NODE, [{ name: 'c', image: 'alpine:3' }], {
      annotations: { 'entroos.io/duration': '1', 'entroos.io/exit-code': '3' },
    });
    await after(2500);
    let status = c.status('crash')?.containerStatuses?.[0];
    expect(status?.restartCount).toBe(1);
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    await after(1000);
    status = c.status('crash')?.containerStatuses?.[0];
    expect(status?.state?.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: 'back-off 2s restarting failed container=c pod=crash',
    });
    expect(c.events).toContain('crash BackOff: Back-off restarting failed container c in pod crash');
    expect(fleet.logs(pod, 'c', { previous: true })?.text).toContain('exiting with code 3');
  });

  it('backs off a refused pull and starts once the registry serves the image', async () => {
    const c = cluster();
    const registry = new ImageRegistry({ 'myorg/private': 'unauthorized' });
    await fleetOn(c, registry);
    c.add('private', NODE, [{ name: 'x', image: 'myorg/private:1.0' }]);
    await after(200);
    expect(c.status('private')?.containerStatuses?.[0].state?.waiting?.reason).toBe('ErrImagePull');
    await after(1000);
    expect(c.status('private')?.containerStatuses?.[0].state?.waiting?.reason).toBe('ImagePullBackOff');
    registry.replaceMarks({});
    await after(2000);
    expect(c.status('private')?.phase).toBe('Running');
  });

  it('runs init containers in order before the app container', async () => {
    const c = cluster();
    await fleetOn(c);
    c.add('init', NODE, [{ name: 'app', image: 'nginx:1.27' }], {
      initContainers: [
        { name: 'first', image: 'busybox:1.36' },
        { name: 'second', image: 'busybox:1.36' },
      ],
    });
    await after(300);
    expect(c.status('init')?.phase).toBe('Pending');
    await after(1500);
    const status = c.status('init');
    expect(status?.phase).toBe('Running');
    expect(status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
    const started = c.events.filter((e) => e.includes('Started container')).map((e) => e.split(' ').at(-1));
    expect(started).toEqual(['first', 'second', 'app']);
  });

  it('stops a deleted pod after SIGTERM, or at the grace period when it is ignored', async () => {
    const c = cluster();
    await fleetOn(c);
    c.add('polite', NODE, [{ name: 'a', image: 'nginx:1.27' }]);
    c.add('stubborn', NODE, [{ name: 'a', image: 'nginx:1.27' }], {
      annotations: { 'entroos.io/ignore-sigterm': 'true' },
    });
    await after(1000);
    for (const name of ['polite', 'stubborn']) {
      c.update(name, (p) => {
        p.metadata.deletionTimestamp = '2026-03-01T00:00:01Z';
        p.metadata.deletionGracePeriodSeconds = 3;
      });
    }
    expect(c.events).toContain('polite Killing: Stopping container a');
    await after(700);
    expect(c.removed).toEqual(['default/polite']);
    await after(2500);
    expect(c.removed).toEqual(['default/polite', 'default/stubborn']);
  });

  it('answers chaos: an OOM kill, and a node whose heartbeats stop and resume', async () => {
    const c = cluster();
    await fleetOn(c);
    c.add('web', NODE, [{ name: 'main', image: 'nginx:1.27' }]);
    await after(1000);
    expect(fleet.failContainer('default', 'web', undefined, 'oom')).toBe(true);
    expect(fleet.failContainer('default', 'nope', undefined, 'oom')).toBe(false);
    await after(300);
    const status = c.status('web')?.containerStatuses?.[0];
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(status?.restartCount).toBe(1);

    fleet.setHeartbeats(NODE, false);
    expect(fleet.runs(NODE)).toBe(false);
    expect(fleet.has(NODE)).toBe(true);
    expect(fleet.nodeUsage(NODE)).toBeUndefined();
    expect(fleet.runningContainers()).toEqual([]);
    fleet.setHeartbeats(NODE, true);
    await after(1000);
    expect(fleet.runningContainers()).toEqual([{ namespace: 'default', pod: 'web', container: 'main' }]);
  });
});

describe('lease renewals', () => {
  it('renew each lease once per interval, stop with the heartbeats and resume at once with them', async () => {
    const c = cluster();
    await fleetOn(c); // leases every 2 s
    const renewals = (name: string) => c.leases.filter((n) => n === name).length;
    await after(2000); // past the registration's renewal and the staggered first ones
    const [a, b] = [renewals(NODE), renewals('entroos-node-2')];
    await after(10_000);
    expect(renewals(NODE) - a).toBe(5);
    expect(renewals('entroos-node-2') - b).toBe(5);

    fleet.setHeartbeats(NODE, false);
    const stopped = renewals(NODE);
    await after(6000);
    expect(renewals(NODE)).toBe(stopped);
    fleet.setHeartbeats(NODE, true);
    await after(100);
    expect(renewals(NODE)).toBe(stopped + 1); // at the next tick, not at the old schedule's turn
    await after(10_000);
    expect(renewals(NODE)).toBe(stopped + 6);
    // Turned on while already on: one renewal now, then the interval again (no second schedule).
    fleet.setHeartbeats(NODE, true);
    await after(100);
    const resumed = renewals(NODE);
    await after(10_000);
    expect(renewals(NODE) - resumed).toBe(5);
  });
});

describe('timer wheel', () => {
  it('hands out each due key once, and files past times in the next slot', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const wheel = new TimerWheel();
    wheel.schedule('a', [1_000_250, 1_000_260]);
    wheel.schedule('b', [999_000]);
    expect([...wheel.takeDue(1_000_100)]).toEqual(['b']);
    expect([...wheel.takeDue(1_000_200)]).toEqual([]);
    expect([...wheel.takeDue(1_000_300)]).toEqual(['a']);
    expect([...wheel.takeDue(1_010_000)]).toEqual([]);
  });
});
