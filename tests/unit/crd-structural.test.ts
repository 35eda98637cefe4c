import { describe, expect, it } from 'vitest';
import { isApiError } from '@/lib/apimachinery/errors.ts';
import type { CustomResourceDefinition } from '@/lib/apimachinery/generated/kinds.ts';
import {
  applyDefaults,
  columnDefinitions,
  crdDefinitionName,
  openApiForCrd,
  printerColumns,
  printRow,
  prune,
  scaleFrom,
  schemaForVersion,
  unknownFieldWarnings,
  validate,
  validateScale,
  withScale,
  type Schema,
} from '@/lib/apiserver/crd/structural.ts';

// The CronTab of the Kubernetes documentation (crontabs.stable.example.com), with the features this file tests:
// a pattern, bounds and a default on replicas, a CEL rule, a transition rule, a map list, printer columns and
// the scale subresource.
const CRON_SPEC = '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$';

const cronTabSchema = (): Schema => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec', 'image'],
      'x-kubernetes-validations': [
        { rule: 'self.minReplicas <= self.replicas', message: 'replicas must be at least minReplicas' },
      ],
      properties: {
        cronSpec: {
          type: 'string',
          pattern: CRON_SPEC,
          'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'cronSpec is immutable' }],
        },
        image: { type: 'string' },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        minReplicas: { type: 'integer', default: 1 },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string' },
              port: { type: 'integer', default: 80 },
              protocol: { type: 'string', enum: ['TCP', 'UDP'], default: 'TCP' },
            },
          },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        labelSelector: { type: 'string' },
        conditions: {
          type: 'array',
          items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } },
        },
      },
    },
  },
});

const cronTab = (): CustomResourceDefinition =>
  ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: cronTabSchema() },
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.replicas',
              statusReplicasPath: '.status.replicas',
              labelSelectorPath: '.status.labelSelector',
            },
          },
          additionalPrinterColumns: [
            { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
        { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: cronTabSchema() } },
      ],
    },
  }) as CustomResourceDefinition;

interface Obj {
  [field: string]: unknown;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
}
const object = (spec: Record<string, unknown>): Obj => ({
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'my-new-cron-object', namespace: 'default' },
  spec,
});

const SCHEMA = cronTabSchema();
/** Prune, default and validate, in the order kube-apiserver runs them. */
const admit = (obj: unknown, old?: unknown) => {
  prune(obj, SCHEMA);
  applyDefaults(obj, SCHEMA);
  return validate(obj, SCHEMA, { oldObject: old });
};

/** A one-property schema under spec, for the value-validation cases. */
const field = (prop: Schema): Schema => ({
  type: 'object',
  properties: { spec: { type: 'object', properties: { x: prop } } },
});
const check = (prop: Schema, x: unknown) => validate({ spec: { x } }, field(prop));

describe('the CronTab custom resource', () => {
  it('admits a valid object, applying defaults', () => {
    const obj = object({ cronSpec: '* * * * */5', image: 'my-awesome-cron-image', ports: [{ name: 'http' }] });
    expect(admit(obj)).toEqual([]);
    expect(obj.spec).toEqual({
      cronSpec: '* * * * */5',
      image: 'my-awesome-cron-image',
      replicas: 1,
      minReplicas: 1,
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
  });

  it('reports a pattern, a bound and a CEL rule with Kubernetes messages', () => {
    const obj = object({ cronSpec: 'every minute', image: 'img', replicas: 11 });
    expect(admit(obj)).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.cronSpec',
        message: `Invalid value: "every minute": spec.cronSpec in body should match '${CRON_SPEC}'`,
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: 11: spec.replicas in body should be less than or equal to 10',
      },
    ]);
    const low = object({ cronSpec: '* * * * *', image: 'img', replicas: 2, minReplicas: 3 });
    expect(admit(low)).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec',
        message: 'Invalid value: "object": replicas must be at least minReplicas',
      },
    ]);
  });

  it('does not run CEL rules once a blocking error is found', () => {
    const obj = object({ cronSpec: '* * * * *', replicas: 'three', minReplicas: 5 });
    // Required fields are checked before properties, as kube-openapi's object validator does.
    expect(admit(obj)).toEqual([
      { reason: 'FieldValueRequired', field: 'spec.image', message: 'Required value' },
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      },
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: "null": some validation rules were not checked because the object was invalid; ' +
          'correct the existing errors to complete validation',
      },
    ]);
  });

  it('rejects duplicate keys of a map list', () => {
    const obj = object({ cronSpec: '* * * * *', image: 'i', ports: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] });
    expect(admit(obj)).toEqual([
      {
        reason: 'FieldValueDuplicate',
        field: 'spec.ports[2]',
        message: 'Duplicate value: map[string]interface {}{"name":"a"}',
      },
    ]);
  });

  it('runs transition rules on update only', () => {
    const created = object({ cronSpec: '* * * * *', image: 'i' });
    expect(admit(created)).toEqual([]);
    const updated = structuredClone(created);
    updated.spec.cronSpec = '*/5 * * * *';
    expect(admit(updated, created)).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.cronSpec',
        message: 'Invalid value: "string": cronSpec is immutable',
      },
    ]);
    const same = structuredClone(created);
    same.spec.image = 'other';
    expect(admit(same, created)).toEqual([]);
  });
});

