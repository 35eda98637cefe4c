import { describe, expect, it } from 'vitest';
import { fieldSelector, labelSelector, selectorFromObject } from '@/lib/apimachinery/selectors.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from '@/lib/apimachinery/patch.ts';
import { kindSchema } from '@/lib/apimachinery/schema.ts';
import { parseQuantity, milliCpu } from '@/lib/apimachinery/quantity.ts';
import { age, podStatus } from '@/lib/apiserver/tables.ts';
import { validateObject } from '@/lib/apiserver/validation.ts';
import { qosClass } from '@/lib/apiserver/defaults.ts';
import { parseApiPath } from '@/lib/apiserver/http/paths.ts';
import { resolveIntOrPercent, templateHash } from '@/lib/controllers/deployment.ts';
import { ApiError } from '@/lib/apimachinery/errors.ts';
import { decodePodRow, encodePodRow, nodeRows, podRow, podRowTuple, requestedByNode } from '@/lib/apimachinery/rows.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=back', false],
    ['tier in (front, back)', true],
    ['tier notin (front)', false],
    ['env', true],
    ['!env', false],
    ['!missing', true],
    ['missing!=x', true],
    ['', true],
  ])('%s → %s', (selector, expected) => expect(labelSelector(selector)(labels)).toBe(expected));

  it('rejects malformed selectors with a 400 naming the requirement', () => {
    expect(() => labelSelector('app=(web')).toThrow(ApiError);
    expect(() => labelSelector('in (a)')).toThrow(/unable to parse requirement/);
  });

  it('matches matchLabels and matchExpressions objects', () => {
    const sel = selectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    });
    expect(sel(labels)).toBe(true);
    expect(sel({ app: 'web', env: 'dev' })).toBe(false);
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'a', namespace: 'default', uid: 'u', resourceVersion: '1' },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running' },
  };
  it('supports metadata and pod fields, and rejects unknown fields', () => {
    expect(fieldSelector('pods', 'spec.nodeName=n1,status.phase!=Pending')(pod)).toBe(true);
    expect(fieldSelector('pods', 'metadata.name=b')(pod)).toBe(false);
    expect(fieldSelector('pods', 'spec.nodeName=')({ ...pod, spec: {} })).toBe(true);
    expect(() => fieldSelector('pods', 'spec.image=x')).toThrow(/field label not supported: spec.image/);
  });
});

describe('patches', () => {
  it('applies a JSON merge patch (null deletes)', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      f: [1],
    });
  });

  it('applies JSON patch operations and reports a bad path as Invalid', () => {
    const doc = { spec: { replicas: 1, list: [1, 2] } };
    expect(
      jsonPatch(doc, [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/spec/list/-', value: 9 },
        { op: 'remove', path: '/spec/list/0' },
      ]),
    ).toEqual({ spec: { replicas: 3, list: [2, 9] } });
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/spec/missing/x', value: 1 }])).toThrow(/does not exist/);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(/must be an array/);
  });

  it('merges containers by name in a strategic merge patch and honours $patch: delete', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'a', image: 'x:1' },
          { name: 'b', image: 'y:1' },
        ],
      },
      metadata: { finalizers: ['f1'] },
    };
    const patch = {
      spec: {
        containers: [
          { name: 'b', image: 'y:2' },
          { name: 'a', $patch: 'delete' },
        ],
      },
      metadata: { finalizers: ['f2'] },
    };
    const patched = strategicMergePatch(pod, patch, kindSchema('', 'v1', 'Pod'));
    // Like upstream, items new to a merged list come before the ones the object already had.
    expect(patched).toEqual({
      spec: { containers: [{ name: 'b', image: 'y:2' }] },
      metadata: { finalizers: ['f2', 'f1'] },
    });
  });
});

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
  ])('%s = %d', (q, v) => expect(parseQuantity(q)).toBeCloseTo(v));
  it('marks malformed quantities as NaN', () => expect(parseQuantity('lots')).toBeNaN());
  it('converts cpu to millicores', () => expect(milliCpu('250m')).toBe(250));
});

