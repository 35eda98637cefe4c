import { describe, expect, it, vi } from 'vitest';
import { WatchCache, type CacheEvent } from '@/lib/store/watch-cache.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { createSandbox } from '@/lib/scheduler/sandbox.ts';
import { DECISION_ANNOTATION } from '@/lib/scheduler/scheduler.ts';
import type { Event, Pod } from '@/lib/apimachinery/generated/kinds.ts';
import type { KubeObject, Stored } from '@/lib/apimachinery/object.ts';

// The scheduler binds the pods it places in one slice of its loop together (ObjectApi.bindAll over
// WatchCache.writeAll): one group commit for them all, while each binding is still checked on its own and each pod
// still gets its decision, its Scheduled event and its watch event.

const PODS = typeByKey('pods');

async function cluster(pods: number) {
  const sandbox = await createSandbox({
    nodes: ['n1', 'n2', 'n3'].map((name) => ({ name, cpu: '16', memory: '64Gi' })),
    start: false,
  });
  for (let i = 0; i < pods; i++) await sandbox.addPod({ name: `p${i}`, cpu: '100m', memory: '128Mi' });
  const watched: CacheEvent[] = [];
  sandbox.api.cache.watch({ resource: 'pods' }, sandbox.api.cache.resourceVersion, (e) => watched.push(e));
  return { ...sandbox, watched };
}

async function settled(sandbox: Awaited<ReturnType<typeof cluster>>) {
  await sandbox.settle();
  // Events are written after their binding commits, in commits of their own.
  for (let i = 0; i < 5; i++) {
    await sandbox.api.cache.flush();
    await new Promise((r) => setImmediate(r));
  }
}

const scheduledEvents = (api: Awaited<ReturnType<typeof cluster>>['api']) =>
  (api.cache.list('events').items as unknown as Event[]).filter((e) => e.reason === 'Scheduled');

describe('batched binding', () => {
  it('binds a slice of pods in one write, each with its decision, Scheduled event and watch event', async () => {
    const sandbox = await cluster(40);
    const bindAll = vi.spyOn(sandbox.api, 'bindAll');
    const bind = vi.spyOn(sandbox.api, 'bind');
    const writeAll = vi.spyOn(sandbox.api.cache, 'writeAll');
    sandbox.scheduler.start();
    await settled(sandbox);

    expect(bind).not.toHaveBeenCalled();
    const batches = bindAll.mock.calls.map(([bindings]) => bindings.length);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(40);
    expect(batches.length).toBeLessThan(40);
    expect(writeAll).toHaveBeenCalledTimes(batches.length);

    const pods = sandbox.api.cache.list('pods').items as Pod[];
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toMatch(/^n[123]$/);
      expect(JSON.parse(pod.metadata?.annotations?.[DECISION_ANNOTATION] ?? '{}').node).toBe(pod.spec?.nodeName);
      expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
      expect(sandbox.scheduler.decisions.forPod(`default/${pod.metadata?.name}`)).toMatchObject({
        result: 'Scheduled',
        node: pod.spec?.nodeName,
      });
    }
    expect(sandbox.scheduler.decisions.totals).toEqual({ scheduled: 40, unschedulable: 0, error: 0 });
    expect(sandbox.scheduler.stats).toMatchObject({ scheduled: 40, bindErrors: 0 });
    expect(new Set(scheduledEvents(sandbox.api).map((e) => e.involvedObject.name)).size).toBe(40);
    const bound = sandbox.watched.filter((e) => e.type === 'MODIFIED' && (e.object as Pod).spec?.nodeName);
    expect(bound).toHaveLength(40);
    sandbox.stop();
  });

  it('does not bind a pod deleted or bound elsewhere after its placement, and binds the rest of its batch', async () => {
    const sandbox = await cluster(10);
    const { api } = sandbox;
    const original = api.bindAll.bind(api);
    let interfered = false;
    vi.spyOn(api, 'bindAll').mockImplementation((bindings) => {
      if (!interfered) {
        interfered = true;
        // Between the slice that placed them and its write: p0 is deleted, p1 bound by someone else.
        api.cache.write('pods', 'default', 'p0', null);
        const p1 = api.cache.get('pods', 'default', 'p1') as Stored<Pod>;
        api.cache.write('pods', 'default', 'p1', { ...p1, spec: { ...p1.spec, nodeName: 'n3' } } as Stored<Pod>);
      }
      return original(bindings);
    });
    sandbox.scheduler.start();
    await settled(sandbox);

    expect(interfered).toBe(true);
    expect(api.peek(PODS, 'default', 'p0')).toBeUndefined();
    expect((api.peek(PODS, 'default', 'p1') as Pod).spec?.nodeName).toBe('n3');
    expect(sandbox.scheduler.stats.bindErrors).toBe(2);
    for (const name of ['p0', 'p1'])
      expect(sandbox.scheduler.decisions.forPod(`default/${name}`)).toMatchObject({
        result: 'Error',
        message: expect.stringMatching(/^binding to n[123] failed: /),
      });
    for (let i = 2; i < 10; i++) {
      expect((api.peek(PODS, 'default', `p${i}`) as Pod).spec?.nodeName).toMatch(/^n[123]$/);
      expect(sandbox.scheduler.decisions.forPod(`default/p${i}`)?.result).toBe('Scheduled');
    }
    expect(sandbox.scheduler.decisions.totals).toEqual({ scheduled: 8, unschedulable: 0, error: 2 });
    expect(
      scheduledEvents(api)
        .map((e) => e.involvedObject.name)
        .sort(),
    ).toEqual(['p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'].sort());
    // Only p1's own binding counts on n3: p0's reservation was given back, and nothing was counted twice.
    const requested = sandbox.scheduler.utilisations().reduce((a, b) => a + b, 0);
    const perPod = 0.5 * (100 / 16000) + 0.5 * (128 / (64 * 1024));
    expect(requested).toBeCloseTo(9 * perPod, 9);
    sandbox.stop();
  });
});

describe('WatchCache.writeAll', () => {
  it('commits its writes together, or applies none of them when one cannot be applied', async () => {
    const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 100, persist: async () => {} });
    const seen: CacheEvent[] = [];
    cache.watch({}, 0, (e) => seen.push(e));
    const obj = (name: string): KubeObject => ({
      metadata: { name, namespace: 'default', uid: name, resourceVersion: '' },
    });
    const { done } = cache.writeAll([
      { resource: 'configmaps', namespace: 'default', name: 'a', object: obj('a') },
      { resource: 'configmaps', namespace: 'default', name: 'b', object: obj('b') },
    ]);
    await done;
    expect(seen.map((e) => [e.type, e.object.metadata.name, e.resourceVersion])).toEqual([
      ['ADDED', 'a', 1],
      ['ADDED', 'b', 2],
    ]);
    expect(() =>
      cache.writeAll([
        { resource: 'configmaps', namespace: 'default', name: 'c', object: obj('c') },
        { resource: 'configmaps', namespace: 'default', name: 'missing', object: null },
      ]),
    ).toThrow(/does not exist/);
    expect(cache.get('configmaps', 'default', 'c')).toBeUndefined();
    await cache.flush();
    expect(seen).toHaveLength(2);
  });
});