describe('prune', () => {
  it('drops unknown fields and reports their paths, keeping apiVersion, kind and ObjectMeta', () => {
    const obj = {
      ...object({ cronSpec: '* * * * *', image: 'i', foo: 1, ports: [{ name: 'a', bar: true }] }),
      extra: { nested: 1 },
    };
    obj.metadata.labels = { app: 'x' };
    obj.metadata.bogus = 1;
    expect(prune(obj, SCHEMA)).toEqual(['metadata.bogus', 'spec.foo', 'spec.ports[0].bar', 'extra']);
    expect(obj).toEqual({
      ...object({ cronSpec: '* * * * *', image: 'i', ports: [{ name: 'a' }] }),
      metadata: { name: 'my-new-cron-object', namespace: 'default', labels: { app: 'x' } },
    });
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields, still pruning known subtrees', () => {
    const schema: Schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      },
    };
    const obj = { spec: { anything: { goes: [1] }, known: { a: 'x', b: 'pruned' } } };
    expect(prune(obj, schema)).toEqual(['spec.known.b']);
    expect(obj).toEqual({ spec: { anything: { goes: [1] }, known: { a: 'x' } } });
  });

  it('applies fieldValidation: Strict rejects with 400, Warn warns, Ignore is silent', () => {
    const unknown = ['spec.foo', 'spec.bar'];
    const gvk = { kind: 'CronTab', version: 'v1' };
    expect(unknownFieldWarnings(unknown, 'Ignore', gvk)).toEqual([]);
    expect(unknownFieldWarnings(unknown, 'Warn', gvk)).toEqual([
      'unknown field "spec.foo"',
      'unknown field "spec.bar"',
    ]);
    let thrown: unknown;
    try {
      unknownFieldWarnings(unknown, 'Strict', gvk);
    } catch (err) {
      thrown = err;
    }
    expect(isApiError(thrown)).toBe(true);
    if (!isApiError(thrown)) return;
    expect(thrown.code).toBe(400);
    expect(thrown.reason).toBe('BadRequest');
    expect(thrown.message).toBe(
      'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: ' +
        'unknown field "spec.foo", unknown field "spec.bar"',
    );
    expect(unknownFieldWarnings([], 'Strict', gvk)).toEqual([]);
  });
});

describe('applyDefaults', () => {
  const schema: Schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        default: {},
        properties: {
          mode: { type: 'string', default: 'auto' },
          nullableMode: { type: 'string', nullable: true, default: 'auto' },
          plain: { type: 'string' },
          matrix: {
            type: 'array',
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  weight: { type: 'integer', default: 1 },
                  tags: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
          byName: {
            type: 'object',
            additionalProperties: { type: 'object', properties: { enabled: { type: 'boolean', default: true } } },
          },
        },
      },
    },
  };

  it('defaults an absent object, then the fields inside it', () => {
    const obj: Record<string, unknown> = {};
    applyDefaults(obj, schema);
    expect(obj).toEqual({ spec: { mode: 'auto', nullableMode: 'auto' } });
  });

  it('defaults inside nested array items and additionalProperties values', () => {
    const obj = {
      spec: { matrix: [[{}, { weight: 5 }], [{ tags: ['a'] }]], byName: { a: {}, b: { enabled: false } } },
    };
    applyDefaults(obj, schema);
    expect(obj.spec).toEqual({
      mode: 'auto',
      nullableMode: 'auto',
      matrix: [[{ weight: 1 }, { weight: 5 }], [{ weight: 1, tags: ['a'] }]],
      byName: { a: { enabled: true }, b: { enabled: false } },
    });
  });

  it('handles null per nullable: defaulted, kept or dropped', () => {
    const obj = { spec: { mode: null, nullableMode: null, plain: null } };
    applyDefaults(obj, schema);
    expect(obj.spec).toEqual({ mode: 'auto', nullableMode: null });
  });

  it('copies defaults, so objects never share them', () => {
    const s: Schema = { type: 'object', properties: { a: { type: 'object', default: { list: [1] } } } };
    const x: Record<string, { list: number[] }> = {};
    const y: Record<string, { list: number[] }> = {};
    applyDefaults(x, s);
    applyDefaults(y, s);
    x.a.list.push(2);
    expect(y.a.list).toEqual([1]);
    expect((s.properties?.a.default as { list: number[] }).list).toEqual([1]);
  });
});

