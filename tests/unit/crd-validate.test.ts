import { describe, expect, it } from 'vitest';
import type { StatusCause } from '@/lib/apimachinery/errors.ts';
import type { CustomResourceDefinition } from '@/lib/apimachinery/generated/kinds.ts';
import type { Schema } from '@/lib/apiserver/crd/structural.ts';
import { validateCrd, withCrdDefaults } from '@/lib/apiserver/crd/validate-crd.ts';

const SCHEMA_PATH = 'spec.versions[0].schema.openAPIV3Schema';

const schema = (): Schema => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'self.minReplicas <= self.replicas' }],
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        image: { type: 'string' },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        minReplicas: { type: 'integer', default: 1 },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, port: { type: 'integer' } },
            'x-kubernetes-validations': [{ rule: 'self.port >= oldSelf.port' }],
          },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' } } },
  },
});

const cronTab = (mutate: (crd: CustomResourceDefinition, s: Schema) => void = () => {}): CustomResourceDefinition => {
  const s = schema();
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: s },
          subresources: {
            status: {},
            scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
          },
          additionalPrinterColumns: [
            { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
            { name: 'Replicas', type: 'integer', format: 'int32', jsonPath: '.spec.replicas' },
          ],
        },
      ],
    },
  } as unknown as CustomResourceDefinition;
  mutate(crd, s);
  return crd;
};

const props = (s: Schema, ...path: string[]): Schema =>
  path.reduce<Schema>((node, name) => (node.properties as Record<string, Schema>)[name], s);

/** The causes as kube-apiserver prints them: `field: message`. */
const text = (causes: StatusCause[]) => causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));

describe('validateCrd: a valid CRD', () => {
  it('accepts the CronTab CRD (singular and listKind defaulted as v1 does)', () => {
    expect(validateCrd(cronTab())).toEqual([]);
    const defaulted = withCrdDefaults(cronTab());
    expect(defaulted.spec.names).toMatchObject({ singular: 'crontab', listKind: 'CronTabList' });
    expect(defaulted.spec.conversion).toEqual({ strategy: 'None' });
    expect(defaulted.status?.storedVersions).toEqual(['v1']);
  });
});

describe('validateCrd: metadata, group, names, scope', () => {
  it('requires the name to be <plural>.<group>', () => {
    const crd = cronTab((c) => {
      c.metadata = { name: 'crontab.stable.example.com' };
    });
    expect(validateCrd(crd)).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: 'Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group',
      },
    ]);
  });

  it('requires a group with at least one dot', () => {
    const crd = cronTab((c) => {
      c.metadata = { name: 'crontabs.example' };
      c.spec.group = 'example';
    });
    expect(text(validateCrd(crd))).toEqual([
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
    ]);
    const upper = cronTab((c) => {
      c.metadata = { name: 'crontabs.Example.com' };
      c.spec.group = 'Example.com';
    });
    expect(text(validateCrd(upper))).toContain(
      'spec.group: Invalid value: "Example.com": a lowercase RFC 1123 subdomain must consist of lower case ' +
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. " +
        "'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  });

  it('checks plural, singular, kind, listKind, shortNames and categories', () => {
    const crd = cronTab((c) => {
      c.metadata = { name: 'CronTabs.stable.example.com' };
      c.spec.names = {
        plural: 'CronTabs',
        singular: 'cron_tab',
        kind: 'Cron-Tab!',
        listKind: 'Cron-Tab!',
        shortNames: ['ct', '1ct'],
        categories: ['all', 'Bad'],
      };
    });
    const label =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic " +
      "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation " +
      "is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    expect(text(validateCrd(crd))).toEqual([
      expect.stringMatching(/^metadata\.name: Invalid value: "CronTabs.stable.example.com": a lowercase RFC 1123/),
      `spec.names.plural: Invalid value: "CronTabs": ${label}`,
      `spec.names.singular: Invalid value: "cron_tab": ${label}`,
      `spec.names.kind: Invalid value: "Cron-Tab!": may have mixed case, but should otherwise match: ${label}`,
      `spec.names.listKind: Invalid value: "Cron-Tab!": may have mixed case, but should otherwise match: ${label}`,
      `spec.names.shortNames[1]: Invalid value: "1ct": ${label}`,
      'spec.names.listKind: Invalid value: "Cron-Tab!": kind and listKind may not be the same',
      `spec.names.categories[1]: Invalid value: "Bad": ${label}`,
    ]);
  });

  it('requires names and a known scope', () => {
    const crd = cronTab((c) => {
      c.metadata = { name: '.stable.example.com' };
      c.spec.names = { plural: '', kind: '' };
      c.spec.scope = 'Global';
    });
    expect(text(validateCrd(crd))).toEqual([
      expect.stringMatching(/^metadata\.name: Invalid value: "\.stable\.example\.com": a lowercase RFC 1123/),
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      'spec.names.plural: Required value',
      'spec.names.singular: Required value',
      'spec.names.kind: Required value',
      'spec.names.listKind: Required value',
    ]);
  });
});

