import type { SchemaObject } from '../../apimachinery/schema.ts';

// Request-body examples for the API reference (/docs/api) and the Postman collection, generated from the same
// schemas the server validates with. A schema alone makes a poor example — every Kubernetes field is optional
// and a generated value for each would be pages long — so an example holds what the schema requires (with the
// schema's own example, default or first enum value where it has one), and for the built-in kinds a few fields
// kube-apiserver's validation needs but the OpenAPI does not mark required (a pod's image, a Deployment's
// matching selector): the examples are meant to be sent as they are (the integration tests create every one
// with dryRun=All).

const REF_PREFIX = '#/components/schemas/';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** Deep enough for any Kubernetes kind's required fields; recursive schemas (JSONSchemaProps) stop here. */
const MAX_DEPTH = 10;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const STRING_BY_NAME: Record<string, string> = {
  name: 'example',
  image: 'nginx:1.27',
  namespace: 'default',
  apiVersion: 'v1',
  kind: 'Example',
};

function resolve(
  schema: SchemaObject,
  definitions: Readonly<Record<string, SchemaObject>>,
): { schema: SchemaObject; ref?: string } {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 && schema.allOf[0].$ref ? schema.allOf[0].$ref : undefined);
  if (!ref?.startsWith(REF_PREFIX)) return { schema };
  const name = ref.slice(REF_PREFIX.length);
  return { schema: Object.hasOwn(definitions, name) ? definitions[name] : {}, ref: name };
}

/**
 * A value for `schema` holding only what it requires; undefined when there is nothing sensible to say (a cycle,
 * or deeper than any real example goes).
 */
export function exampleValue(
  schema: SchemaObject,
  definitions: Readonly<Record<string, SchemaObject>>,
  name = '',
  depth = 0,
  seen: readonly string[] = [],
): Json | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const resolved = resolve(schema, definitions);
  if (resolved.ref && seen.includes(resolved.ref)) return undefined;
  const s = resolved.schema;
  const path = resolved.ref ? [...seen, resolved.ref] : seen;
  if (s.example !== undefined) return s.example as Json;
  if (s.default !== undefined) return s.default as Json;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0] as Json;
  if (resolved.ref === QUANTITY) return '1';
  if (s['x-kubernetes-int-or-string']) return /port/i.test(name) ? 80 : 1;
  const type = s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const out: JsonObject = {};
      for (const key of s.required ?? []) {
        const sub = s.properties?.[key];
        if (!sub) continue;
        const value = exampleValue(sub, definitions, key, depth + 1, path);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'array': {
      const item = s.items ? exampleValue(s.items, definitions, name, depth + 1, path) : undefined;
      return item === undefined ? [] : [item];
    }
    case 'string':
      if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (s.format === 'byte') return 'ZXhhbXBsZQ==';
      return STRING_BY_NAME[name] ?? 'example';
    case 'integer':
    case 'number':
      if (/port/i.test(name)) return 80;
      return typeof s.minimum === 'number' ? Math.max(s.minimum, 1) : 1;
    case 'boolean':
      return false;
    default:
      // x-kubernetes-preserve-unknown-fields, or a schema that says nothing: any value will do.
      return s['x-kubernetes-preserve-unknown-fields'] ? {} : undefined;
  }
}

/** Deep merge for examples: objects merge key by key, anything else (arrays included) is replaced. */
export function mergeExample(base: Json, overlay: Json): Json {
  if (!isObject(base) || !isObject(overlay)) return overlay;
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overlay))
    out[key] = Object.hasOwn(out, key) ? mergeExample(out[key], value) : value;
  return out;
}

const LABELS = { app: 'example' };
const CONTAINER = { name: 'app', image: 'nginx:1.27' };
const TEMPLATE = { metadata: { labels: LABELS }, spec: { containers: [CONTAINER] } };
const JOB_TEMPLATE = {
  spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36', command: ['true'] }] },
};

/**
 * What kube-apiserver requires of the built-in kinds beyond their OpenAPI `required` lists, by group/kind. Only
 * the fields a create needs: everything else is left to the server's defaults.
 */