describe('validate: value validations', () => {
  const invalidCause = (message: string) => [{ reason: 'FieldValueInvalid', field: 'spec.x', message }];

  it('checks types, with nullable', () => {
    expect(check({ type: 'integer' }, 'a')).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.x',
        message: 'Invalid value: "string": spec.x in body must be of type integer: "string"',
      },
    ]);
    expect(check({ type: 'integer' }, 1.5)[0].message).toBe(
      'Invalid value: "number": spec.x in body must be of type integer: "number"',
    );
    expect(check({ type: 'number' }, 2)).toEqual([]);
    expect(check({ type: 'object' }, [1])[0].message).toBe(
      'Invalid value: "array": spec.x in body must be of type object: "array"',
    );
    expect(check({ type: 'string' }, null)[0].message).toBe(
      'Invalid value: "null": spec.x in body must be of type string: "null"',
    );
    expect(check({ type: 'string', nullable: true }, null)).toEqual([]);
    expect(check({ type: 'boolean' }, 'true')[0].reason).toBe('FieldValueTypeInvalid');
  });

  it('checks x-kubernetes-int-or-string', () => {
    const s: Schema = { 'x-kubernetes-int-or-string': true };
    expect(check(s, 8080)).toEqual([]);
    expect(check(s, 'http')).toEqual([]);
    expect(check(s, true)[0].message).toBe(
      'Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"',
    );
  });

  it('checks formats kube-apiserver validates, and ignores int32/int64 as it does', () => {
    const typeCause = (value: string, format: string) => [
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.x',
        message: `Invalid value: "${value}": spec.x in body must be of type ${format}: "${value}"`,
      },
    ];
    expect(check({ type: 'string', format: 'date-time' }, '2024-02-30T10:00:00Z')).toEqual(
      typeCause('2024-02-30T10:00:00Z', 'date-time'),
    );
    expect(check({ type: 'string', format: 'date-time' }, '2024-02-29T10:00:00.5+01:00')).toEqual([]);
    expect(check({ type: 'string', format: 'date' }, '2024-13-01')).toEqual(typeCause('2024-13-01', 'date'));
    expect(check({ type: 'string', format: 'uuid' }, 'not-a-uuid')).toEqual(typeCause('not-a-uuid', 'uuid'));
    expect(check({ type: 'string', format: 'uuid' }, '123e4567-e89b-12d3-a456-426614174000')).toEqual([]);
    expect(check({ type: 'string', format: 'byte' }, 'aGk=')).toEqual([]);
    expect(check({ type: 'string', format: 'byte' }, 'a*b')).toEqual(typeCause('a*b', 'byte'));
    expect(check({ type: 'string', format: 'ipv4' }, '10.0.0.256')).toEqual(typeCause('10.0.0.256', 'ipv4'));
    expect(check({ type: 'string', format: 'cidr' }, '10.0.0.0/8')).toEqual([]);
    expect(check({ type: 'string', format: 'hostname' }, 'my-host.example.com')).toEqual([]);
    expect(check({ type: 'integer', format: 'int32' }, 2 ** 40)).toEqual([]);
    expect(check({ type: 'string', format: 'my-own-format' }, 'anything')).toEqual([]);
  });

  it('checks enum', () => {
    expect(check({ type: 'string', enum: ['Always', 'Never'] }, 'Sometimes')).toEqual([
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.x',
        message: 'Unsupported value: "Sometimes": supported values: "Always", "Never"',
      },
    ]);
    expect(check({ type: 'integer', enum: [1, 2] }, 3)[0].message).toBe(
      'Unsupported value: 3: supported values: "1", "2"',
    );
    expect(check({ type: 'integer', enum: [1, 2] }, 2)).toEqual([]);
  });

  it('checks numeric bounds and multipleOf', () => {
    expect(check({ type: 'integer', maximum: 10, exclusiveMaximum: true }, 10)).toEqual(
      invalidCause('Invalid value: 10: spec.x in body should be less than 10'),
    );
    expect(check({ type: 'integer', minimum: 0, exclusiveMinimum: true }, 0)).toEqual(
      invalidCause('Invalid value: 0: spec.x in body should be greater than 0'),
    );
    expect(check({ type: 'number', minimum: 0.5 }, 0.25)).toEqual(
      invalidCause('Invalid value: 0.25: spec.x in body should be greater than or equal to 0.5'),
    );
    expect(check({ type: 'integer', maximum: 1000000 }, 2000000)).toEqual(
      invalidCause('Invalid value: 2000000: spec.x in body should be less than or equal to 1e+06'),
    );
    expect(check({ type: 'integer', multipleOf: 5 }, 12)).toEqual(
      invalidCause('Invalid value: 12: spec.x in body should be a multiple of 5'),
    );
    expect(check({ type: 'number', multipleOf: 0.1 }, 0.3)).toEqual([]);
  });

  it('checks string lengths in characters, and patterns with RE2 syntax', () => {
    expect(check({ type: 'string', maxLength: 5 }, 'abcdef')).toEqual([
      { reason: 'FieldValueTooLong', field: 'spec.x', message: 'Too long: may not be longer than 5' },
    ]);
    expect(check({ type: 'string', maxLength: 2 }, 'żó')).toEqual([]);
    expect(check({ type: 'string', minLength: 3 }, 'ab')).toEqual(
      invalidCause('Invalid value: "ab": spec.x in body should be at least 3 chars long'),
    );
    expect(check({ type: 'string', pattern: '^[[:alpha:]]+\\z' }, 'abc')).toEqual([]);
    expect(check({ type: 'string', pattern: '(?i)^abc$' }, 'ABC')).toEqual([]);
    expect(check({ type: 'string', pattern: '\\p{Greek}' }, 'α')).toEqual([]);
    expect(check({ type: 'string', pattern: '^a\\-b$' }, 'a-b')).toEqual([]);
    // Unanchored, as Go's MatchString.
    expect(check({ type: 'string', pattern: 'b' }, 'abc')).toEqual([]);
  });

  it('checks array sizes and uniqueness', () => {
    const list: Schema = { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 };
    expect(check(list, [])).toEqual(invalidCause('Invalid value: 0: spec.x in body should have at least 1 items'));
    expect(check(list, ['a', 'b', 'c'])).toEqual([
      { reason: 'FieldValueTooMany', field: 'spec.x', message: 'Too many: 3: must have at most 2 items' },
    ]);
    expect(check({ type: 'array', items: { type: 'string' }, uniqueItems: true }, ['a', 'a'])).toEqual(
      invalidCause('Invalid value: "": spec.x in body shouldn\'t contain duplicates'),
    );
    expect(check({ type: 'array', items: { type: 'integer', maximum: 3 } }, [1, 4])).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.x[1]',
        message: 'Invalid value: 4: spec.x[1] in body should be less than or equal to 3',
      },
    ]);
  });

  it('checks object sizes and required fields', () => {
    const map: Schema = {
      type: 'object',
      additionalProperties: { type: 'string' },
      minProperties: 1,
      maxProperties: 2,
    };
    expect(check(map, {})).toEqual(invalidCause('Invalid value: 0: spec.x in body should have at least 1 properties'));
    expect(check(map, { a: '1', b: '2', c: '3' })).toEqual([
      { reason: 'FieldValueTooMany', field: 'spec.x', message: 'Too many: 3: must have at most 2 items' },
    ]);
    expect(check(map, { a: 1 })[0].message).toBe(
      'Invalid value: "integer": spec.x.a in body must be of type string: "integer"',
    );
    const obj: Schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
    expect(check(obj, {})).toEqual([{ reason: 'FieldValueRequired', field: 'spec.x.name', message: 'Required value' }]);
  });

  it('checks list-type set uniqueness', () => {
    const set: Schema = { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } };
    expect(check(set, ['a', 'b', 'a', 'a'])).toEqual([
      { reason: 'FieldValueDuplicate', field: 'spec.x[2]', message: 'Duplicate value: "a"' },
    ]);
    const multi: Schema = {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
    };
    expect(
      check(multi, [
        { port: 80, protocol: 'TCP' },
        { port: 80, protocol: 'UDP' },
        { protocol: 'TCP', port: 80 },
      ]),
    ).toEqual([
      {
        reason: 'FieldValueDuplicate',
        field: 'spec.x[2]',
        message: 'Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}',
      },
    ]);
  });

  it('checks allOf, anyOf, oneOf and not as value validations', () => {
    const any: Schema = { type: 'string', anyOf: [{ maxLength: 2 }, { pattern: '^x' }] };
    expect(check(any, 'xyz')).toEqual([]);
    expect(check(any, 'abc')).toEqual([
      ...invalidCause('Invalid value: "": spec.x must validate at least one schema (anyOf)'),
      { reason: 'FieldValueTooLong', field: 'spec.x', message: 'Too long: may not be longer than 2' },
    ]);
    const one: Schema = { type: 'integer', oneOf: [{ minimum: 5 }, { maximum: 10 }] };
    expect(check(one, 7)).toEqual(
      invalidCause(
        'Invalid value: "": spec.x must validate one and only one schema (oneOf). Found 2 valid alternatives',
      ),
    );
    expect(check(one, 11)).toEqual([]);
    expect(check({ type: 'string', not: { enum: ['root'] } }, 'root')).toEqual(
      invalidCause('Invalid value: "": spec.x must not validate the schema (not)'),
    );
    const all: Schema = { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 3 }] };
    expect(check(all, 4)).toEqual([
      ...invalidCause('Invalid value: 4: spec.x in body should be less than or equal to 3'),
      ...invalidCause('Invalid value: "": spec.x must validate all the schemas (allOf)'),
    ]);
  });
});

