import { describe, expect, it } from 'vitest';
import { ResourceVersionTooOld, WatchCache, type CacheEvent, type KubeObject } from '@/lib/store/watch-cache.ts';
import type { ObjectBatch } from '@/lib/store/objects.ts';
import { openStore } from '@/lib/store/index.ts';
import { createSqliteDatabase } from '../helpers/databases.ts';

const obj = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '' },
  ...extra,
});

function memoryCache(options: { historySize?: number; fail?: () => boolean } = {}) {
  const batches: ObjectBatch[] = [];
  const cache = new WatchCache(
    { objects: [], resourceVersion: 0 },
    {
      historySize: options.historySize ?? 100,
      persist: async (batch) => {
        if (options.fail?.()) throw new Error('disk full');
        batches.push(batch);
      },
    },
  );
  return { cache, batches };
}

describe('WatchCache', () => {
  it('assigns increasing resourceVersions and group-commits concurrent writes', async () => {
    const { cache, batches } = memoryCache();
    const writes = Array.from({ length: 50 }, (_, i) => cache.write('pods', 'default', `p${i}`, obj(`p${i}`)));
    expect(writes.map((w) => w.resourceVersion)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await Promise.all(writes.map((w) => w.done));
    expect(batches.length).toBe(1);
    expect(batches[0].puts.length).toBe(50);
    expect(batches[0].resourceVersion).toBe(50);
    expect(cache.list('pods', 'default').items.map((o) => o.metadata.name)).toHaveLength(50);
  });

  it('writes only the last state of a key changed twice in one batch', async () => {
    const { cache, batches } = memoryCache();
    const a = cache.write('pods', 'default', 'x', obj('x'));
    const b = cache.write('pods', 'default', 'x', null);
    await Promise.all([a.done, b.done]);
    expect(batches[0]).toMatchObject({ puts: [], deletes: [{ resource: 'pods', name: 'x' }] });
  });

  it('announces committed changes in order and replays history from a resourceVersion', async () => {
    const { cache } = memoryCache();
    await cache.write('pods', 'default', 'a', obj('a')).done;
    await cache.write('pods', 'default', 'a', obj('a', { spec: 1 })).done;
    await cache.write('pods', 'default', 'a', null).done;
    const seen: CacheEvent[] = [];
    cache.watch({ resource: 'pods' }, 1, (e) => seen.push(e));
    expect(seen.map((e) => [e.type, e.resourceVersion])).toEqual([
      ['MODIFIED', 2],
      ['DELETED', 3],
    ]);
    await cache.write('pods', 'default', 'b', obj('b')).done;
    expect(seen.at(-1)).toMatchObject({ type: 'ADDED', resourceVersion: 4 });
  });

  it('refuses a watch from a compacted resourceVersion', async () => {
    const { cache } = memoryCache({ historySize: 3 });
    for (let i = 0; i < 6; i++) await cache.write('pods', 'default', `p${i}`, obj(`p${i}`)).done;
    expect(() => cache.watch({}, 1, () => {})).toThrow(ResourceVersionTooOld);
    expect(() => cache.watch({}, 3, () => {})).not.toThrow();
  });

  it('reverts writes whose commit failed and tells the writer', async () => {
    let fail = false;
    const { cache } = memoryCache({ fail: () => fail });
    await cache.write('pods', 'default', 'keep', obj('keep', { v: 1 })).done;
    fail = true;
    const change = cache.write('pods', 'default', 'keep', obj('keep', { v: 2 }));
    const create = cache.write('pods', 'default', 'new', obj('new'));
    await expect(change.done).rejects.toThrow('disk full');
    await expect(create.done).rejects.toThrow('disk full');
    expect((cache.get('pods', 'default', 'keep') as any).v).toBe(1);
    expect(cache.get('pods', 'default', 'new')).toBeUndefined();
  });

  it('restores every object and continues resourceVersions after a restart', async () => {
    const db = createSqliteDatabase();
    const first = await openStore(db.url);
    for (let i = 0; i < 5; i++) await first.objects.write('pods', 'default', `p${i}`, obj(`p${i}`)).done;
    await first.objects.write('pods', 'default', 'p0', null).done;
    await first.close();
    const second = await openStore(db.url);
    expect(second.objects.resourceVersion).toBe(6);
    expect(second.objects.list('pods').items.map((o) => o.metadata.name)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(second.objects.write('pods', 'default', 'p9', obj('p9')).resourceVersion).toBe(7);
    expect(() => second.objects.watch({}, 3, () => {})).toThrow(ResourceVersionTooOld);
    await second.close();
    await db.drop();
  });
});

describe('list order', () => {
  it('lists by namespace then name, before and after adds, modifications and deletes', async () => {
    const { cache } = memoryCache();
    const names = (ns?: string) =>
      cache.list('pods', ns).items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    const pod = (namespace: string, name: string, extra = {}): KubeObject => ({
      metadata: { namespace, name, uid: `${namespace}-${name}`, resourceVersion: '' },
      ...extra,
    });
    const write = (ns: string, name: string, object: KubeObject | null) => cache.write('pods', ns, name, object).done;
    for (const [ns, n] of [
      ['b', 'pod-10'],
      ['a', 'pod-2'],
      ['b', 'pod-1'],
      ['a', 'pod-10'],
    ])
      await write(ns, n, pod(ns, n));
    expect(names()).toEqual(['a/pod-10', 'a/pod-2', 'b/pod-1', 'b/pod-10']);
    await write('a', 'pod-2', pod('a', 'pod-2', { spec: { changed: true } }));
    expect(names()).toEqual(['a/pod-10', 'a/pod-2', 'b/pod-1', 'b/pod-10']);
    expect((cache.list('pods', 'a').items[1] as any).spec.changed).toBe(true);
    await write('a', 'pod-0', pod('a', 'pod-0'));
    await write('b', 'pod-1', null);
    expect(names()).toEqual(['a/pod-0', 'a/pod-10', 'a/pod-2', 'b/pod-10']);
    expect(names('b')).toEqual(['b/pod-10']);
  });
});

describe('list order under churn', () => {
  it('keeps the order a full sort gives while keys are added, re-added and deleted between lists', async () => {
    const { cache } = memoryCache();
    const alive = new Set<string>();
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const expected = () =>
      [...alive].sort((a, b) => {
        const [na, ma] = a.split('/');
        const [nb, mb] = b.split('/');
        return na !== nb ? (na < nb ? -1 : 1) : ma < mb ? -1 : ma > mb ? 1 : 0;
      });
    // Namespaces whose names sort differently as "ns/name" strings than as (namespace, name) pairs.
    const namespaces = ['a', 'a-b', 'ab', 'b'];
    for (let round = 0; round < 40; round++) {
      const writes = 1 + random(round % 5 === 0 ? 200 : 12);
      for (let i = 0; i < writes; i++) {
        const ns = namespaces[random(namespaces.length)];
        const name = `pod-${random(60)}`;
        const key = `${ns}/${name}`;
        if (alive.has(key) && random(3) === 0) {
          await cache.write('pods', ns, name, null).done;
          alive.delete(key);
        } else {
          await cache.write('pods', ns, name, { metadata: { namespace: ns, name, uid: key, resourceVersion: '' } })
            .done;
          alive.add(key);
        }
      }
      const listed = cache.list('pods').items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      expect(listed).toEqual(expected());
      expect(cache.list('pods', 'a-b').items.every((o) => o.metadata.namespace === 'a-b')).toBe(true);
    }
  });
});