describe('validateCrd: versions', () => {
  it('needs exactly one storage version, unique DNS-1035 names, and a schema', () => {
    const crd = cronTab((c) => {
      const v = c.spec.versions[0];
      c.spec.versions = [v, { ...v, name: 'v1' }, { name: 'V2', served: true, storage: false }];
    });
    const causes = text(validateCrd(crd));
    expect(causes).toContain(`spec.versions[2].schema.openAPIV3Schema: Required value: schemas are required`);
    expect(causes).toContainEqual(
      expect.stringMatching(/^spec\.versions\[2\]\.name: Invalid value: "V2": a DNS-1035 label/),
    );
    expect(causes).toContainEqual(
      expect.stringMatching(/^spec\.versions: Invalid value: .*: must contain unique version names$/),
    );
    expect(causes).toContainEqual(
      expect.stringMatching(
        /^spec\.versions: Invalid value: .*: must have exactly one version marked as storage version$/,
      ),
    );
  });

  it('rejects a deprecation warning on a version that is not deprecated', () => {
    const crd = cronTab((c) => {
      c.spec.versions[0].deprecationWarning = 'going away';
    });
    expect(text(validateCrd(crd))).toEqual([
      'spec.versions[0].deprecationWarning: Invalid value: "going away": can only be set for deprecated versions',
    ]);
  });
});

describe('validateCrd: structural schemas', () => {
  it('requires a type on every specified field', () => {
    const crd = cronTab((_c, s) => {
      delete props(s, 'spec').type;
    });
    expect(validateCrd(crd)).toEqual([
      {
        reason: 'FieldValueRequired',
        field: `${SCHEMA_PATH}.properties[spec].type`,
        message: 'Required value: must not be empty for specified object fields',
      },
    ]);
  });

  it('requires items types and array items', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec').properties = {
        list: { type: 'array', items: { description: 'untyped' } },
        bare: { type: 'array' },
      };
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[spec].properties[bare].items: Required value: must be specified`,
      `${SCHEMA_PATH}.properties[spec].properties[list].items.type: Required value: ` +
        'must not be empty for specified array items',
    ]);
  });

  it('forbids types and defaults inside logical junctors, and requires them to be complete', () => {
    const crd = cronTab((c, s) => {
      // Without the status subresource, which would forbid anyOf at the root.
      delete c.spec.versions[0].subresources;
      s.anyOf = [{ properties: { spec: { type: 'object' } } }, { properties: { other: { minProperties: 1 } } }];
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.anyOf[0].properties[spec].type: Forbidden: must be empty to be structural`,
      `${SCHEMA_PATH}.properties[other]: Required value: ` +
        `because it is defined in ${SCHEMA_PATH}.anyOf[1].properties[other]`,
    ]);
  });

  it('accepts the int-or-string anyOf form but nothing else typed under anyOf', () => {
    expect(validateCrd(cronTab())).toEqual([]);
    const crd = cronTab((_c, s) => {
      props(s, 'spec', 'port').anyOf = [{ type: 'integer' }, { type: 'boolean' }];
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[spec].properties[port].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${SCHEMA_PATH}.properties[spec].properties[port].anyOf[1].type: Forbidden: must be empty to be structural`,
    ]);
  });

  it('forbids additionalProperties together with properties, and $ref', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec').additionalProperties = { type: 'string' };
      props(s, 'status').properties = { ref: { $ref: '#/definitions/x', type: 'object' } };
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[spec].additionalProperties: Forbidden: ` +
        'additionalProperties and properties are mutual exclusive',
      `${SCHEMA_PATH}.properties[status].properties[ref].$ref: Forbidden: $ref is not supported`,
    ]);
  });

  it('restricts root metadata to name and generateName', () => {
    const ok = cronTab((_c, s) => {
      (s.properties as Record<string, Schema>).metadata = {
        type: 'object',
        properties: { name: { type: 'string', maxLength: 10 } },
      };
    });
    expect(validateCrd(ok)).toEqual([]);
    const crd = cronTab((_c, s) => {
      (s.properties as Record<string, Schema>).metadata = {
        type: 'object',
        properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } },
      };
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, ` +
        'but metadata is implicitly specified',
    ]);
  });

  it('rejects an invalid RE2 pattern', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec', 'image').pattern = '^(?=latest)';
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[spec].properties[image].pattern: Invalid value: "^(?=latest)": must be a valid ` +
        "regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
    ]);
  });

  it('checks map lists: keys must be scalar item properties that are required or defaulted', () => {
    const crd = cronTab((_c, s) => {
      const ports = props(s, 'spec', 'ports');
      ports['x-kubernetes-list-map-keys'] = ['name', 'port', 'missing', 'nested'];
      const items = ports.items as Schema;
      (items.properties as Record<string, Schema>).nested = { type: 'object' };
    });
    const base = `${SCHEMA_PATH}.properties[spec].properties[ports]`;
    expect(text(validateCrd(crd))).toEqual([
      `${base}.x-kubernetes-list-map-keys: Invalid value: []interface {}{"name", "port", "missing", "nested"}: ` +
        'entries must all be names of item properties',
      `${base}.items.properties[nested].type: Invalid value: "object": must be a scalar type if parent array's ` +
        'x-kubernetes-list-type is map',
      `${base}.items.properties[port].default: Required value: this property is in x-kubernetes-list-map-keys, so ` +
        'it must have a default or be a required property',
      `${base}.items.properties[nested].default: Required value: this property is in x-kubernetes-list-map-keys, so ` +
        'it must have a default or be a required property',
    ]);
    const noKeys = cronTab((_c, s) => {
      delete props(s, 'spec', 'ports')['x-kubernetes-list-map-keys'];
    });
    expect(text(validateCrd(noKeys))).toEqual([
      `${base}.x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
    ]);
  });

  it('forbids uniqueItems and unknown list types', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec').properties = {
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, 'x-kubernetes-list-type': 'bag' },
      };
    });
    const base = `${SCHEMA_PATH}.properties[spec].properties[tags]`;
    expect(text(validateCrd(crd))).toEqual([
      `${base}.uniqueItems: Forbidden: ` +
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      `${base}.x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
    ]);
  });

  it('only allows certain root fields when the status subresource is enabled', () => {
    const crd = cronTab((_c, s) => {
      s.minProperties = 1;
    });
    const causes = validateCrd(crd);
    expect(causes).toHaveLength(1);
    expect(causes[0].field).toBe(SCHEMA_PATH);
    expect(causes[0].message).toMatch(/: only \[Description Type Format .* XPreserveUnknownFields XValidations\] /);
    expect(causes[0].message).toMatch(
      / fields are allowed at the root of the schema if the status subresource is enabled$/,
    );
  });
});

