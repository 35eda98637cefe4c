import { describe, expect, it } from 'vitest';
import { isApiError } from '@/lib/apimachinery/errors.ts';
import { jsonEqual, jsonPatch, strategicMergePatch } from '@/lib/apimachinery/patch.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { kindSchema } from '@/lib/apimachinery/schema.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { WatchCache } from '@/lib/store/watch-cache.ts';

const POD = kindSchema('', 'v1', 'Pod');
const NODE = kindSchema('', 'v1', 'Node');
const DEPLOYMENT = kindSchema('apps', 'v1', 'Deployment');

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    finalizers: ['a', 'b'],
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs1', uid: 'u1', controller: true },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u2' },
    ],
  },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'app:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'sidecar', image: 'proxy:1' },
    ],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
};

describe('strategic merge patch from the schema', () => {
  it('replaces node taints: upstream gives NodeSpec.taints no patch strategy', () => {
    const node = {
      spec: {
        taints: [
          { key: 'a', effect: 'NoSchedule' },
          { key: 'b', effect: 'NoExecute' },
        ],
      },
    };
    const patched = strategicMergePatch(node, { spec: { taints: [{ key: 'b', effect: 'NoSchedule' }] } }, NODE);
    expect(patched).toEqual({ spec: { taints: [{ key: 'b', effect: 'NoSchedule' }] } });
  });

  it('merges node addresses by type, so a Hostname patch keeps the InternalIP', () => {
    const node = {
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'old' },
        ],
      },
    };
    const patched = strategicMergePatch(node, { status: { addresses: [{ type: 'Hostname', address: 'n1' }] } }, NODE);
    expect(patched).toEqual({
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'n1' },
        ],
      },
    });
  });

  it('merges containers by name and env by name, and keeps what the patch does not name', () => {
    const patched = strategicMergePatch(
      pod,
      { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: 'two' }] }] } },
      POD,
    );
    expect(patched).toMatchObject({
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:2',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: 'two' },
            ],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    });
  });

  it('merges ownerReferences by uid and finalizers as a set', () => {
    const patched = strategicMergePatch(
      pod,
      {
        metadata: {
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u2', blockOwnerDeletion: true }],
          finalizers: ['b', 'c'],
        },
      },
      POD,
    ) as typeof pod;
    expect(patched.metadata.ownerReferences).toEqual([
      pod.metadata.ownerReferences[0],
      { ...pod.metadata.ownerReferences[1], blockOwnerDeletion: true },
    ]);
    expect(patched.metadata.finalizers).toHaveLength(3);
    expect(new Set(patched.metadata.finalizers)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('deletes a container with $patch: delete, and a finalizer with $deleteFromPrimitiveList', () => {
    const patched = strategicMergePatch(
      pod,
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] },
      },
      POD,
    ) as typeof pod;
    expect(patched.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect(patched.metadata.finalizers).toEqual(['b']);
    expect(JSON.stringify(patched)).not.toContain('$');
  });

  it('orders a list by $setElementOrder and stores no directive', () => {
    const patched = strategicMergePatch(
      pod,
      {
        spec: {
          '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
          containers: [{ name: 'app', image: 'app:3' }],
        },
      },
      POD,
    ) as typeof pod;
    expect(patched.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['sidecar=proxy:1', 'app=app:3']);
    expect(JSON.stringify(patched)).not.toContain('$setElementOrder');
  });

  it('refuses a $setElementOrder for a field the kind does not have (found by the fuzz test)', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1 } };
    let error: unknown;
    try {
      strategicMergePatch(deployment, { spec: { '$setElementOrder/containers': [{ noname: 1 }] } }, DEPLOYMENT);
    } catch (err) {
      error = err;
    }
    expect(isApiError(error) && error.code).toBe(400);
    expect((error as Error).message).toContain('unable to find api field for the json field "containers"');
    // Maps (labels) take any key: an order there is checked against the list, not the schema.
    expect(() => strategicMergePatch(pod, { metadata: { labels: { '$setElementOrder/x': [] } } }, POD)).not.toThrow();
  });

  it('replaces a list whose patch holds a $patch: replace marker', () => {
    const patched = strategicMergePatch(
      pod,
      { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } },
      POD,
    ) as typeof pod;
    expect(patched.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('drops the fields $retainKeys does not name (a deployment strategy switching to Recreate)', () => {
    const deployment = {
      spec: {
        replicas: 2,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      },
    };
    const patched = strategicMergePatch(
      deployment,
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      DEPLOYMENT,
    );
    expect(patched).toEqual({ spec: { replicas: 2, strategy: { type: 'Recreate' } } });
    expect(() =>
      strategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, DEPLOYMENT),
    ).toThrow(/retainKeys/);
  });

  it('rejects an item without its merge key', () => {
    expect(() => strategicMergePatch(pod, { spec: { containers: [{ image: 'x' }] } }, POD)).toThrow(
      /does not contain declared merge key: name/,
    );
  });

  it('merges objects like a JSON merge patch and replaces lists for a kind without a schema', () => {
    const custom = { spec: { items: [{ name: 'a', v: 1 }], nested: { keep: 1, drop: 2 } } };
    const patched = strategicMergePatch(custom, {
      spec: { items: [{ name: 'b', v: 2 }], nested: { drop: null, add: 3 } },
    });
    expect(patched).toEqual({ spec: { items: [{ name: 'b', v: 2 }], nested: { keep: 1, add: 3 } } });
  });

  it('leaves the target untouched', () => {
    const before = JSON.stringify(pod);
    strategicMergePatch(
      pod,
      { metadata: { finalizers: ['z'] }, spec: { containers: [{ name: 'app', image: 'y' }] } },
      POD,
    );
    expect(JSON.stringify(pod)).toBe(before);
  });
});

