// The served OpenAPI v3 (`/openapi/v3/apis/GROUP/VERSION`, `/openapi/v3/api/v1`) as the editor reads it: the
// schema of a kind, the schema at a path inside it (following $ref, allOf and additionalProperties), and what a
// schema says about a value. Pure: no fetching, so the editor's completion and lint are testable without a page.

export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  required?: string[];
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

export interface OpenApiDoc {
  components?: { schemas?: Record<string, Schema> };
}

/** A path inside an object: map keys, and sequence positions (any number stands for "an item"). */
export type YamlPath = (string | number)[];

const REF = '#/components/schemas/';

/** `apps/v1` → `apis/apps/v1`, `v1` → `api/v1`: the document's path under /openapi/v3. */
export function openApiPath(apiVersion: string): string | undefined {
  if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\/)?[a-z0-9]+$/i.test(apiVersion))
    return undefined;
  return apiVersion.includes('/') ? `apis/${apiVersion}` : `api/${apiVersion}`;
}

/** The schema with its $ref and allOf folded in (one level of each, as the served documents use them). */
export function resolve(doc: OpenApiDoc, schema: Schema | undefined, depth = 0): Schema | undefined {
  if (!schema || depth > 20) return schema;
  let out = schema;
  if (schema.$ref?.startsWith(REF)) {
    const { $ref: _ref, ...rest } = schema;
    const name = schema.$ref.slice(REF.length);
    const target = resolve(doc, doc.components?.schemas?.[name], depth + 1);
    out = { ...target, ...rest, description: rest.description ?? target?.description };
    // A Quantity is a string in the schema, but YAML's `cpu: 1` is one too (the API reads numbers as quantities).
    if (name.endsWith('.api.resource.Quantity')) out.format = 'quantity';
  }
  if (out.allOf?.length) {
    const { allOf, ...rest } = out;
    for (const part of allOf) {
      const p = resolve(doc, part, depth + 1);
      if (p) out = { ...p, ...rest, description: rest.description ?? p.description };
    }
  }
  return out;
}

/** The definition whose x-kubernetes-group-version-kind names this apiVersion and kind. */
export function kindSchema(doc: OpenApiDoc, apiVersion: string, kind: string): Schema | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  for (const schema of Object.values(doc.components?.schemas ?? {}))
    if (
      schema['x-kubernetes-group-version-kind']?.some(
        (g) => g.group === group && g.version === version && g.kind === kind,
      )
    )
      return schema;
  return undefined;
}

/** Whether the schema accepts any field (no declared properties to check against). */
export const isOpen = (s: Schema) =>
  !!s['x-kubernetes-preserve-unknown-fields'] || (!s.properties && s.additionalProperties === undefined);

/** The schema of what sits at `path` under `root`, or undefined when the path leaves the schema. */
export function schemaAt(doc: OpenApiDoc, root: Schema | undefined, path: YamlPath): Schema | undefined {
  let node = resolve(doc, root);
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') node = resolve(doc, node.items);
    else if (node.properties && Object.hasOwn(node.properties, segment)) node = resolve(doc, node.properties[segment]);
    else if (typeof node.additionalProperties === 'object') node = resolve(doc, node.additionalProperties);
    else return undefined;
  }
  return node;
}

/** The type a schema expects, as a person reads it (`integer`, `string`, `object`, `integer or string`). */
/** Whether a value may be an integer or a string (IntOrString; x-kubernetes-int-or-string in a CRD). */
export const isIntOrString = (s: Schema) => !!s['x-kubernetes-int-or-string'] || s.format === 'int-or-string';

export function typeName(s: Schema): string {
  if (isIntOrString(s)) return 'integer or string';
  if (s.format === 'quantity') return 'quantity';
  if (s.type === 'array') return 'list';
  return s.type ?? 'any';
}

/** What is wrong with a value's type for this schema, or undefined when it fits (or the schema does not say). */
export function typeProblem(s: Schema, value: unknown): string | undefined {
  if (value === null) return undefined;
  const actual = Array.isArray(value) ? 'list' : typeof value === 'object' ? 'object' : typeof value;
  const fits = (() => {
    if (isIntOrString(s)) return actual === 'string' || Number.isInteger(value);
    if (s.format === 'quantity') return actual === 'string' || actual === 'number';
    switch (s.type) {
      case 'string':
        return actual === 'string';
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return actual === 'number';
      case 'boolean':
        return actual === 'boolean';
      case 'object':
        return actual === 'object';
      case 'array':
        return actual === 'list';
      default:
        return true;
    }
  })();
  if (!fits)
    return `expected ${typeName(s)}, got ${actual === 'number' && s.type === 'integer' ? 'a fraction' : actual}`;
  if (s.enum?.length && !s.enum.some((e) => e === value))
    return `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  return undefined;
}
