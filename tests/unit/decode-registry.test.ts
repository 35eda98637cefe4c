import { afterEach, describe, expect, it } from 'vitest';
import { isApiError } from '@/lib/apimachinery/errors.ts';
import type { CustomResourceDefinition } from '@/lib/apimachinery/generated/kinds.ts';
import {
  allTypes,
  compareVersions,
  customTypesFor,
  findType,
  groups,
  groupVersions,
  lookupKey,
  onTypesChanged,
  rbacResource,
  registerCustomTypes,
  storedTypes,
  typeByKey,
  typeByKind,
  typesGeneration,
  unregisterCustomTypes,
} from '@/lib/apimachinery/registry.ts';
import { can } from '@/lib/auth/rbac.ts';
import { decodeBuiltin, fieldValidationParam, type DecodeOptions } from '@/lib/apiserver/decode.ts';

const pods = typeByKey('pods');

/** The 400's message, or the warnings when the body decodes. */
function decode(body: Record<string, unknown>, options: DecodeOptions = {}, t = pods) {
  const warnings: string[] = [];
  try {
    decodeBuiltin(t, body, { ...options, warn: (w) => warnings.push(w) });
  } catch (err) {
    if (isApiError(err)) return { code: err.code, message: err.message, field: err.details?.causes?.[0]?.field };
    throw err;
  }
  return { warnings, body };
}