describe('validate: x-kubernetes-validations (CEL)', () => {
  const withRules = (prop: Schema, rules: Schema['x-kubernetes-validations']): Schema => ({
    ...prop,
    'x-kubernetes-validations': rules,
  });

  it('reports a rule without message as "failed rule", with the node type as value', () => {
    expect(check(withRules({ type: 'integer' }, [{ rule: 'self % 2 == 0' }]), 3)).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.x', message: 'Invalid value: "integer": failed rule: self % 2 == 0' },
    ]);
  });

  it('evaluates messageExpression, reason and fieldPath', () => {
    const s = withRules({ type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } } }, [
      {
        rule: 'self.min <= self.max',
        messageExpression: "'min (' + string(self.min) + ') exceeds max (' + string(self.max) + ')'",
        reason: 'FieldValueForbidden',
        fieldPath: '.min',
      },
    ]);
    expect(check(s, { min: 5, max: 2 })).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.x.min', message: 'Forbidden: min (5) exceeds max (2)' },
    ]);
    const required = withRules({ type: 'object', properties: { a: { type: 'string' } } }, [
      { rule: 'has(self.a)', message: 'a is required here', reason: 'FieldValueRequired' },
    ]);
    expect(check(required, {})).toEqual([
      { reason: 'FieldValueRequired', field: 'spec.x', message: 'Required value: a is required here' },
    ]);
  });

  it('sees integers as CEL ints and numbers as doubles', () => {
    const s: Schema = {
      type: 'object',
      properties: { n: { type: 'integer' }, f: { type: 'number' } },
      'x-kubernetes-validations': [{ rule: 'self.n + 1 == 3 && self.f * 2.0 == 3.0 && type(self.n) == int' }],
    };
    expect(check(s, { n: 2, f: 1.5 })).toEqual([]);
  });

  it('reports runtime errors the way kube-apiserver words them', () => {
    const s = withRules({ type: 'object', properties: { a: { type: 'string' } } }, [{ rule: 'self.a == "x"' }]);
    expect(check(s, {})).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.x',
        message: 'Invalid value: "object": no such key: a evaluating rule: self.a == "x"',
      },
    ]);
  });

  it('escapes property names, and maps values as typed by the schema', () => {
    const s: Schema = {
      type: 'object',
      properties: {
        'max-size': { type: 'integer' },
        namespace: { type: 'string' },
        at: { type: 'string', format: 'date-time' },
        timeout: { type: 'string', format: 'duration' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
      'x-kubernetes-validations': [
        {
          rule:
            "self.max__dash__size == 3 && self.__namespace__ == 'ns' && " +
            "self.labels['app.kubernetes.io/name'] == 'a'",
        },
        { rule: "self.at < timestamp('2030-01-01T00:00:00Z') && self.timeout > duration('1m')" },
      ],
    };
    const value = {
      'max-size': 3,
      namespace: 'ns',
      at: '2024-05-01T12:00:00Z',
      timeout: '5m',
      labels: { 'app.kubernetes.io/name': 'a' },
    };
    expect(check(s, value)).toEqual([]);
  });

  it('provides the Kubernetes list and regex libraries', () => {
    const s: Schema = {
      type: 'array',
      items: { type: 'integer' },
      'x-kubernetes-validations': [
        { rule: 'self.isSorted() && self.sum() == 6 && self.max() == 3 && self.indexOf(2) == 1' },
        { rule: "'abc123def'.find('[0-9]+') == '123' && sets.contains(self, [1, 3])" },
      ],
    };
    expect(check(s, [1, 2, 3])).toEqual([]);
    expect(check(s, [3, 2, 1])[0].message).toBe(
      'Invalid value: "array": failed rule: ' +
        'self.isSorted() && self.sum() == 6 && self.max() == 3 && self.indexOf(2) == 1',
    );
  });

  it('sees a resource root with apiVersion, kind, metadata.name', () => {
    const s: Schema = {
      type: 'object',
      'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('web-') && self.kind == 'CronTab'" }],
    };
    expect(validate({ kind: 'CronTab', metadata: { name: 'web-1' } }, s)).toEqual([]);
    expect(validate({ kind: 'CronTab', metadata: { name: 'db-1' } }, s)).toEqual([
      {
        reason: 'FieldValueInvalid',
        message:
          "Invalid value: \"object\": failed rule: self.metadata.name.startsWith('web-') && self.kind == 'CronTab'",
      },
    ]);
  });

  it('correlates items of map lists for oldSelf, and skips uncorrelated ones', () => {
    const s: Schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: {
                type: 'object',
                required: ['name'],
                properties: { name: { type: 'string' }, port: { type: 'integer' } },
                'x-kubernetes-validations': [{ rule: 'self.port >= oldSelf.port', message: 'ports may only grow' }],
              },
            },
          },
        },
      },
    };
    const old = {
      spec: {
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 90 },
        ],
      },
    };
    const next = {
      spec: {
        ports: [
          { name: 'b', port: 91 },
          { name: 'c', port: 1 },
          { name: 'a', port: 70 },
        ],
      },
    };
    expect(validate(next, s, { oldObject: old })).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.ports[2]', message: 'Invalid value: "object": ports may only grow' },
    ]);
    expect(validate(next, s)).toEqual([]);
  });

  it('compiles each rule once and stays fast', () => {
    const obj = () =>
      object({ cronSpec: '* * * * *', image: 'i', replicas: 3, minReplicas: 2, ports: [{ name: 'a' }] });
    const start = performance.now();
    for (let i = 0; i < 2000; i++) expect(admit(obj())).toEqual([]);
    expect(performance.now() - start).toBeLessThan(5000);
  });
});

