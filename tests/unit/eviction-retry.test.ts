import { describe, expect, it } from 'vitest';
import { WatchCache } from '@/lib/store/watch-cache.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { evictPod } from '@/lib/apiserver/eviction.ts';
import { EventRecorder } from '@/lib/apiserver/events.ts';
import { clone } from '@/lib/apimachinery/meta.ts';
import type { KubeObject } from '@/lib/apimachinery/object.ts';
import { typeByKey, type ResourceType } from '@/lib/apimachinery/registry.ts';

// Evicting a Pending pod pins its deletion to the version looked at. When another writer (the scheduler's
// PodScheduled condition, a status update) changes the pod in between, the server's own pin must not surface as a
// 409: it looks again, as upstream's EvictionREST does. A pin the client asked for is its to retry.

const PODS = typeByKey('pods');

/** An object API on which every pod write the eviction makes is followed at once by another writer's. */
class Contended extends ObjectApi {
  interleaved = 0;
  override async commit(t: ResourceType, obj: KubeObject, options = {}): Promise<KubeObject> {
    const written = await super.commit(t, obj, options);
    if (t === PODS && this.interleaved < 3) {
      this.interleaved++;
      const other = clone(written);
      other.metadata.annotations = { touched: String(this.interleaved) };
      await super.commit(t, other);
    }
    return written;
  }
}

async function pendingPod() {
  const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 1000, persist: async () => {} });
  const api = new Contended(cache);
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  await api.create(PODS, 'default', {
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Pending' },
  });
  api.interleaved = 0;
  return { api, deps: { api, events: new EventRecorder(api) } };
}

describe('evicting a pod that another writer changes at the same time', () => {
  it('deletes a Pending pod although its own pin lost the race', async () => {
    const { api, deps } = await pendingPod();
    await expect(evictPod(deps, 'default', 'p', {})).resolves.toMatchObject({ status: 'Success' });
    expect(api.interleaved).toBeGreaterThan(0);
    expect(api.peek(PODS, 'default', 'p')).toBeUndefined();
  });

  it("leaves a client's own resourceVersion precondition to the client (409)", async () => {
    const { api, deps } = await pendingPod();
    const rv = api.get(PODS, 'default', 'p').metadata.resourceVersion;
    await expect(evictPod(deps, 'default', 'p', { preconditions: { resourceVersion: rv } })).rejects.toMatchObject({
      code: 409,
    });
    expect(api.peek(PODS, 'default', 'p')).toBeDefined();
  });
});