describe('ObjectApi.patch with a strategic merge patch', () => {
  it('patches a node status address without losing the others', async () => {
    const api = new ObjectApi(
      new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 100, persist: async () => {} }),
    );
    const nodes = typeByKey('nodes');
    await api.create(nodes, undefined, { metadata: { name: 'n1' } });
    await api.patch(
      nodes,
      undefined,
      'n1',
      'merge',
      {
        status: {
          addresses: [
            { type: 'InternalIP', address: '10.0.0.7' },
            { type: 'Hostname', address: 'old' },
          ],
        },
      },
      'status',
    );
    await api.patch(
      nodes,
      undefined,
      'n1',
      'strategic',
      { status: { addresses: [{ type: 'Hostname', address: 'n1' }] } },
      'status',
    );
    expect(api.get(nodes, undefined, 'n1').status).toMatchObject({
      addresses: [
        { type: 'InternalIP', address: '10.0.0.7' },
        { type: 'Hostname', address: 'n1' },
      ],
    });
  });
});

describe('JSON patch test', () => {
  const doc = { spec: { selector: { matchLabels: { app: 'web', tier: 'front' } }, ports: [80, 443] } };

  it('compares objects regardless of member order', () => {
    const ops = [
      { op: 'test', path: '/spec/selector', value: { matchLabels: { tier: 'front', app: 'web' } } },
      { op: 'replace', path: '/spec/ports/0', value: 8080 },
    ];
    expect(jsonPatch(doc, ops)).toEqual({ spec: { ...doc.spec, ports: [8080, 443] } });
  });

  it('fails with 422 Invalid on a different value, and keeps array order significant', () => {
    for (const value of [{ matchLabels: { tier: 'back', app: 'web' } }, [443, 80]]) {
      const path = Array.isArray(value) ? '/spec/ports' : '/spec/selector';
      try {
        jsonPatch(doc, [{ op: 'test', path, value }]);
        expect.unreachable();
      } catch (err) {
        expect(isApiError(err) && err.code === 422 && err.reason === 'Invalid').toBe(true);
      }
    }
  });

  it('treats numbers by value and members with undefined values as absent', () => {
    expect(jsonEqual({ a: 1.0, b: [true, null] }, { b: [true, null], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