describe('validateCrd: defaults', () => {
  it('requires defaults to validate against their schema', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec', 'replicas').default = 20;
    });
    expect(validateCrd(crd)).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: `${SCHEMA_PATH}.properties[spec].properties[replicas].default`,
        message: 'Invalid value: 20: in body should be less than or equal to 10',
      },
    ]);
  });

  it('requires defaults to be pruned', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec').default = { image: 'x', unknown: true };
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[spec].default: Invalid value: map[string]interface {}{"image":"x", "unknown":true}: ` +
        'must not have unknown fields',
    ]);
  });

  it('checks CEL rules against defaults', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec').default = { replicas: 1, minReplicas: 3 };
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[spec].default: Invalid value: "object": ` +
        'failed rule: self.minReplicas <= self.replicas',
    ]);
  });

  it('forbids defaults in top-level metadata', () => {
    const crd = cronTab((_c, s) => {
      (s.properties as Record<string, Schema>).metadata = {
        type: 'object',
        properties: { name: { type: 'string', default: 'x' } },
      };
    });
    expect(text(validateCrd(crd))).toEqual([
      `${SCHEMA_PATH}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`,
    ]);
  });
});

describe('validateCrd: x-kubernetes-validations', () => {
  it('reports CEL syntax errors as compilation failures', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec')['x-kubernetes-validations'] = [{ rule: 'self.replicas <' }];
    });
    const causes = validateCrd(crd);
    expect(causes).toHaveLength(1);
    expect(causes[0].field).toBe(`${SCHEMA_PATH}.properties[spec].x-kubernetes-validations[0].rule`);
    expect(causes[0].message).toMatch(
      /^Invalid value: apiextensions\.ValidationRule\{Rule:"self\.replicas <", .*\}: compilation failed: ERROR: /,
    );
  });

  it('forbids oldSelf where values do not correlate', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec').properties = {
        tags: {
          type: 'array',
          'x-kubernetes-list-type': 'set',
          items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] },
        },
      };
    });
    const tags = `${SCHEMA_PATH}.properties[spec].properties[tags]`;
    expect(text(validateCrd(crd))).toEqual([
      `${tags}.items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on ` +
        `the uncorrelatable portion of the schema within ${tags}`,
    ]);
  });

  it('checks message, reason, fieldPath and optionalOldSelf', () => {
    const crd = cronTab((_c, s) => {
      props(s, 'spec')['x-kubernetes-validations'] = [
        { rule: 'self.replicas > 0', message: 'two\nlines' },
        { rule: 'self.replicas > 0', reason: 'FieldValueBad' },
        { rule: 'self.replicas > 0', fieldPath: '.nope' },
        { rule: 'self.replicas > 0', optionalOldSelf: true },
      ];
    });
    const at = (i: number) => `${SCHEMA_PATH}.properties[spec].x-kubernetes-validations[${i}]`;
    expect(text(validateCrd(crd))).toEqual([
      `${at(0)}.message: Invalid value: "two\\nlines": message must not contain line breaks`,
      `${at(1)}.reason: Unsupported value: "FieldValueBad": supported values: "FieldValueDuplicate", ` +
        '"FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"',
      `${at(2)}.fieldPath: Invalid value: ".nope": fieldPath must be a valid path`,
    ]);
    const optional = cronTab((_c, s) => {
      props(s, 'spec')['x-kubernetes-validations'] = [{ rule: 'self.replicas > 0', optionalOldSelf: true }];
    });
    expect(text(validateCrd(optional))).toEqual([
      `${at(0)}.optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`,
    ]);
  });
});

