// Runtime access to the upstream Kubernetes OpenAPI definitions that scripts/gen-kube-schemas.mjs extracts into
// generated/openapi-schemas.json: one source for strategic merge patch, validation and OpenAPI serving.
// The helpers sit on the PATCH path, so references are resolved lazily and every result is memoised.
//
// A static JSON import (tsconfig has resolveJsonModule) works unchanged under tsx, vitest and the Next.js bundler;
// reading the file at runtime would break once Next bundles this module away from its directory.
import generated from './generated/openapi-schemas.json';

export interface SchemaObject {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  additionalProperties?: SchemaObject | boolean;
  required?: string[];
  enum?: unknown[];
  allOf?: SchemaObject[];
  $ref?: string;
  default?: unknown;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  [ext: string]: unknown;
}

export interface SchemaSource {
  package: string;
  version: string;
  file: string;
  sha256: string;
  kubernetes: string;
}

export interface ListStrategy {
  /** Server-side apply view: upstream's x-kubernetes-list-type, or what kube-openapi derives without it. */
  listType: 'atomic' | 'set' | 'map';
  /** Strategic merge patch key (x-kubernetes-patch-merge-key). */
  mergeKey?: string;
  /** Server-side apply keys of a 'map' list. */
  mapKeys?: string[];
  /** x-kubernetes-patch-strategy split on ','; a list without 'merge' is replaced by a strategic merge patch. */
  patchStrategy?: string[];
}

interface GeneratedFile {
  source: SchemaSource;
  schemas: Record<string, SchemaObject>;
}

const REF_PREFIX = '#/components/schemas/';
// Upstream chains are at most one hop; anything deeper is a cycle in a hand-edited file.
const MAX_REF_DEPTH = 32;

// Frozen because resolved nodes, list strategies and allSchemas() hand out shared references to this data.
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const file = generated as unknown as GeneratedFile;
const SCHEMAS: Readonly<Record<string, SchemaObject>> = deepFreeze(file.schemas);

export const SCHEMA_SOURCE: Readonly<SchemaSource> = Object.freeze({ ...file.source });

/** Definition name → upstream schema, as served under components.schemas. */
export function allSchemas(): Readonly<Record<string, SchemaObject>> {
  return SCHEMAS;
}

let gvkIndex: Map<string, string> | undefined;
const gvkKey = (group: string, version: string, kind: string): string => `${group}\u0000${version}\u0000${kind}`;

/** The definition registered for group/version/kind ('' is the core group); undefined when not served. */
export function definitionName(group: string, version: string, kind: string): string | undefined {
  if (!gvkIndex) {
    const index = new Map<string, string>();
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        const key = gvkKey(gvk.group, gvk.version, gvk.kind);
        if (!index.has(key)) index.set(key, name);
      }
    }
    gvkIndex = index;
  }
  return gvkIndex.get(gvkKey(group, version, kind));
}

export function kindSchema(group: string, version: string, kind: string): SchemaObject | undefined {
  const name = definitionName(group, version, kind);
  return name === undefined ? undefined : resolve(SCHEMAS[name]);
}

const resolvedCache = new WeakMap<SchemaObject, SchemaObject | null>();

function lookup(ref: string): SchemaObject | undefined {
  if (!ref.startsWith(REF_PREFIX)) return undefined;
  const name = ref.slice(REF_PREFIX.length);
  return Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
}

function resolveNode(node: SchemaObject, depth: number): SchemaObject | undefined {
  const isRef = typeof node.$ref === 'string';
  // Upstream's OpenAPI v3 wraps a reference as allOf:[{$ref}] so it can carry its own description and default.
  const isWrapper = !isRef && node.allOf?.length === 1 && node.properties === undefined && node.type === undefined;
  if (!isRef && !isWrapper) return node;
  const cached = resolvedCache.get(node);
  if (cached !== undefined) return cached ?? undefined;
  if (depth > MAX_REF_DEPTH) throw new Error(`schema reference chain deeper than ${MAX_REF_DEPTH} at ${node.$ref}`);

  const target = isRef ? lookup(node.$ref as string) : node.allOf?.[0];
  const inner = target && resolveNode(target, depth + 1);
  let out: SchemaObject | undefined = inner;
  if (inner) {
    const siblings = Object.entries(node).filter(([key]) => key !== (isRef ? '$ref' : 'allOf'));
    // The referencing site's description and extensions describe this use, so they win over the target's.
    if (siblings.length) out = Object.freeze({ ...inner, ...Object.fromEntries(siblings) });
  }
  resolvedCache.set(node, out ?? null);
  return out;
}

/** Follows $ref and single-element allOf wrappers; undefined for a dangling reference. */
export function resolve(node: SchemaObject | undefined): SchemaObject | undefined {
  return node && resolveNode(node, 0);
}

/** A property of an object schema, resolved. */
export function field(node: SchemaObject | undefined, name: string): SchemaObject | undefined {
  const properties = resolve(node)?.properties;
  // Names come from request bodies: an inherited key such as 'constructor' must not look like a field.
  return properties && Object.hasOwn(properties, name) ? resolve(properties[name]) : undefined;
}

/** The item schema of an array schema, resolved. */
export function itemsOf(node: SchemaObject | undefined): SchemaObject | undefined {
  return resolve(resolve(node)?.items);
}

/** The value schema of a map (additionalProperties) schema, resolved. */
export function valuesOf(node: SchemaObject | undefined): SchemaObject | undefined {
  const values = resolve(node)?.additionalProperties;
  return typeof values === 'object' ? resolve(values) : undefined;
}

const strategyCache = new WeakMap<SchemaObject, ListStrategy>();

/**
 * How patches treat an array field (pass the field's node, not its items). Strategic merge patch merges by
 * `mergeKey` only when `patchStrategy` contains 'merge', and replaces the list otherwise. For server-side apply,
 * a list without x-kubernetes-list-type falls back to its patch strategy the way kube-openapi's schemaconv does:
 * merge with a key → map keyed by it, merge without a key → set, anything else → atomic.
 */
export function listStrategy(node: SchemaObject | undefined): ListStrategy | undefined {
  const list = resolve(node);
  if (!list || list.type !== 'array') return undefined;
  const cached = strategyCache.get(list);
  if (cached) return cached;

  const strategy = list['x-kubernetes-patch-strategy'];
  const patchStrategy =
    typeof strategy === 'string'
      ? strategy
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const key = list['x-kubernetes-patch-merge-key'];
  const mergeKey = typeof key === 'string' && key !== '' ? key : undefined;
  const merges = patchStrategy?.includes('merge') ?? false;

  let listType = list['x-kubernetes-list-type'];
  let mapKeys: string[] | undefined;
  if (listType === 'map') mapKeys = list['x-kubernetes-list-map-keys'];
  else if (listType === undefined && merges) {
    listType = mergeKey ? 'map' : 'set';
    if (mergeKey) mapKeys = [mergeKey];
  } else if (listType === undefined) listType = 'atomic';

  const result: ListStrategy = { listType };
  if (mergeKey !== undefined) result.mergeKey = mergeKey;
  if (mapKeys !== undefined) result.mapKeys = Object.isFrozen(mapKeys) ? mapKeys : (Object.freeze(mapKeys) as string[]);
  if (patchStrategy !== undefined) result.patchStrategy = Object.freeze(patchStrategy) as string[];
  Object.freeze(result);
  strategyCache.set(list, result);
  return result;
}
