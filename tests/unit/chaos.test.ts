import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { ChaosMonkey, chaosSpecSchema } from '../../lib/kubelet/chaos.ts';
import { EventBus } from '../../lib/router/bus.ts';
import type { NodeFleet } from '../../lib/kubelet/fleet.ts';

// A stand-in fleet that records what chaos does to it.
function fleetRecorder(nodes = 8) {
  const calls: string[] = [];
  const down = new Set<string>();
  const fleet = {
    nodeNames: () => Array.from({ length: nodes }, (_, i) => `n${i}`),
    runs: (n: string) => !down.has(n),
    runningContainers: () => [
      { namespace: 'default', pod: 'a', container: 'c' },
      { namespace: 'default', pod: 'b', container: 'c' },
    ],
    failContainer: (ns: string, pod: string, c: string, how: string) => (calls.push(`${how} ${ns}/${pod}/${c}`), true),
    setHeartbeats: (n: string, on: boolean) => (
      on ? down.delete(n) : down.add(n),
      calls.push(`${on ? 'restore' : 'kill'} ${n}`)
    ),
    setPartitioned: (n: string, on: boolean) => calls.push(`${on ? 'partition' : 'heal'} ${n}`),
    setPullBandwidth: (n: string, bps: number | undefined) => calls.push(`${bps ? 'slow' : 'fast'} ${n}`),
  };
  return { fleet: fleet as unknown as NodeFleet, calls };
}

const run = (seed: number) => {
  const { fleet, calls } = fleetRecorder();
  const monkey = new ChaosMonkey(fleet, new EventBus(), pino({ level: 'silent' }), 1);
  monkey.start(chaosSpecSchema.parse({ seed, ratePerMinute: 60, faultSeconds: 5 }));
  vi.advanceTimersByTime(60_000);
  const status = monkey.status();
  monkey.stop();
  return { calls, status };
};

afterEach(() => {
  vi.useRealTimers();
});

describe('chaos mode', () => {
  it('replays the same faults for the same seed, and others for another seed', () => {
    vi.useFakeTimers();
    const a = run(7);
    const b = run(7);
    const c = run(8);
    expect(a.calls.length).toBeGreaterThan(20); // ~60 arrivals a minute
    expect(b.calls).toEqual(a.calls);
    expect(c.calls).not.toEqual(a.calls);
    expect(a.status).toMatchObject({
      running: true,
      injected: expect.any(Number),
      spec: { seed: 7, ratePerMinute: 60 },
    });
    expect(a.status.recent[0]).toMatchObject({ fault: expect.any(String), target: expect.any(String) });
  });

  it('heals node faults after faultSeconds and on stop, keeping most nodes up', () => {
    vi.useFakeTimers();
    const { fleet, calls } = fleetRecorder(8);
    const monkey = new ChaosMonkey(fleet, new EventBus(), pino({ level: 'silent' }), 1);
    monkey.start(
      chaosSpecSchema.parse({
        seed: 3,
        ratePerMinute: 600,
        faults: ['kill-node'],
        faultSeconds: 1,
        maxNodeFraction: 0.25,
      }),
    );
    vi.advanceTimersByTime(500);
    const killed = calls.filter((c) => c.startsWith('kill')).length;
    expect(killed).toBeLessThanOrEqual(2); // 25 % of 8 nodes at once
    expect(monkey.status().skipped).toBeGreaterThan(0);
    vi.advanceTimersByTime(2000);
    expect(calls.filter((c) => c.startsWith('restore')).length).toBeGreaterThan(0);
    monkey.stop();
    const kills = calls.filter((c) => c.startsWith('kill')).length;
    expect(calls.filter((c) => c.startsWith('restore')).length).toBe(kills);
  });

  it('refuses a spec a person got wrong, saying which field', () => {
    expect(chaosSpecSchema.safeParse({ ratePerMinute: 0 }).error?.issues[0].message).toBe(
      'ratePerMinute must be above 0',
    );
    expect(chaosSpecSchema.safeParse({ ratePerMinute: 5, faults: ['meteor'] }).error?.issues[0].message).toContain(
      'each fault must be one of kill-node',
    );
    expect(chaosSpecSchema.safeParse({ ratePerMinute: 5, extra: 1 }).success).toBe(false);
  });
});
