import { describe, expect, it } from 'vitest';
import { WatchCache, type KubeObject } from '@/lib/store/watch-cache.ts';
import { OverviewCounts } from '@/lib/apiserver/overview-counts.ts';
import { clusterOverview } from '@/lib/apiserver/overview.ts';

// The overview's counts, kept from the watch cache's changes, must always agree with a full count of the cache.

/** A small seeded generator (mulberry32), so a failing sequence replays. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

type Rng = ReturnType<typeof random>;

const RESOURCES = ['pods', 'nodes', 'deployments.apps'] as const;
const NAMESPACED = { pods: true, nodes: false, 'deployments.apps': true } as const;

function objectOf(resource: (typeof RESOURCES)[number], name: string, rng: Rng): KubeObject {
  const metadata = {
    name,
    uid: `uid-${name}`,
    resourceVersion: '',
    ...(NAMESPACED[resource] ? { namespace: 'ns' } : {}),
  };
  if (resource === 'pods')
    return {
      metadata,
      spec: {
        ...(rng.next() < 0.7 ? { nodeName: `n${rng.int(5)}` } : {}),
        containers: Array.from({ length: 1 + rng.int(2) }, (_, i) => ({
          name: `c${i}`,
          resources: {
            requests: { cpu: rng.pick(['10m', '250m', '1', '0.5']), memory: rng.pick(['16Mi', '1Gi', '0']) },
          },
        })),
      },
      ...(rng.next() < 0.9
        ? { status: { phase: rng.pick(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']) } }
        : {}),
    };
  if (resource === 'nodes')
    return {
      metadata,
      spec: rng.next() < 0.3 ? { unschedulable: true } : {},
      status: {
        allocatable: { cpu: rng.pick(['4', '8', '500m']), memory: rng.pick(['8Gi', '16Gi', '512Mi']) },
        conditions: [{ type: 'Ready', status: rng.pick(['True', 'False', 'Unknown']) }],
      },
    };
  return {
    metadata,
    spec: { replicas: rng.int(4) },
    status: rng.next() < 0.8 ? { availableReplicas: rng.int(4) } : {},
  };
}

function fullCount(cache: WatchCache) {
  const { nodes, pods, deployments, capacity, requested } = clusterOverview({ cache }, null);
  return { nodes, pods, deployments, capacity, requested };
}

/** Applies `steps` random creates, updates and deletes; the writes of each round go out together (one commit). */
async function randomWrites(cache: WatchCache, rng: Rng, steps: number, check: () => void) {
  for (let step = 0; step < steps;) {
    const writes: Promise<void>[] = [];
    for (let i = 1 + rng.int(8); i > 0; i--, step++) {
      const resource = rng.pick(RESOURCES);
      const name = `${resource[0]}${rng.int(12)}`;
      const namespace = NAMESPACED[resource] ? 'ns' : undefined;
      const exists = cache.get(resource, namespace, name);
      const write =
        exists && rng.next() < 0.35
          ? cache.write(resource, namespace, name, null)
          : cache.write(resource, namespace, name, objectOf(resource, name, rng));
      writes.push(write.done.catch(() => {}));
    }
    await Promise.all(writes);
    check();
  }
}

describe('overview counts', () => {
  it('agree with a full count after random creates, updates and deletes', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const rng = random(seed);
      const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 50, persist: async () => {} });
      // Objects that exist before the counts start are counted too.
      await randomWrites(cache, rng, 20, () => {});
      const counts = new OverviewCounts(cache);
      let checks = 0;
      await randomWrites(cache, rng, 400, () => {
        expect(counts.snapshot(), `seed ${seed}`).toEqual(fullCount(cache));
        checks++;
      });
      expect(checks).toBeGreaterThan(50);
      // The sequence reached every kind of state the counts distinguish.
      const final = counts.snapshot();
      expect(final.nodes.total).toBeGreaterThan(0);
      expect(final.pods.Running + final.pods.Pending).toBeGreaterThan(0);
      counts.stop();
    }
  });

  it('start from the objects written before them, even those not yet committed', async () => {
    const rng = random(7);
    const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 50, persist: async () => {} });
    const pending = RESOURCES.map((r, i) =>
      cache.write(r, NAMESPACED[r] ? 'ns' : undefined, `x${i}`, objectOf(r, `x${i}`, rng)),
    );
    const counts = new OverviewCounts(cache);
    await Promise.all(pending.map((w) => w.done));
    expect(counts.snapshot()).toEqual(fullCount(cache));
    expect(counts.snapshot().nodes.total + counts.snapshot().deployments.total).toBe(2);
    counts.stop();
  });

  it('recount after a failed commit, whose reverted writes watchers never hear of', async () => {
    const rng = random(11);
    let failing = false;
    const cache = new WatchCache(
      { objects: [], resourceVersion: 0 },
      {
        historySize: 50,
        persist: async () => {
          const fail = failing;
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (fail) throw new Error('disk full');
        },
      },
    );
    const counts = new OverviewCounts(cache);
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    for (let round = 0; round < 60; round++) {
      // A commit in flight (failing one round in three) while more writes of the same keys queue behind it: those
      // are announced with, as their previous version, one that the failed commit reverted and nobody heard of.
      failing = round % 3 === 0;
      const first = randomWrites(cache, rng, 6, () => {});
      await tick();
      await tick();
      failing = false;
      const second = randomWrites(cache, rng, 6, () => {});
      await first;
      // After a failure this counts afresh, with the second writes applied but not yet announced.
      counts.snapshot();
      await second;
      expect(counts.snapshot(), `round ${round}`).toEqual(fullCount(cache));
    }
    expect(cache.failedCommits).toBeGreaterThan(3);
    counts.stop();
  });

  it('stop following the cache once stopped', async () => {
    const rng = random(3);
    const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 50, persist: async () => {} });
    const counts = new OverviewCounts(cache);
    await cache.write('nodes', undefined, 'a', objectOf('nodes', 'a', rng)).done;
    counts.stop();
    await cache.write('nodes', undefined, 'b', objectOf('nodes', 'b', rng)).done;
    expect(counts.snapshot().nodes.total).toBe(1);
    expect(fullCount(cache).nodes.total).toBe(2);
  });
});
