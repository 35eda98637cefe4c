import type { Client, ResourceInfo } from '@entroos/client';

// The OpenAPI v3 schema of a kind (built-in or custom), as the server serves it at /openapi/v3/<group-version>,
// and the checks ResourceForm runs before sending: each message names the field and says what to enter.

export interface JsonSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  $ref?: string;
  allOf?: JsonSchema[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  /** Set by `resolve` for apimachinery's Quantity (a string such as 500m or 1Gi). */
  'x-entroos-quantity'?: boolean;
}

/** A kind's schema and the definitions its references point to. */
export interface KindSchema {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  schema: JsonSchema;
  definitions: Record<string, JsonSchema>;
}

const REF = '#/components/schemas/';

/**
 * Follows `$ref` (and the `allOf: [{$ref}]` form upstream uses for documented references), keeping the referring
 * schema's description and default. Quantity and IntOrString keep a mark the form reads.
 */
export function resolve(schema: JsonSchema | undefined, definitions: Record<string, JsonSchema>): JsonSchema {
  if (!schema) return {};
  let current = schema;
  for (let depth = 0; depth < 16; depth++) {
    const ref = current.$ref ?? (current.allOf?.length === 1 ? current.allOf[0].$ref : undefined);
    if (!ref) break;
    const name = ref.startsWith(REF) ? ref.slice(REF.length) : ref;
    const target = definitions[name] ?? {};
    const { $ref: _ref, allOf: _allOf, ...own } = current;
    current = { ...target, ...own, description: own.description ?? target.description };
    if (name.endsWith('.api.resource.Quantity')) current = { ...current, 'x-entroos-quantity': true };
  }
  if (current.format === 'int-or-string') current = { ...current, 'x-kubernetes-int-or-string': true };
  return current;
}

/** Fields the server sets: never asked for. */
const SERVER_SET_METADATA = new Set([
  'creationTimestamp',
  'deletionGracePeriodSeconds',
  'deletionTimestamp',
  'generation',
  'managedFields',
  'resourceVersion',
  'selfLink',
  'uid',
  'ownerReferences',
  'finalizers',
]);

/** The fields a form shows for an object: not apiVersion, kind, status, nor what the server sets in metadata. */
export function editableProperties(path: string, schema: JsonSchema, namespaced: boolean): [string, JsonSchema][] {
  const entries = Object.entries(schema.properties ?? {});
  if (path === '') return entries.filter(([name]) => name !== 'apiVersion' && name !== 'kind' && name !== 'status');
  if (path === 'metadata')
    return entries.filter(([name]) => !SERVER_SET_METADATA.has(name) && (namespaced || name !== 'namespace'));
  return entries;
}

export const schemaType = (s: JsonSchema): string => {
  if (s['x-kubernetes-int-or-string']) return 'int-or-string';
  if (s.type) return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  return 'unknown';
};