describe('openApiForCrd', () => {
  it('publishes each served version with TypeMeta, ObjectMeta and the group-version-kind', () => {
    const docs = openApiForCrd(cronTab());
    expect(Object.keys(docs)).toEqual(['v1']);
    const name = crdDefinitionName('stable.example.com', 'v1', 'CronTab');
    expect(name).toBe('com.example.stable.v1.CronTab');
    expect(Object.keys(docs.v1)).toEqual([name, 'com.example.stable.v1.CronTabList']);
    const kind = docs.v1[name];
    expect(kind['x-kubernetes-group-version-kind']).toEqual([
      { group: 'stable.example.com', version: 'v1', kind: 'CronTab' },
    ]);
    expect(kind.properties?.metadata).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    });
    expect(kind.properties?.apiVersion?.type).toBe('string');
    expect(kind.properties?.kind?.type).toBe('string');
    expect(kind.properties?.spec?.properties?.replicas).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 10,
      default: 1,
    });
    const list = docs.v1['com.example.stable.v1.CronTabList'];
    expect(list.properties?.items?.items).toEqual({ $ref: `#/components/schemas/${name}` });
    expect(list['x-kubernetes-group-version-kind']).toEqual([
      { group: 'stable.example.com', version: 'v1', kind: 'CronTabList' },
    ]);
    // The CRD's own schema object is not modified.
    expect(schemaForVersion(cronTab(), 'v1')?.properties?.metadata).toBeUndefined();
  });

  it('adds TypeMeta and ObjectMeta to embedded resources', () => {
    const crd = cronTab();
    const schema = schemaForVersion(crd, 'v1') as Schema;
    (schema.properties as Record<string, Schema>).template = {
      type: 'object',
      'x-kubernetes-embedded-resource': true,
      'x-kubernetes-preserve-unknown-fields': true,
    };
    const template = openApiForCrd(crd).v1['com.example.stable.v1.CronTab'].properties?.template;
    expect(Object.keys(template?.properties ?? {}).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(template?.required).toEqual(['kind', 'apiVersion']);
  });
});

