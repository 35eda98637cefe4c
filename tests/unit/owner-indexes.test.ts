import { describe, expect, it } from 'vitest';
import { ObjectApi } from '../../lib/apiserver/object-api.ts';
import { WatchCache } from '../../lib/store/watch-cache.ts';
import { typeByKey } from '../../lib/apimachinery/registry.ts';
import { OwnerIndexes } from '../../lib/controllers/owners.ts';

const PODS = typeByKey('pods');
const owner = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true }];

async function setup() {
  const api = new ObjectApi(
    new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 1000, persist: async () => {} }),
  );
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  const pod = (name: string, uid: string) =>
    api.create(PODS, 'default', {
      metadata: { name, ownerReferences: owner(uid) },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
  return { api, pod };
}

describe('shared owner indexes', () => {
  it('gives every controller the same current index, and stops it when the last one releases it', async () => {
    const { api, pod } = await setup();
    await pod('a-1', 'rs-a');
    const owners = new OwnerIndexes(api);
    const first = owners.acquire('pods');
    const second = owners.acquire('pods');
    expect(first.owned('rs-a').map((p) => p.metadata.name)).toEqual(['a-1']);
    await pod('a-2', 'rs-a');
    await pod('b-1', 'rs-b');
    expect(second.owned('rs-a').map((p) => p.metadata.name)).toEqual(['a-1', 'a-2']);
    expect(first.owned('rs-b').map((p) => p.metadata.name)).toEqual(['b-1']);

    first.release();
    first.release(); // a second release by the same user does not take the other user's share
    await api.remove(PODS, api.peek(PODS, 'default', 'a-1')!);
    expect(second.owned('rs-a').map((p) => p.metadata.name)).toEqual(['a-2']);

    second.release();
    // After the last release the index no longer follows changes; a new user gets a fresh, current one.
    await pod('a-3', 'rs-a');
    expect(second.owned('rs-a').map((p) => p.metadata.name)).toEqual(['a-2']);
    expect(
      owners
        .acquire('pods')
        .owned('rs-a')
        .map((p) => p.metadata.name),
    ).toEqual(['a-2', 'a-3']);
  });
});