const BUILT_IN: Record<string, JsonObject> = {
  '/Pod': { spec: { containers: [CONTAINER] } },
  '/Service': { spec: { selector: LABELS, ports: [{ port: 80, targetPort: 80 }] } },
  '/ConfigMap': { data: { key: 'value' } },
  '/Secret': { type: 'Opaque', stringData: { password: 'example' } },
  '/Event': {
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'example' },
    reason: 'Example',
    message: 'an example event',
    type: 'Normal',
  },
  'apps/Deployment': { spec: { replicas: 1, selector: { matchLabels: LABELS }, template: TEMPLATE } },
  'apps/ReplicaSet': { spec: { replicas: 1, selector: { matchLabels: LABELS }, template: TEMPLATE } },
  'apps/StatefulSet': {
    spec: { replicas: 1, serviceName: 'example', selector: { matchLabels: LABELS }, template: TEMPLATE },
  },
  'apps/DaemonSet': { spec: { selector: { matchLabels: LABELS }, template: TEMPLATE } },
  'apps/ControllerRevision': { revision: 1, data: {} },
  'batch/Job': { spec: { template: JOB_TEMPLATE } },
  'batch/CronJob': { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: JOB_TEMPLATE } } } },
  'policy/PodDisruptionBudget': { spec: { minAvailable: 1, selector: { matchLabels: LABELS } } },
  'autoscaling/HorizontalPodAutoscaler': {
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'example' },
      minReplicas: 1,
      maxReplicas: 3,
    },
  },
  'authorization.k8s.io/SelfSubjectAccessReview': {
    spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
  },
  'authorization.k8s.io/SelfSubjectRulesReview': { spec: { namespace: 'default' } },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    cronSpec: { type: 'string' },
                    image: { type: 'string' },
                    replicas: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      ],
    },
  },
  'scheduling.k8s.io/PriorityClass': { value: 1000, description: 'an example priority class' },
  'coordination.k8s.io/Lease': { spec: { holderIdentity: 'example', leaseDurationSeconds: 15 } },
  'rbac.authorization.k8s.io/Role': { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
  'rbac.authorization.k8s.io/ClusterRole': {
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  },
  'rbac.authorization.k8s.io/RoleBinding': {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'entroos:viewer' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
  },
  'rbac.authorization.k8s.io/ClusterRoleBinding': {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'entroos:viewer' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
  },
};

export interface ExampleKind {
  group: string;
  version: string;
  kind: string;
  /** A custom resource's kinds get no built-in overlay: their schema is all there is. */
  custom?: boolean;
}

/**
 * A complete object of `kind` to create: apiVersion, kind, metadata.name, and what its schema (and, for a
 * built-in kind, kube-apiserver's validation) requires. `status` is left out: the server ignores it on create.
 */
export function objectExample(
  t: ExampleKind,
  schema: SchemaObject | undefined,
  definitions: Readonly<Record<string, SchemaObject>>,
): JsonObject {
  const base: JsonObject = {
    apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
    kind: t.kind,
    metadata: { name: 'example' },
  };
  const resolved = schema ? resolve(schema, definitions).schema : undefined;
  const properties = resolved?.properties ?? {};
  const generated = resolved ? exampleValue(resolved, definitions, '', 0) : undefined;
  let out: Json = base;
  if (isObject(generated)) {
    const rest: JsonObject = { ...generated };
    for (const key of ['apiVersion', 'kind', 'metadata', 'status']) delete rest[key];
    out = mergeExample(out, rest);
  }
  // A spec the schema does not require is still where an object's content goes: show its required fields.
  if (properties.spec && isObject(out) && out.spec === undefined) {
    const spec = exampleValue(properties.spec, definitions, 'spec', 1);
    if (isObject(spec)) out = { ...out, spec };
  }
  const overlay = t.custom ? undefined : BUILT_IN[`${t.group}/${t.kind}`];
  if (overlay) out = mergeExample(out, overlay);
  return out as JsonObject;
}