describe('printer columns', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('serves NAME then the declared columns, or NAME and AGE by default', () => {
    const columns = printerColumns(cronTab(), 'v1');
    expect(columns.map((c) => [c.name, c.type, c.jsonPath])).toEqual([
      ['Name', 'string', '.metadata.name'],
      ['Spec', 'string', '.spec.cronSpec'],
      ['Replicas', 'integer', '.spec.replicas'],
      ['Ready', 'string', '.status.conditions[?(@.type=="Ready")].status'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ]);
    expect(columnDefinitions(columns)[1]).toEqual({
      name: 'Spec',
      type: 'string',
      format: '',
      description: 'Custom resource definition column (in JSONPath format): .spec.cronSpec',
      priority: 0,
    });
    expect(printerColumns(cronTab(), 'v1beta1').map((c) => c.name)).toEqual(['Name', 'Age']);
  });

  it('evaluates JSONPath cells like the table convertor', () => {
    const obj = {
      ...object({ cronSpec: '* * * * */5', replicas: 3 }),
      status: {
        conditions: [
          { type: 'Scheduled', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
      },
    };
    obj.metadata.creationTimestamp = '2024-05-01T09:30:00Z';
    const columns = printerColumns(cronTab(), 'v1');
    expect(printRow(obj, columns, now)).toEqual(['my-new-cron-object', '* * * * */5', 3, 'False', '150m']);
    expect(printRow({ metadata: { name: 'bare' } }, columns, now)).toEqual(['bare', null, null, null, null]);
    const odd = { ...obj, spec: { cronSpec: { every: 5 }, replicas: 'x' } };
    expect(printRow(odd, columns, now).slice(1, 3)).toEqual(['map[every:5]', null]);
  });
});

describe('scale subresource', () => {
  const scale = {
    specReplicasPath: '.spec.replicas',
    statusReplicasPath: '.status.replicas',
    labelSelectorPath: '.status.labelSelector',
  };

  it('reads a Scale from the custom resource', () => {
    const obj = {
      ...object({ replicas: 3 }),
      status: { replicas: 2, labelSelector: 'app=cron' },
    };
    expect(scaleFrom(obj, scale)).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'my-new-cron-object', namespace: 'default' },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=cron' },
    });
    expect(scaleFrom(object({}), scale)).toMatchObject({
      spec: { replicas: 0 },
      status: { replicas: 0, selector: '' },
    });
    expect(() => scaleFrom(object({ replicas: 'x' }), scale)).toThrow(
      '.spec.replicas accessor error: x is of the type string, expected int64',
    );
  });

  it('writes replicas back without touching the input', () => {
    const obj = object({ image: 'i' });
    const scaled = withScale(obj, 5, scale);
    expect(scaled.spec).toEqual({ image: 'i', replicas: 5 });
    expect(obj.spec).toEqual({ image: 'i' });
    expect(withScale({ metadata: { name: 'x' } }, 2, { ...scale, specReplicasPath: '.spec.deep.count' })).toEqual({
      metadata: { name: 'x' },
      spec: { deep: { count: 2 } },
    });
    expect(() => withScale(obj, -1, scale)).toThrow(
      'Scale "my-new-cron-object" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  it('validates the replica paths of a custom resource', () => {
    expect(validateScale(object({ replicas: -2 }), scale)).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: '.spec.replicas',
        message: 'Invalid value: -2: should be a non-negative integer',
      },
    ]);
    expect(validateScale({ ...object({}), status: { replicas: 1, labelSelector: 5 } }, scale, 'status')).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: '.status.labelSelector',
        message: 'Invalid value: 5: .status.labelSelector accessor error: 5 is of the type int64, expected string',
      },
    ]);
  });
});