/** A field's label from its name: "imagePullPolicy" → "Image pull policy". */
export function label(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface FieldError {
  /** The field as the API names it: spec.template.spec.containers[0].image */
  path: string;
  message: string;
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[mkMGTPE])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** Checks a value against its schema (only what a person typed, and what is required); an empty list means valid. */
export function validate(kind: KindSchema, value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const meta = (value as { metadata?: { name?: string; generateName?: string } } | undefined)?.metadata;
  if (isEmpty(meta?.name) && isEmpty(meta?.generateName))
    errors.push({ path: 'metadata.name', message: 'Required: enter a name, e.g. my-app.' });
  else if (typeof meta?.name === 'string' && meta.name && (meta.name.length > 253 || !DNS_SUBDOMAIN.test(meta.name)))
    errors.push({
      path: 'metadata.name',
      message:
        'Use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (at most 253), e.g. my-app.',
    });
  check(kind.schema, value, '', kind.definitions, errors);
  return errors;
}

function check(
  raw: JsonSchema,
  value: unknown,
  path: string,
  defs: Record<string, JsonSchema>,
  errors: FieldError[],
): void {
  const s = resolve(raw, defs);
  if (isEmpty(value)) return;
  const type = schemaType(s);
  const push = (message: string): void => {
    errors.push({ path, message });
  };
  if (s.enum && !s.enum.some((e) => e === value)) {
    push(`Choose one of: ${s.enum.map(String).join(', ')}.`);
    return;
  }
  switch (type) {
    case 'string': {
      if (typeof value !== 'string') return push('Enter text.');
      if (s['x-entroos-quantity'] && !QUANTITY.test(value))
        return push(`"${value}" is not a quantity: enter a number with an optional unit, e.g. 500m, 2, 512Mi or 1Gi.`);
      if (s.minLength !== undefined && value.length < s.minLength)
        push(`Enter at least ${s.minLength} character${s.minLength === 1 ? '' : 's'}.`);
      if (s.maxLength !== undefined && value.length > s.maxLength)
        push(`Shorten it to at most ${s.maxLength} characters (now ${value.length}).`);
      if (s.pattern && !safeRegExp(s.pattern)?.test(value))
        push(`"${value}" is not in the expected format: it must match the pattern ${s.pattern}.`);
      if (s.format === 'date-time' && Number.isNaN(Date.parse(value)))
        push('Enter a date and time such as 2026-01-31T12:00:00Z.');
      return;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || Number.isNaN(value))
        return push(type === 'integer' ? 'Enter a whole number, e.g. 3.' : 'Enter a number, e.g. 0.5.');
      if (type === 'integer' && !Number.isInteger(value)) return push(`Enter a whole number (not ${value}).`);
      if (s.format === 'int32' && (value > 2147483647 || value < -2147483648))
        return push('Enter a number between -2147483648 and 2147483647.');
      const exclusiveMin = s.exclusiveMinimum === true || typeof s.exclusiveMinimum === 'number';
      const min = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : s.minimum;
      const exclusiveMax = s.exclusiveMaximum === true || typeof s.exclusiveMaximum === 'number';
      const max = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : s.maximum;
      if (min !== undefined && (exclusiveMin ? value <= min : value < min))
        push(`Enter ${exclusiveMin ? 'more than' : 'at least'} ${min} (you entered ${value}).`);
      if (max !== undefined && (exclusiveMax ? value >= max : value > max))
        push(`Enter ${exclusiveMax ? 'less than' : 'at most'} ${max} (you entered ${value}).`);
      return;
    }
    case 'int-or-string':
      if (typeof value !== 'number' && typeof value !== 'string')
        push('Enter a number (e.g. 8080) or a name (e.g. http).');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') push('Choose yes or no.');
      return;
    case 'array': {
      if (!Array.isArray(value)) return push('Expected a list.');
      if (s.minItems !== undefined && value.length < s.minItems)
        push(`Add at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}.`);
      if (s.maxItems !== undefined && value.length > s.maxItems)
        push(`Remove items: at most ${s.maxItems} allowed (now ${value.length}).`);
      value.forEach((item, i) => {
        if (isEmpty(item)) errors.push({ path: `${path}[${i}]`, message: 'Fill in this item or remove it.' });
        else check(s.items ?? {}, item, `${path}[${i}]`, defs, errors);
      });
      return;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return push('Expected an object.');
      const record = value as Record<string, unknown>;
      for (const name of s.required ?? [])
        if (isEmpty(record[name]) && !(path === '' && (name === 'apiVersion' || name === 'kind')))
          errors.push({ path: join(path, name), message: `Required: enter ${label(name).toLowerCase()}.` });
      for (const [name, v] of Object.entries(record)) {
        const property = s.properties?.[name];
        if (property) check(property, v, join(path, name), defs, errors);
        else if (typeof s.additionalProperties === 'object') {
          if (name === '') errors.push({ path, message: 'Every entry needs a key: fill it in or remove the entry.' });
          else check(s.additionalProperties, v, `${path}[${name}]`, defs, errors);
        }
      }
      return;
    }
  }
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/** The Kubernetes Status causes of a 422, as field errors ("spec.replicas: Invalid value …"). */
export function causesToErrors(
  causes: readonly { field?: string; message?: string; reason?: string }[] | undefined,
): FieldError[] {
  return (causes ?? []).map((c) => ({ path: c.field ?? '', message: c.message ?? c.reason ?? 'invalid' }));
}

interface OpenApiDocument {
  paths?: Record<
    string,
    Record<
      string,
      {
        'x-kubernetes-action'?: string;
        'x-kubernetes-group-version-kind'?: { kind: string };
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Loads a kind's schema from the server's OpenAPI v3 document for its group-version (custom resources included). */
export async function loadKindSchema(client: Client, resource: string | ResourceInfo): Promise<KindSchema> {
  const info = typeof resource === 'string' ? await client.resolve(resource) : resource;
  const gv = info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
  const doc = await client.request<OpenApiDocument>({ path: `/openapi/v3/${gv}` });
  const definitions = doc.components?.schemas ?? {};
  let schema: JsonSchema | undefined;
  // The create operation's body names the kind's definition (the same for built-ins and custom resources).
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const post = item.post;
    if (!path.endsWith(`/${info.plural}`) || post?.['x-kubernetes-group-version-kind']?.kind !== info.kind) continue;
    schema = Object.values(post.requestBody?.content ?? {})[0]?.schema;
    if (schema) break;
  }
  if (!schema)
    schema = Object.values(definitions).find((d) =>
      d['x-kubernetes-group-version-kind']?.some((g) => g.kind === info.kind && g.version === info.version),
    );
  if (!schema) throw new Error(`the server's OpenAPI document for ${gv} has no schema for ${info.kind}`);
  return {
    apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
    kind: info.kind,
    namespaced: info.namespaced,
    schema: resolve(schema, definitions),
    definitions,
  };
}