describe('printing', () => {
  it('formats ages like kubectl', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(age('2026-01-01T23:59:30Z', now)).toBe('30s');
    expect(age('2026-01-01T23:55:00Z', now)).toBe('5m');
    expect(age('2026-01-01T21:30:00Z', now)).toBe('150m');
    expect(age('2026-01-01T18:30:00Z', now)).toBe('5h30m');
    expect(age('2025-12-30T00:00:00Z', now)).toBe('3d');
  });

  it('derives the pod STATUS column from container states', () => {
    expect(podStatus({ metadata: {}, status: { phase: 'Pending' } })).toBe('Pending');
    expect(
      podStatus({
        metadata: {},
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'c',
              image: 'i',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
            },
          ],
        },
      }),
    ).toBe('CrashLoopBackOff');
    expect(podStatus({ metadata: { deletionTimestamp: 'x' }, status: { phase: 'Running' } })).toBe('Terminating');
  });
});

describe('validation and defaults', () => {
  it('names each invalid field', () => {
    const causes = validateObject(
      'Pod',
      {
        metadata: { name: 'Bad_Name', namespace: 'default', labels: { ok: 'no spaces allowed' } },
        spec: { containers: [{ name: 'c' }, { name: 'c', image: 'x', resources: { requests: { cpu: 'lots' } } }] },
      },
      true,
    );
    expect(causes.map((c) => c.field)).toEqual([
      'metadata.name',
      'metadata.labels.ok',
      'spec.containers[0].image',
      'spec.containers[1].name',
      'spec.containers[1].resources.requests.cpu',
    ]);
  });

  it('requires a deployment selector that matches the template', () => {
    const causes = validateObject(
      'Deployment',
      {
        metadata: { name: 'd', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'a' } },
          template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
        },
      },
      true,
    );
    expect(causes.map((c) => c.field)).toEqual(['spec.template.metadata.labels']);
  });

  it('classifies QoS', () => {
    expect(qosClass({ containers: [{ resources: {} }] })).toBe('BestEffort');
    expect(
      qosClass({
        containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }],
      }),
    ).toBe('Guaranteed');
    expect(qosClass({ containers: [{ resources: { requests: { cpu: '100m' } } }] })).toBe('Burstable');
  });
});

describe('paths', () => {
  it('parses core, group, namespaced and subresource paths', () => {
    expect(parseApiPath('api', [])).toEqual({ kind: 'versions' });
    expect(parseApiPath('api', ['v1'])).toEqual({ kind: 'resources', group: '', version: 'v1' });
    expect(parseApiPath('api', ['v1', 'namespaces', 'default', 'pods', 'web', 'log'])).toMatchObject({
      kind: 'object',
      namespace: 'default',
      name: 'web',
      subresource: 'log',
      type: { plural: 'pods' },
    });
    expect(parseApiPath('api', ['v1', 'namespaces', 'team'])).toMatchObject({
      kind: 'object',
      name: 'team',
      type: { plural: 'namespaces' },
    });
    expect(parseApiPath('api', ['v1', 'namespaces', 'team', 'status'])).toMatchObject({
      kind: 'object',
      name: 'team',
      subresource: 'status',
    });
    expect(parseApiPath('apis', ['apps', 'v1', 'namespaces', 'd', 'deployments', 'x', 'scale'])).toMatchObject({
      kind: 'object',
      subresource: 'scale',
      type: { kind: 'Deployment' },
    });
    expect(parseApiPath('apis', ['networking.k8s.io', 'v1'])).toEqual({ kind: 'unknown' });
    expect(parseApiPath('api', ['v1', 'namespaces', 'd', 'nodes'])).toEqual({ kind: 'unknown' });
  });
});