describe('decoding built-in kinds against their schemas', () => {
  it("names the field and Go's types in a type mismatch, as kube-apiserver's decoder does", () => {
    expect(decode({ spec: { containers: 'x' } })).toEqual({
      code: 400,
      message:
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
      field: 'spec.containers',
    });
    expect(decode({ spec: 7 }).message).toMatch(
      /cannot unmarshal number into Go struct field Pod\.spec of type v1\.PodSpec$/,
    );
    expect(decode({ spec: { containers: [{ name: 'c', ports: [{ containerPort: 80.5 }] }] } })).toMatchObject({
      message: expect.stringMatching(
        /cannot unmarshal number 80\.5 into Go struct field ContainerPort\.spec\.containers\.ports\.containerPort of type int32$/,
      ),
      field: 'spec.containers[0].ports[0].containerPort',
    });
    expect(decode({ metadata: { labels: { a: 1 } } })).toMatchObject({
      message: expect.stringMatching(/into Go struct field ObjectMeta\.metadata\.labels of type string$/),
      field: 'metadata.labels[a]',
    });
    expect(decode({ spec: { priority: 2 ** 31 } }).message).toMatch(
      /cannot unmarshal number 2147483648 .* of type int32/,
    );
  });

  it('accepts what Go accepts where the 1.27 schemas are loose: IntOrString, Quantity, Time, RawExtension, null', () => {
    const ok = decode({
      metadata: { creationTimestamp: null, managedFields: [{ fieldsV1: { 'f:spec': { '.': {} } } }] },
      spec: {
        containers: [
          {
            name: 'c',
            resources: { requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: 0.5 } },
            livenessProbe: { httpGet: { port: 'http' } },
            readinessProbe: { tcpSocket: { port: 8080 } },
          },
        ],
        nodeSelector: null,
      },
      status: { startTime: '2026-01-01T00:00:00Z' },
    });
    expect(ok).toMatchObject({ warnings: [] });
    expect(decode({ spec: { containers: [{ livenessProbe: { httpGet: { port: true } } }] } }).message).toMatch(
      /of type intstr\.IntOrString$/,
    );
    expect(decode({ spec: { containers: [{ livenessProbe: { httpGet: { port: 1.5 } } }] } }).message).toMatch(
      /cannot unmarshal number 1\.5 into/,
    );
    expect(decode({ status: { startTime: 1 } }).message).toMatch(/PodStatus\.status\.startTime of type v1\.Time$/);
  });

  it('parses times and base64 as their Go unmarshalers do', () => {
    expect(decode({ metadata: { creationTimestamp: 'yesterday' } }).message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as an RFC 3339 time',
    );
    expect(decode({ metadata: { deletionTimestamp: '2024-13-45T99:99:99Z' } }).message).toMatch(
      /parsing time "2024-13-45T99:99:99Z": month out of range$/,
    );
    expect(decode({ status: { startTime: '2024-02-30T00:00:00Z' } }).message).toMatch(/day out of range$/);
    expect(decode({ status: { startTime: '2024-02-29T23:59:59.123456+01:00' } })).toMatchObject({ warnings: [] });
    const configMaps = typeByKey('configmaps');
    expect(decode({ binaryData: { a: 'AQID', b: 'AQ==', c: 'AQI=\n' } }, {}, configMaps)).toMatchObject({
      warnings: [],
    });
    expect(decode({ binaryData: { k: 'not base64 !!' } }, {}, configMaps)).toMatchObject({
      message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 3',
      field: 'binaryData[k]',
    });
    expect(decode({ binaryData: { k: 'AQI' } }, {}, configMaps).message).toMatch(
      /illegal base64 data at input byte 0$/,
    );
    expect(decode({ binaryData: { k: 'A===' } }, {}, configMaps).message).toMatch(
      /illegal base64 data at input byte 1$/,
    );
  });

  it('drops unknown fields and reports them by path as fieldValidation asks', () => {
    const body = () => ({
      metadata: { name: 'p', foo: 1 },
      spec: { containers: [{ name: 'c', imagee: 'x' }], bar: 2 },
    });
    const warned = decode(body());
    expect(warned.warnings).toEqual([
      'unknown field "metadata.foo"',
      'unknown field "spec.containers[0].imagee"',
      'unknown field "spec.bar"',
    ]);
    expect(warned.body).toEqual({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } });
    expect(decode(body(), { fieldValidation: 'Ignore' }).warnings).toEqual([]);
    expect(decode(body(), { fieldValidation: 'Strict' })).toMatchObject({
      code: 400,
      message:
        'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.foo", unknown field "spec.containers[0].imagee", unknown field "spec.bar"',
    });
  });

  it('decodes a CRD without pruning what its schemas hold (defaults, CEL rules, nested schemas)', () => {
    const crd = {
      spec: {
        group: 'a.example.com',
        versions: [
          {
            name: 'v1',
            schema: {
              openAPIV3Schema: {
                type: 'object',
                'x-kubernetes-validations': [{ rule: 'self.x > 0', message: 'm' }],
                properties: { spec: { type: 'object', default: { a: [1] }, properties: { x: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    const copy = structuredClone(crd);
    expect(decode(copy, {}, typeByKey('customresourcedefinitions.apiextensions.k8s.io'))).toMatchObject({
      warnings: [],
    });
    expect(copy).toEqual(crd);
  });

  it('reads the fieldValidation parameter as kube-apiserver does', () => {
    expect(fieldValidationParam(null, 'CreateOptions')).toBeUndefined();
    expect(fieldValidationParam('Strict', 'CreateOptions')).toBe('Strict');
    expect(() => fieldValidationParam('strict', 'UpdateOptions')).toThrow(
      'UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "Ignore", "Strict", "Warn"',
    );
  });
});

const crd = (versions: string[], storage = versions[0]): CustomResourceDefinition => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.unit.example.com' },
  spec: {
    group: 'unit.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
    versions: versions.map((name) => ({
      name,
      served: true,
      storage: name === storage,
      subresources:
        name === storage
          ? { status: {}, scale: { specReplicasPath: '.spec.r', statusReplicasPath: '.status.r' } }
          : undefined,
    })),
  },
});

describe('the type registry with custom resources', () => {
  afterEach(() => unregisterCustomTypes('widgets.unit.example.com'));

  it('orders versions as Kubernetes does', () => {
    const sorted = ['v1alpha1', 'v2', 'foo', 'v1beta2', 'v1', 'v1beta1', 'v10', 'v2alpha1'].sort(compareVersions);
    expect(sorted).toEqual(['v10', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v2alpha1', 'v1alpha1', 'foo']);
  });

  it('serves every served version under one store key, and forgets them when unregistered', () => {
    const before = typesGeneration();
    let changes = 0;
    const off = onTypesChanged(() => changes++);
    registerCustomTypes('widgets.unit.example.com', customTypesFor(crd(['v1alpha1', 'v1beta1'], 'v1alpha1')));
    expect(typesGeneration()).toBeGreaterThan(before);
    expect(changes).toBe(1);
    expect(groups()).toContain('unit.example.com');
    expect(groupVersions('unit.example.com')).toEqual(['v1beta1', 'v1alpha1']);
    const alpha = findType('unit.example.com', 'v1alpha1', 'widgets');
    expect(alpha).toMatchObject({ kind: 'Widget', key: 'widgets.unit.example.com', subresources: ['status', 'scale'] });
    expect(findType('unit.example.com', 'v1beta1', 'widgets')?.subresources).toEqual([]);
    // The store key resolves to the storage version.
    expect(lookupKey('widgets.unit.example.com')?.version).toBe('v1alpha1');
    expect(storedTypes().filter((t) => t.key === 'widgets.unit.example.com')).toHaveLength(1);
    expect(allTypes().filter((t) => t.key === 'widgets.unit.example.com')).toHaveLength(2);
    expect(typeByKind('Widget', 'unit.example.com/v1beta1')?.key).toBe('widgets.unit.example.com');
    expect(typeByKind('Widget', 'other.example.com/v1')).toBeUndefined();
    // RBAC: custom resources are workloads, CRDs cluster-scoped admin writes.
    const resource = rbacResource(alpha!);
    expect(resource).toBe('widgets.unit.example.com');
    expect(can('viewer', 'list', resource)).toBe(true);
    expect(can('viewer', 'create', resource)).toBe(false);
    expect(can('operator', 'create', resource)).toBe(true);
    expect(can('operator', 'create', 'customresourcedefinitions')).toBe(false);
    expect(can('viewer', 'get', 'customresourcedefinitions')).toBe(true);

    unregisterCustomTypes('widgets.unit.example.com');
    off();
    expect(changes).toBe(2);
    expect(findType('unit.example.com', 'v1alpha1', 'widgets')).toBeUndefined();
    expect(groupVersions('unit.example.com')).toEqual([]);
    expect(lookupKey('widgets.unit.example.com')).toBeUndefined();
  });

  it('keeps built-ins ahead of a CRD that names the same resource', () => {
    const clash = crd(['v1']);
    clash.spec.group = 'apps';
    clash.spec.names = { plural: 'deployments', kind: 'Impostor' };
    registerCustomTypes('widgets.unit.example.com', customTypesFor(clash));
    expect(findType('apps', 'v1', 'deployments')?.kind).toBe('Deployment');
    expect(typeByKey('deployments.apps').kind).toBe('Deployment');
    // At another version it is not served at all: it would share the built-in's store key.
    clash.spec.versions[0].name = 'v2';
    registerCustomTypes('widgets.unit.example.com', customTypesFor(clash));
    expect(typeByKey('deployments.apps').kind).toBe('Deployment');
    expect(findType('apps', 'v2', 'deployments')).toBeUndefined();
  });
});
