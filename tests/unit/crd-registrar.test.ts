import { afterEach, describe, expect, it } from 'vitest';
import { WatchCache } from '@/lib/store/watch-cache.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { CRD_RESOURCE, startCrdRegistrar } from '@/lib/apiserver/crd/registrar.ts';
import { findType } from '@/lib/apimachinery/registry.ts';
import type { KubeObject } from '@/lib/apimachinery/object.ts';

// Reads serve a write before it is durable; watchers (and replicas) hear of it once it is. A client that has read
// a CRD's Established condition must find its type served at once — it watches or creates next — and a CRD write
// whose commit fails must not leave its type behind.

const crd = (established: boolean): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.registrar.example.com', uid: 'a-uid', resourceVersion: '' },
  spec: {
    group: 'registrar.example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
  },
  status: established
    ? {
        acceptedNames: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: '' }],
        storedVersions: ['v1'],
      }
    : undefined,
});

const served = () => findType('registrar.example.com', 'v1', 'gadgets') !== undefined;

let stop = () => {};
afterEach(() => stop());

/** A cache whose group commits wait for `gate()` to settle them. */
function gatedCluster() {
  let settle: ((fail: boolean) => void) | undefined;
  const cache = new WatchCache(
    { objects: [], resourceVersion: 0 },
    {
      historySize: 100,
      persist: () =>
        new Promise<void>((resolve, reject) => {
          settle = (fail) => (fail ? reject(new Error('the database went away')) : resolve());
        }),
    },
  );
  const api = new ObjectApi(cache);
  stop = startCrdRegistrar(api).stop;
  const commit = async (fail: boolean) => {
    while (!settle) await new Promise((r) => setImmediate(r));
    const s = settle;
    settle = undefined;
    s(fail);
  };
  return { cache, commit };
}

describe('the CRD registrar', () => {
  it('serves a type as soon as readers can see its CRD established, before the write is durable', async () => {
    const { cache, commit } = gatedCluster();
    const { done } = cache.write(CRD_RESOURCE, undefined, 'gadgets.registrar.example.com', crd(true));
    expect(cache.committedResourceVersion).toBe(0);
    expect(served()).toBe(true);
    await commit(false);
    await done;
    expect(served()).toBe(true);
  });

  it('stops serving a type whose establishing write failed to commit', async () => {
    const { cache, commit } = gatedCluster();
    const { done } = cache.write(CRD_RESOURCE, undefined, 'gadgets.registrar.example.com', crd(true));
    expect(served()).toBe(true);
    await commit(true);
    await expect(done).rejects.toThrow('the database went away');
    expect(cache.get(CRD_RESOURCE, undefined, 'gadgets.registrar.example.com')).toBeUndefined();
    expect(served()).toBe(false);
  });

  it('does not serve a CRD that is not established, and stops when it is deleted', async () => {
    const { cache, commit } = gatedCluster();
    const first = cache.write(CRD_RESOURCE, undefined, 'gadgets.registrar.example.com', crd(false));
    expect(served()).toBe(false);
    await commit(false);
    await first.done;
    const second = cache.write(CRD_RESOURCE, undefined, 'gadgets.registrar.example.com', crd(true));
    expect(served()).toBe(true);
    await commit(false);
    await second.done;
    const gone = cache.write(CRD_RESOURCE, undefined, 'gadgets.registrar.example.com', null);
    expect(served()).toBe(false);
    await commit(false);
    await gone.done;
    expect(served()).toBe(false);
  });
});