describe('deployment arithmetic', () => {
  it('resolves maxSurge and maxUnavailable', () => {
    expect(resolveIntOrPercent('25%', 10, true)).toBe(3);
    expect(resolveIntOrPercent('25%', 10, false)).toBe(2);
    expect(resolveIntOrPercent(2, 10, true)).toBe(2);
  });
  it('hashes templates stably', () => {
    expect(templateHash({ a: 1 })).toBe(templateHash({ a: 1 }));
    expect(templateHash({ a: 1 })).not.toBe(templateHash({ a: 2 }));
  });
});

describe('clone', () => {
  it('copies objects and arrays deeply, keeps undefined and a __proto__ key as plain data', async () => {
    const { clone } = await import('../../lib/apimachinery/meta.ts');
    const original = JSON.parse('{"a":{"b":[1,{"c":"x"}]},"__proto__":{"polluted":true},"n":null}');
    original.u = undefined;
    const copy = clone(original);
    expect(copy).toEqual(original);
    expect(copy.a).not.toBe(original.a);
    expect(copy.a.b[1]).not.toBe(original.a.b[1]);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toContain('__proto__');
    expect(({} as any).polluted).toBeUndefined();
    expect('u' in copy).toBe(true);
  });
});

describe('dashboard rows', () => {
  const pod = (name: string, node: string | undefined, phase: string, cpu: string, memory: string) => ({
    metadata: { namespace: 'default', name, creationTimestamp: '2026-11-26T12:00:00Z' },
    spec: {
      nodeName: node,
      containers: [
        { name: 'a', image: 'x', resources: { requests: { cpu, memory } } },
        { name: 'b', image: 'y' },
      ],
    },
    status: { phase },
  });
  const node = {
    metadata: { name: 'n1', labels: {} },
    status: { allocatable: { cpu: '2', memory: '4Gi' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };

  it('a pod row survives its wire tuple, requests included', () => {
    const row = podRow(pod('p', 'n1', 'Running', '500m', '1Gi'));
    expect(row).toMatchObject({ node: 'n1', phase: 'Running', cpuRequestMilli: 500, memoryRequestBytes: 2 ** 30 });
    expect(decodePodRow(encodePodRow(row))).toEqual({ ...row, age: '' });
  });

  it("the server's tuple straight from a pod is the row's tuple, whatever the pod holds", () => {
    const pods = [
      pod('p', 'n1', 'Running', '500m', '1Gi'),
      { metadata: { name: 'bare' } },
      {
        metadata: { namespace: 'x', name: 'gone', creationTimestamp: 'not a time', deletionTimestamp: 'now' },
        spec: { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 'nonsense' } } }] },
        status: {
          podIP: '10.0.0.9',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 3, state: { running: {} } },
            { name: 'b', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ],
        },
      },
      {
        metadata: { name: 'init' },
        spec: { initContainers: [{ name: 'i', image: 'x' }], containers: [] },
        status: { initContainerStatuses: [{ name: 'i', state: { terminated: { exitCode: 2 } } }] },
      },
    ] as Parameters<typeof podRow>[0][];
    for (const p of pods) expect(podRowTuple(p)).toEqual(encodePodRow(podRow(p)));
    expect(podRowTuple(pods[2])).toEqual(['x', 'gone', '1/1', 'Terminating', 5, '—', '10.0.0.9', 0, 'Pending', 0, 0]);
  });

  it('nodes count the requests of their unfinished pods only', () => {
    const rows = [
      pod('a', 'n1', 'Running', '500m', '1Gi'),
      pod('b', 'n1', 'Pending', '1', '1Gi'),
      pod('c', 'n1', 'Succeeded', '1', '1Gi'),
      pod('d', undefined, 'Pending', '1', '1Gi'),
    ].map((p) => podRow(p));
    const [n1] = nodeRows([node], requestedByNode(rows));
    expect(n1).toMatchObject({ name: 'n1', pods: 2, cpuRequestedPct: 75, memoryRequestedPct: 50 });
  });
});
