import { describe, expect, it } from 'vitest';
import { coalesce, PendingChanges } from '@/lib/router/subscription.ts';
import { needsLeader } from '@/lib/router/forward.ts';
import { WatchCache, type CacheEvent, type KubeObject } from '@/lib/store/watch-cache.ts';
import { parseSubscription } from '@/lib/router/subscribe-schema.ts';

const obj = (name: string, rv: number, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: name, resourceVersion: String(rv) },
  ...extra,
});
const event = (type: CacheEvent['type'], name: string, rv: number): CacheEvent => ({
  type,
  resource: 'pods',
  object: obj(name, rv),
  resourceVersion: rv,
  committedAt: 1000 + rv,
});

describe('coalescing a subscriber’s changes', () => {
  it('adds up two changes of one object the way the client would see them', () => {
    expect(coalesce('ADDED', 'MODIFIED')).toBe('ADDED');
    expect(coalesce('ADDED', 'DELETED')).toBeNull();
    expect(coalesce('MODIFIED', 'MODIFIED')).toBe('MODIFIED');
    expect(coalesce('MODIFIED', 'DELETED')).toBe('DELETED');
    expect(coalesce('DELETED', 'ADDED')).toBe('MODIFIED');
  });

  it('keeps the newest object per key, in resourceVersion order, and signals overflow beyond the limit', () => {
    const pending = new PendingChanges(10, 2);
    expect(pending.offer('ADDED', event('ADDED', 'a', 11))).toBe(true);
    expect(pending.offer('ADDED', event('ADDED', 'b', 12))).toBe(true);
    expect(pending.offer('MODIFIED', event('MODIFIED', 'a', 13))).toBe(true); // merges: no new slot
    expect(pending.offer('ADDED', event('ADDED', 'c', 14))).toBe(false); // a third object: resync
    pending.seen(20);
    const drained = pending.drain();
    expect(drained.resourceVersion).toBe(20);
    expect(
      drained.changes.map((c) => [c.type, c.object.metadata.name, c.object.metadata.resourceVersion, c.committedAt]),
    ).toEqual([
      ['ADDED', 'b', '12', 1012],
      ['ADDED', 'a', '13', 1011],
    ]);
    expect(pending.coalesced).toBe(1);
    expect(pending.size).toBe(0);
  });

  it('drops an object created and deleted within one window', () => {
    const pending = new PendingChanges(0, 10);
    pending.offer('ADDED', event('ADDED', 'a', 1));
    pending.offer('DELETED', event('DELETED', 'a', 2));
    expect(pending.drain().changes).toEqual([]);
  });
});

describe('which requests a follower sends to the leader', () => {
  it.each([
    ['POST', '/api/v1/namespaces/default/pods', true],
    ['GET', '/api/v1/namespaces/default/pods', false],
    ['GET', '/api/v1/namespaces/default/pods/web/log', true],
    ['DELETE', '/apis/apps/v1/namespaces/default/deployments/web', true],
    ['GET', '/apis/apps/v1/deployments', false],
    ['GET', '/apis/metrics.k8s.io/v1beta1/nodes', true],
    ['GET', '/apis/entroos.io/v1/scheduler/decisions', true],
    ['POST', '/apis/entroos.io/v1/nodes/n1/faults', true],
    ['POST', '/apis/entroos.io/v1/tokens', false],
    ['POST', '/apis/entroos.io/v1/images/marks', true],
    ['GET', '/apis/entroos.io/v1/images/marks', false],
    ['GET', '/apis/entroos.io/v1/chaos', true],
    ['GET', '/apis/ci.entroos.io/v1/namespaces/ci/artifacts/a/content', true],
    ['PUT', '/apis/ci.entroos.io/v1/namespaces/ci/steppods/p/outputs/dist', true],
    ['GET', '/apis/ci.entroos.io/v1/namespaces/ci/artifacts/a', false],
    ['POST', '/api/login', false],
  ])('%s %s → %s', (method, path, expected) => {
    expect(needsLeader(method, path)).toBe(expected);
  });
});

describe('a replica’s watch cache', () => {
  const persist = async () => {};

  it('refuses writes while read-only, naming the leader', () => {
    const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 100, persist });
    cache.setReadOnly('http://10.0.0.1:3000');
    expect(() => cache.write('pods', 'ns', 'a', obj('a', 0))).toThrow(/follower.*http:\/\/10\.0\.0\.1:3000/);
  });

  it('applies replicated changes in order, skips repeats, and reports a gap', () => {
    const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 100, persist });
    const seen: string[] = [];
    cache.watch({}, 0, (e) => seen.push(`${e.type} ${e.object.metadata.name}@${e.resourceVersion}`));
    expect(
      cache.applyReplicated(0, [
        { type: 'ADDED', resource: 'pods', object: obj('a', 1), resourceVersion: 1 },
        { type: 'ADDED', resource: 'pods', object: obj('b', 2), resourceVersion: 2 },
      ]),
    ).toBe(true);
    // A repeat of version 2 and a new version 3.
    expect(
      cache.applyReplicated(1, [
        { type: 'MODIFIED', resource: 'pods', object: obj('b', 2), resourceVersion: 2 },
        { type: 'DELETED', resource: 'pods', object: obj('a', 3), resourceVersion: 3 },
      ]),
    ).toBe(true);
    expect(seen).toEqual(['ADDED a@1', 'ADDED b@2', 'DELETED a@3']);
    expect(cache.committedResourceVersion).toBe(3);
    // Changes after version 7 while this cache is at 3: a message went missing.
    expect(
      cache.applyReplicated(7, [{ type: 'ADDED', resource: 'pods', object: obj('z', 8), resourceVersion: 8 }]),
    ).toBe(false);
    expect(cache.get('pods', 'ns', 'z')).toBeUndefined();
  });

  it('a reset announces the differences and restarts the history', () => {
    const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 100, persist });
    cache.applyReplicated(0, [
      { type: 'ADDED', resource: 'pods', object: obj('a', 1), resourceVersion: 1 },
      { type: 'ADDED', resource: 'pods', object: obj('b', 2), resourceVersion: 2 },
    ]);
    const seen: string[] = [];
    cache.watch({}, 2, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
    const row = (o: KubeObject) => ({
      resource: 'pods',
      namespace: 'ns',
      name: o.metadata.name,
      uid: o.metadata.uid,
      resourceVersion: Number(o.metadata.resourceVersion),
      data: JSON.stringify(o),
    });
    cache.reset({ objects: [row(obj('b', 5)), row(obj('c', 6))], resourceVersion: 7 });
    expect(seen.sort()).toEqual(['ADDED c', 'DELETED a', 'MODIFIED b']);
    expect(cache.committedResourceVersion).toBe(7);
    expect(() => cache.watch({}, 3, () => {})).toThrow(/too old/);
  });
});

describe('subscription requests', () => {
  it('name the fields of the stream the client meant', () => {
    const objects = parseSubscription({ id: 'x' });
    expect(objects.success).toBe(false);
    expect(objects.error!.issues.map((i) => i.path.join('.'))).toEqual(['resource']);
    const platform = parseSubscription({ id: 'x', stream: 'platform', topics: ['nope'] });
    expect(platform.error!.issues[0].path.join('.')).toBe('topics.0');
  });
});