describe('validateCrd: subresources and printer columns', () => {
  it('checks the scale subresource paths', () => {
    const crd = cronTab((c) => {
      c.spec.versions[0].subresources = {
        scale: { specReplicasPath: '.foo.replicas', statusReplicasPath: '', labelSelectorPath: 'status.selector' },
      };
    });
    expect(text(validateCrd(crd))).toEqual([
      'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".foo.replicas": ' +
        'should be a json path under .spec',
      'spec.versions[0].subresources.scale.statusReplicasPath: Required value',
      'spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: "status.selector": ' +
        'must be a simple json ' +
        'path starting with .',
    ]);
  });

  it('checks additionalPrinterColumns', () => {
    const crd = cronTab((c) => {
      c.spec.versions[0].additionalPrinterColumns = [
        { name: '', type: 'text', format: 'percent', jsonPath: 'spec.replicas' },
        { name: 'Ok', type: 'date', jsonPath: '' },
      ];
    });
    const col = (i: number) => `spec.versions[0].additionalPrinterColumns[${i}]`;
    expect(text(validateCrd(crd))).toEqual([
      `${col(0)}.name: Required value`,
      `${col(0)}.type: Invalid value: "text": must be one of boolean,date,integer,number,string`,
      `${col(0)}.format: Invalid value: "percent": ` +
        'must be one of byte,date,date-time,double,float,int32,int64,password',
      `${col(0)}.JSONPath: Invalid value: "spec.replicas": must be a simple json path starting with .`,
      `${col(1)}.JSONPath: Required value`,
    ]);
  });
});

describe('validateCrd: conversion, approval and updates', () => {
  it('checks the conversion webhook', () => {
    const crd = cronTab((c) => {
      c.spec.conversion = {
        strategy: 'Webhook',
        webhook: { clientConfig: { url: 'http://example.com/convert?x=1' }, conversionReviewVersions: ['v2'] },
      };
    });
    expect(text(validateCrd(crd))).toEqual([
      'spec.conversion.webhookClientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; ' +
        'desired format: https://host[/path]',
      'spec.conversion.webhookClientConfig.url: Invalid value: "x=1": query parameters are not permitted in the URL',
      'spec.conversion.conversionReviewVersions: Invalid value: []interface {}{"v2"}: ' +
        'must include at least one of v1, v1beta1',
    ]);
  });

  it('requires API approval for groups under k8s.io', () => {
    const crd = cronTab((c) => {
      c.metadata = { name: 'crontabs.stable.k8s.io' };
      c.spec.group = 'stable.k8s.io';
    });
    expect(text(validateCrd(crd))).toEqual([
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval ' +
        'annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    crd.metadata = {
      ...crd.metadata,
      annotations: { 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/1' },
    };
    expect(validateCrd(crd)).toEqual([]);
  });

  it('keeps group and plural immutable, and kind and scope once established', () => {
    const old = cronTab((c) => {
      c.status = { conditions: [{ type: 'Established', status: 'True' }] };
    });
    const next = cronTab((c) => {
      c.metadata = { name: 'crons.stable.example.com' };
      c.spec.names.plural = 'crons';
      c.spec.names.kind = 'Cron';
      c.spec.scope = 'Cluster';
    });
    expect(text(validateCrd(next, old))).toEqual([
      'spec.scope: Invalid value: "Cluster": field is immutable',
      'spec.names.kind: Invalid value: "Cron": field is immutable',
      'spec.names.plural: Invalid value: "crons": field is immutable',
    ]);
  });
});
