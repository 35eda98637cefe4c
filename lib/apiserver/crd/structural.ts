// What kube-apiserver does with a custom resource, given the structural schema of its version:
// prune unknown fields, apply defaults, validate (OpenAPI value validations, list-type invariants, CEL rules),
// publish the OpenAPI definition, print table rows and serve the scale subresource. All of it is pure: functions
// take the decoded object and the schema and either return results or mutate the object they were handed (prune and
// applyDefaults work in place, as upstream's do, because they run on the freshly decoded request body).
//
// Upstream sources mirrored here (k8s.io/apiextensions-apiserver/pkg/...): apiserver/schema/pruning,
// apiserver/schema/defaulting, apiserver/validation (kube-openapi's validator behind it), apiserver/schema/listtype,
// registry/customresource (strategy, tableconvertor, scale) and controller/openapi/builder.

import { ApiError, badRequest, invalid as invalidError, type StatusCause } from '../../apimachinery/errors.ts';
import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceSubresourceScale,
} from '../../apimachinery/generated/kinds.ts';
import { age } from '../../apimachinery/printers.ts';
import { allSchemas, type SchemaObject } from '../../apimachinery/schema.ts';
import { celValidate, hasCelRules } from './cel.ts';
import {
  duplicate,
  goFloat,
  goValue,
  invalid,
  jsonType,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from './field-errors.ts';
import { formatChecker } from './formats.ts';
import { findJsonPath } from './jsonpath.ts';
import { compileRe2, RegexError } from './regex.ts';
import {
  additionalOf,
  child,
  crdVersion,
  embedded,
  index,
  isObject,
  itemsOf,
  jsonEqual,
  key,
  preservesUnknown,
  schemaForVersion,
  type JsonObject,
  type Schema,
} from './types.ts';

export type { Schema, ValidationRule } from './types.ts';
export { schemaForVersion } from './types.ts';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

let objectMetaFields: Set<string> | undefined;
/** The fields ObjectMeta defines: what survives of `metadata` when a custom resource is decoded. */
function knownMetadataFields(): Set<string> {
  objectMetaFields ??= new Set(Object.keys(allSchemas()[OBJECT_META]?.properties ?? {}));
  return objectMetaFields;
}

// ---------------------------------------------------------------------------------------------------------------
// Pruning
// ---------------------------------------------------------------------------------------------------------------

export interface PruneOptions {
  /** The object is a resource (default): apiVersion, kind and metadata are kept, metadata pruned as ObjectMeta. */
  isResourceRoot?: boolean;
}

/**
 * Drops the fields a schema does not specify, in place, and returns their paths (`spec.foo`, `spec.list[0].bar`,
 * `metadata.foo`) for fieldValidation — see {@link unknownFieldWarnings}. Under
 * `x-kubernetes-preserve-unknown-fields: true` unknown fields stay but known ones are still pruned inside.
 */
export function prune(obj: unknown, schema: Schema | undefined, options: PruneOptions = {}): string[] {
  const unknown: string[] = [];
  let root = schema;
  if (options.isResourceRoot ?? true) root = { ...(schema ?? {}), 'x-kubernetes-embedded-resource': true };
  pruneNode(obj, root, '', unknown);
  return unknown;
}

function pruneMetadata(obj: JsonObject, path: string, unknown: string[]) {
  const meta = obj.metadata;
  if (!isObject(meta)) return;
  const known = knownMetadataFields();
  for (const k of Object.keys(meta)) {
    if (known.has(k)) continue;
    unknown.push(`${child(path, 'metadata')}.${k}`);
    delete meta[k];
  }
}

function pruneNode(x: unknown, s: Schema | undefined, path: string, unknown: string[]) {
  if (s && preservesUnknown(s)) return skipPrune(x, s, path, unknown);
  if (Array.isArray(x)) {
    x.forEach((v, i) => pruneNode(v, s ? itemsOf(s) : undefined, index(path, i), unknown));
    return;
  }
  if (!isObject(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) {
      unknown.push(child(path, k));
      delete x[k];
    }
    return;
  }
  const resource = embedded(s);
  if (resource) pruneMetadata(x, path, unknown);
  for (const k of Object.keys(x)) {
    if (resource && META_FIELDS.has(k)) continue;
    const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (prop) pruneNode(x[k], prop, child(path, k), unknown);
    else if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
      // `additionalProperties: true|false` carries no schema: objects below are emptied, scalars kept (as upstream).
      pruneNode(x[k], additionalOf(s), child(path, k), unknown);
    } else {
      // Upstream records the field unless it is a top-level apiVersion/kind/metadata.
      if (!META_FIELDS.has(k) || path) unknown.push(child(path, k));
      delete x[k];
    }
  }
}

function skipPrune(x: unknown, s: Schema, path: string, unknown: string[]) {
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    if (items) x.forEach((v, i) => skipPrune(v, items, index(path, i), unknown));
    return;
  }
  if (!isObject(x)) return;
  const resource = embedded(s);
  if (resource) pruneMetadata(x, path, unknown);
  for (const k of Object.keys(x)) {
    if (resource && META_FIELDS.has(k)) continue;
    const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (prop) pruneNode(x[k], prop, child(path, k), unknown);
    else if (s.additionalProperties !== undefined) pruneNode(x[k], additionalOf(s), child(path, k), unknown);
  }
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * What the `fieldValidation` query parameter makes of the unknown fields {@link prune} reported: Strict throws the
 * 400 kube-apiserver answers (`CronTab in version "v1" cannot be handled as a CronTab: strict decoding error:
 * unknown field "spec.foo"`), Warn returns one warning per field, Ignore returns none.
 */
export function unknownFieldWarnings(
  unknown: string[],
  mode: FieldValidation,
  gvk: { kind: string; version: string },
): string[] {
  if (!unknown.length || mode === 'Ignore') return [];
  const fields = unknown.map((p) => `unknown field ${JSON.stringify(p)}`);
  if (mode === 'Warn') return fields;
  throw badRequest(
    `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: ` +
      `strict decoding error: ${fields.join(', ')}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Defaulting
// ---------------------------------------------------------------------------------------------------------------

const isNonNullableNull = (v: unknown, s: Schema | undefined) => v === null && !!s && !s.nullable;

/**
 * Applies the schema's `default`s in place, as kube-apiserver does on decode: a property that is absent — or null
 * where the schema is not nullable — gets a deep copy of its default, recursively through properties, array items
 * and additionalProperties values (so defaults inside each list item apply too). Non-nullable nulls without a
 * default are dropped first (PruneNonNullableNullsWithoutDefaults).
 */
export function applyDefaults(obj: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  pruneNonNullableNulls(obj, schema);
  defaultNode(obj, schema);
}

function pruneNonNullableNulls(x: unknown, s: Schema | undefined) {
  if (!s) return;
  if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNulls(v, itemsOf(s));
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (prop && x[k] === null && prop.default === undefined && !prop.nullable) delete x[k];
    else pruneNonNullableNulls(x[k], prop ?? additionalOf(s));
  }
}

function defaultNode(x: unknown, s: Schema | undefined) {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    if (!items) return;
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items.default !== undefined) x[i] = structuredClone(items.default);
      defaultNode(x[i], items);
    }
    return;
  }
  if (!isObject(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(x, k) || isNonNullableNull(x[k], prop)) x[k] = structuredClone(prop.default);
  }
  const extra = additionalOf(s);
  for (const k of Object.keys(x)) {
    const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (prop) defaultNode(x[k], prop);
    else if (extra) {
      if (isNonNullableNull(x[k], extra) && extra.default !== undefined) x[k] = structuredClone(extra.default);
      defaultNode(x[k], extra);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: kube-openapi's SchemaValidator, converted to field errors as apiextensions converts them
// ---------------------------------------------------------------------------------------------------------------

interface Ctx {
  /** Where the validated value sits; error fields are `base.<name>`. */
  base: string;
  out: StatusCause[];
}

const errField = (ctx: Ctx, name: string) => (name ? child(ctx.base, name) : ctx.base);
/** kube-openapi's "<name> in body" (the root value has an empty name). */
const inBody = (name: string) => (name ? `${name} in body` : 'in body');
const about = (name: string, text: string) => (name ? `${name} ${text}` : text);

function typeNames(s: Schema): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

function typeMatches(types: string[], data: string): boolean {
  return types.includes(data) || (data === 'integer' && types.includes('number'));
}

/** go-openapi's enum check: equal after conversion, so 1 and 1.0 match. */
function enumIncludes(values: unknown[], v: unknown): boolean {
  return values.some((e) => jsonEqual(e, v));
}

function checkEnum(v: unknown, s: Schema, name: string, ctx: Ctx) {
  if (!s.enum?.length || enumIncludes(s.enum, v)) return;
  const supported = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  ctx.out.push(notSupported(errField(ctx, name), v, supported));
}

/** swag.IsFloat64AJSONInteger, which go-openapi's multipleOf uses: integral up to a relative 1e-9. */
function isJsonInteger(f: number): boolean {
  if (!Number.isFinite(f)) return false;
  if (Number.isInteger(f)) return true;
  const g = Math.trunc(f);
  return Math.abs(f - g) / Math.abs(f) < 1e-9;
}

function subValidate(v: unknown, s: Schema, name: string, ctx: Ctx): StatusCause[] {
  const sub: Ctx = { base: ctx.base, out: [] };
  checkValue(v, s, name, sub);
  return sub.out;
}

function checkCombinators(v: unknown, s: Schema, name: string, ctx: Ctx) {
  const field = errField(ctx, name);
  if (s.allOf?.length) {
    const failures = s.allOf.map((sub) => subValidate(v, sub, name, ctx)).filter((errs) => errs.length);
    if (failures.length) {
      ctx.out.push(...failures.flat());
      ctx.out.push(invalid(field, '', about(name, 'must validate all the schemas (allOf)')));
    }
  }
  if (s.anyOf?.length) {
    const results = s.anyOf.map((sub) => subValidate(v, sub, name, ctx));
    if (!results.some((errs) => !errs.length)) {
      ctx.out.push(invalid(field, '', about(name, 'must validate at least one schema (anyOf)')));
      // Like go-openapi, report the errors of the alternative that came closest.
      ctx.out.push(...results.reduce((best, errs) => (errs.length < best.length ? errs : best)));
    }
  }
  if (s.oneOf?.length) {
    const results = s.oneOf.map((sub) => subValidate(v, sub, name, ctx));
    const valid = results.filter((errs) => !errs.length).length;
    if (valid !== 1) {
      const extra = valid > 1 ? `. Found ${valid} valid alternatives` : '';
      ctx.out.push(invalid(field, '', about(name, `must validate one and only one schema (oneOf)${extra}`)));
      if (!valid) ctx.out.push(...results.reduce((best, errs) => (errs.length < best.length ? errs : best)));
    }
  }
  if (s.not && !subValidate(v, s.not, name, ctx).length) {
    ctx.out.push(invalid(field, '', about(name, 'must not validate the schema (not)')));
  }
}

function checkString(v: string, s: Schema, name: string, ctx: Ctx) {
  const field = errField(ctx, name);
  // Lengths count code points, as Go's utf8.RuneCountInString does.
  const length = s.maxLength !== undefined || s.minLength !== undefined ? [...v].length : 0;
  if (s.maxLength !== undefined && length > s.maxLength) ctx.out.push(tooLong(field, v, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) {
    ctx.out.push(invalid(field, v, `${inBody(name)} should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = compileRe2(s.pattern);
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
    }
    // An uncompilable pattern cannot be in a valid CRD; like kube-openapi, treat it as a failed match.
    if (!re?.test(v)) ctx.out.push(invalid(field, v, `${inBody(name)} should match '${s.pattern}'`));
  }
  const check = formatChecker(s.format);
  if (check && !check(v)) {
    ctx.out.push(typeInvalid(field, v, `${inBody(name)} must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
}

function checkNumber(v: number, s: Schema, name: string, ctx: Ctx) {
  const field = errField(ctx, name);
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = s.multipleOf < 1 ? (1 / s.multipleOf) * v : v / s.multipleOf;
    if (!isJsonInteger(q)) {
      ctx.out.push(invalid(field, v, `${inBody(name)} should be a multiple of ${goFloat(s.multipleOf)}`));
    }
  }
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
    ctx.out.push(invalid(field, v, `${inBody(name)} should be ${rel} ${goFloat(s.maximum)}`));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
    ctx.out.push(invalid(field, v, `${inBody(name)} should be ${rel} ${goFloat(s.minimum)}`));
  }
}

function checkArray(v: unknown[], s: Schema, name: string, ctx: Ctx) {
  const field = errField(ctx, name);
  if (s.minItems !== undefined && v.length < s.minItems) {
    ctx.out.push(invalid(field, v.length, `${inBody(name)} should have at least ${s.minItems} items`));
  }
  if (s.maxItems !== undefined && v.length > s.maxItems) ctx.out.push(tooMany(field, v.length, s.maxItems));
  if (s.uniqueItems && v.some((x, i) => v.findIndex((y) => jsonEqual(x, y)) !== i)) {
    ctx.out.push(invalid(field, '', `${inBody(name)} shouldn't contain duplicates`));
  }
  const items = itemsOf(s);
  if (items) v.forEach((x, i) => checkValue(x, items, `${name}[${i}]`, ctx));
}

function checkObject(v: JsonObject, s: Schema, name: string, ctx: Ctx) {
  const field = errField(ctx, name);
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) ctx.out.push(tooMany(field, count, s.maxProperties));
  if (s.minProperties !== undefined && count < s.minProperties) {
    ctx.out.push(invalid(field, count, `${inBody(name)} should have at least ${s.minProperties} properties`));
  }
  const sub = (k: string) => (name ? `${name}.${k}` : k);
  for (const k of s.required ?? []) if (!Object.hasOwn(v, k)) ctx.out.push(required(errField(ctx, sub(k))));
  if (s.additionalProperties === false) {
    for (const k of Object.keys(v)) {
      if (s.properties && Object.hasOwn(s.properties, k)) continue;
      ctx.out.push(invalid(field, k, `${sub(k)} in body is a forbidden property`));
    }
  }
  const extra = additionalOf(s);
  for (const k of Object.keys(v)) {
    const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : extra;
    if (prop) checkValue(v[k], prop, sub(k), ctx);
  }
}

function checkValue(v: unknown, s: Schema, name: string, ctx: Ctx) {
  const types = typeNames(s);
  const field = errField(ctx, name);
  if (v === null || v === undefined) {
    // kube-openapi's early exit for null: only the type (nullable) and enum checks apply.
    if (types.length && !s.nullable) {
      ctx.out.push(typeInvalid(field, 'null', `${inBody(name)} must be of type ${types.join(',')}: "null"`));
    }
    checkEnum(null, s, name, ctx);
    return;
  }
  const data = jsonType(v);
  if (types.length && !typeMatches(types, data)) {
    ctx.out.push(
      typeInvalid(field, data, `${inBody(name)} must be of type ${types.join(',')}: ${JSON.stringify(data)}`),
    );
  }
  checkCombinators(v, s, name, ctx);
  if (typeof v === 'string') checkString(v, s, name, ctx);
  else if (typeof v === 'number') checkNumber(v, s, name, ctx);
  else if (Array.isArray(v)) checkArray(v, s, name, ctx);
  checkEnum(v, s, name, ctx);
  if (isObject(v)) checkObject(v, s, name, ctx);
}

/** The value validations alone (no list-type or CEL checks), for a value at `base`. */
export function validateOpenApi(value: unknown, schema: Schema, base = ''): StatusCause[] {
  const ctx: Ctx = { base, out: [] };
  checkValue(value, schema, '', ctx);
  return ctx.out;
}

// ---- x-kubernetes-list-type: set and map uniqueness (apiserver/schema/listtype) ----

const setKey = (v: unknown) =>
  isObject(v) || Array.isArray(v) ? `j${JSON.stringify(sortKeys(v))}` : `s${typeof v}:${String(v)}`;

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}

/** Indices of the second appearance of each repeated value (upstream reports each duplicate once). */
function duplicates(keys: string[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  keys.forEach((k, i) => {
    const times = seen.get(k) ?? 0;
    if (times === 1) out.push(i);
    seen.set(k, times + 1);
  });
  return out;
}

function listMapErrors(path: string, s: Schema, list: unknown[], out: StatusCause[]) {
  const bad = list.findIndex((x) => x !== null && !isObject(x));
  if (bad >= 0) {
    out.push(invalid(index(path, bad), list[bad], 'must be an object for an array of list-type map'));
    return;
  }
  const fields = s['x-kubernetes-list-map-keys'] ?? [];
  const keyValues = list.map((x) => {
    const entry: JsonObject = {};
    if (isObject(x)) for (const f of fields) if (Object.hasOwn(x, f)) entry[f] = x[f];
    return entry;
  });
  for (const i of duplicates(keyValues.map(setKey))) out.push(duplicate(index(path, i), keyValues[i]));
}

function listTypeErrors(path: string, s: Schema | undefined, v: unknown, out: StatusCause[]) {
  if (!s) return;
  if (Array.isArray(v)) {
    if (s['x-kubernetes-list-type'] === 'set' && v.length > 1) {
      for (const i of duplicates(v.map(setKey))) out.push(duplicate(index(path, i), v[i]));
    } else if (s['x-kubernetes-list-type'] === 'map' && v.length) listMapErrors(path, s, v, out);
    const items = itemsOf(s);
    if (items) v.forEach((x, i) => listTypeErrors(index(path, i), items, x, out));
    return;
  }
  if (!isObject(v)) return;
  const extra = additionalOf(s);
  for (const [k, x] of Object.entries(v)) {
    if (s.properties && Object.hasOwn(s.properties, k)) listTypeErrors(child(path, k), s.properties[k], x, out);
    else if (extra) listTypeErrors(key(path, k), extra, x, out);
  }
}

// Errors after which kube-apiserver does not run CEL rules (customresource strategy's hasBlockingErr).
const BLOCKING = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

export interface ValidateOptions {
  /** The stored object on update: transition rules (those using `oldSelf`) run only when it is given. */
  oldObject?: unknown;
  /** Where the value sits, prefixed to every field (empty for a custom resource). */
  basePath?: string;
  /** The value is a resource (default): CEL sees apiVersion, kind, metadata.name and metadata.generateName. */
  isResourceRoot?: boolean;
}

/**
 * Validates a custom resource (pruned and defaulted) against its version's schema, as the customresource strategy
 * does: OpenAPI value validations, then list-type set/map uniqueness, then — unless a type, enum, required,
 * length or size error already blocks them (which is then reported too) — the x-kubernetes-validations CEL rules.
 * Returns Kubernetes causes; an empty list means valid. Throw them with {@link invalidCustomResource}.
 */
export function validate(obj: unknown, schema: Schema | undefined, options: ValidateOptions = {}): StatusCause[] {
  if (!schema) return [];
  const base = options.basePath ?? '';
  const out = validateOpenApi(obj, schema, base);
  listTypeErrors(base, schema, obj, out);
  if (!hasCelRules(schema)) return out;
  if (out.some((c) => c.reason && BLOCKING.has(c.reason))) {
    out.push(
      invalid(
        base,
        null,
        'some validation rules were not checked because the object was invalid; ' +
          'correct the existing errors to complete validation',
      ),
    );
    return out;
  }
  out.push(...celValidate(obj, schema, options.oldObject, base, options.isResourceRoot ?? true));
  return out;
}

/** The 422 kube-apiserver answers for an invalid custom resource. */
export function invalidCustomResource(kind: string, name: string | undefined, causes: StatusCause[]): ApiError {
  return invalidError(kind, name, causes);
}

// ---------------------------------------------------------------------------------------------------------------
// OpenAPI (controller/openapi/builder): what /openapi/v3 serves for a CRD, so `kubectl explain` works
// ---------------------------------------------------------------------------------------------------------------

const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized ' +
  'schemas to the latest internal value, and may reject unrecognized values. More info: ' +
  'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the ' +
  'endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ' +
  'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: " +
  'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const LIST_METADATA_DESCRIPTION =
  'Standard list metadata. More info: ' +
  'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

const REF = (definition: string) => `#/components/schemas/${definition}`;
// OpenAPI 3.0 ignores siblings of $ref, so a reference that carries a description is wrapped in allOf (as
// kube-apiserver's v3 documents do).
const refWith = (definition: string, description: string): SchemaObject => ({
  description,
  allOf: [{ $ref: REF(definition) }],
});

/** util.ToRESTFriendlyName: `stable.example.com/v1/CronTab` → `com.example.stable.v1.CronTab`. */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function typeMeta(): Record<string, SchemaObject> {
  return {
    apiVersion: { description: API_VERSION_DESCRIPTION, type: 'string' },
    kind: { description: KIND_DESCRIPTION, type: 'string' },
  };
}

/** Adds apiVersion, kind and metadata to each x-kubernetes-embedded-resource node (addEmbeddedProperties). */
function addEmbedded(s: SchemaObject) {
  for (const p of Object.values(s.properties ?? {})) addEmbedded(p);
  if (s.items && !Array.isArray(s.items)) addEmbedded(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') addEmbedded(s.additionalProperties);
  if (s['x-kubernetes-embedded-resource'] !== true) return;
  s.properties = { ...(s.properties ?? {}), ...typeMeta(), metadata: refWith(OBJECT_META, METADATA_DESCRIPTION) };
  const req = new Set(s.required ?? []);
  s.required = [...(s.required ?? []), ...['kind', 'apiVersion'].filter((k) => !req.has(k))];
}

/**
 * The component schemas of each served version (keyed by version, then definition name): the kind, with
 * apiVersion, kind, metadata (ObjectMeta by reference) and x-kubernetes-group-version-kind, and its list kind.
 * The references (ObjectMeta, ListMeta) resolve against the upstream definitions in lib/apimachinery/schema.ts.
 */
export function openApiForCrd(crd: CustomResourceDefinition): Record<string, Record<string, SchemaObject>> {
  const { group, names } = crd.spec;
  const listKind = names.listKind || `${names.kind}List`;
  const out: Record<string, Record<string, SchemaObject>> = {};
  for (const v of crd.spec.versions) {
    if (!v.served) continue;
    const schema = schemaForVersion(crd, v.name);
    const gvk = (kind: string) => [{ group, version: v.name, kind }];
    let kindSchema: SchemaObject;
    if (!schema) kindSchema = { type: 'object' };
    else {
      kindSchema = structuredClone(schema) as SchemaObject;
      kindSchema.properties = {
        ...(kindSchema.properties ?? {}),
        ...typeMeta(),
        metadata: refWith(OBJECT_META, METADATA_DESCRIPTION),
      };
      addEmbedded(kindSchema);
    }
    kindSchema['x-kubernetes-group-version-kind'] = gvk(names.kind);
    const kindName = crdDefinitionName(group, v.name, names.kind);
    const listSchema: SchemaObject = {
      description: `${listKind} is a list of ${names.kind}`,
      type: 'object',
      required: ['items'],
      properties: {
        ...typeMeta(),
        items: {
          description:
            `List of ${names.plural}. More info: ` +
            'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md',
          type: 'array',
          items: { $ref: REF(kindName) },
        },
        metadata: refWith(LIST_META, LIST_METADATA_DESCRIPTION),
      },
      'x-kubernetes-group-version-kind': gvk(listKind),
    };
    out[v.name] = { [kindName]: kindSchema, [crdDefinitionName(group, v.name, listKind)]: listSchema };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Server-side printing (registry/customresource/tableconvertor)
// ---------------------------------------------------------------------------------------------------------------

export interface PrinterColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  jsonPath: string;
}

function metaDescription(field: string, fallback: string): string {
  const d = allSchemas()[OBJECT_META]?.properties?.[field]?.description;
  return typeof d === 'string' ? d : fallback;
}

/**
 * The table columns of a version: NAME first, then the version's additionalPrinterColumns — or AGE
 * (`.metadata.creationTimestamp`) when it declares none, as kube-apiserver serves them.
 */
export function printerColumns(crd: CustomResourceDefinition, version: string): PrinterColumn[] {
  const declared: CustomResourceColumnDefinition[] = crdVersion(crd, version)?.additionalPrinterColumns ?? [];
  const columns = declared.length
    ? declared
    : [
        {
          name: 'Age',
          type: 'date',
          jsonPath: '.metadata.creationTimestamp',
          description: metaDescription('creationTimestamp', 'CreationTimestamp of the object.'),
        },
      ];
  return [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: metaDescription('name', 'Name of the object.'),
      priority: 0,
      jsonPath: '.metadata.name',
    },
    ...columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
      jsonPath: c.jsonPath,
    })),
  ];
}

/** The columnDefinitions of a meta.k8s.io/v1 Table for these columns. */
export function columnDefinitions(columns: PrinterColumn[]) {
  return columns.map(({ jsonPath: _jsonPath, ...definition }) => definition);
}

/** How client-go's jsonpath prints a value as text (Go's fmt %v: `map[a:1]`, `[x y]`). */
function goText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goValue(v);
  if (Array.isArray(v)) return `[${v.map(goText).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goText(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

type Cell = string | number | boolean | null;

/** cellForJSONValue: a value converted to its column type, or null (an empty cell) when it does not convert. */
function cell(type: string, value: unknown, now: number): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return goText(value);
    case 'date':
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : age(value, now);
    default:
      return null;
  }
}

/** The cells of one row: each column's JSONPath evaluated on the object, its first result converted. */
export function printRow(obj: unknown, columns: PrinterColumn[], now = Date.now()): Cell[] {
  return columns.map((c) => {
    let results: unknown[];
    try {
      results = findJsonPath(obj, c.jsonPath);
    } catch {
      return null; // an unparsable path is an empty cell, as upstream's FindResults error is
    }
    return results.length ? cell(c.type, results[0], now) : null;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The scale subresource (registry/customresource: scaleFromCustomResource, scaleUpdatedObjectInfo)
// ---------------------------------------------------------------------------------------------------------------

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

const segments = (path: string) => path.replace(/^\./, '').split('.');

/** unstructured.NestedFieldNoCopy: the value at a simple JSON path, and whether it is there. */
function nested(obj: unknown, path: string): [unknown, boolean] {
  let v = obj;
  for (const s of segments(path)) {
    if (!isObject(v) || !Object.hasOwn(v, s)) return [undefined, false];
    v = v[s];
  }
  return [v, true];
}

const goTypeName = (v: unknown) =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? 'int64'
      : 'float64'
    : typeof v === 'string'
      ? 'string'
      : typeof v === 'boolean'
        ? 'bool'
        : Array.isArray(v)
          ? '[]interface {}'
          : v === null
            ? '<nil>'
            : 'map[string]interface {}';

/** unstructured.NestedInt64: 0 when absent, an error text when present but not an integer. */
function nestedInt(obj: unknown, path: string): number | string {
  const [v, found] = nested(obj, path);
  if (!found) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return `${path} accessor error: ${goText(v)} is of the type ${goTypeName(v)}, expected int64`;
}

const internal = (message: string) => new ApiError(500, 'InternalError', message);

/** The autoscaling/v1 Scale of a custom resource; a replicas field of the wrong type is a 500, as upstream. */
export function scaleFrom(obj: JsonObject, scale: CustomResourceSubresourceScale): Scale {
  const spec = nestedInt(obj, scale.specReplicasPath);
  if (typeof spec === 'string') throw internal(spec);
  const status = nestedInt(obj, scale.statusReplicasPath);
  if (typeof status === 'string') throw internal(status);
  let selector: string | undefined;
  if (scale.labelSelectorPath) {
    const [v, found] = nested(obj, scale.labelSelectorPath);
    if (found && typeof v !== 'string') {
      throw internal(
        `${scale.labelSelectorPath} accessor error: ${goText(v)} is of the type ${goTypeName(v)}, expected string`,
      );
    }
    selector = found ? (v as string) : '';
  }
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const str = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string) : undefined);
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: str('name'),
      namespace: str('namespace'),
      uid: str('uid'),
      resourceVersion: str('resourceVersion'),
      creationTimestamp: str('creationTimestamp'),
    },
    // Scale's replicas are int32: upstream truncates with int32(...).
    spec: { replicas: spec | 0 },
    status: { replicas: status | 0, ...(selector !== undefined ? { selector } : {}) },
  };
}

/**
 * The custom resource with `replicas` written at specReplicasPath (intermediate objects created), for an update
 * of its scale subresource. The input is not modified. Throws 422 for a negative count, as Scale validation does.
 */
export function withScale(obj: JsonObject, replicas: number, scale: CustomResourceSubresourceScale): JsonObject {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 2 ** 31 - 1) {
    const name = isObject(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : undefined;
    const detail =
      Number.isInteger(replicas) && replicas > 0 ? 'must be a valid int32' : 'must be greater than or equal to 0';
    throw invalidError('Scale', name, [invalid('spec.replicas', replicas, detail)]);
  }
  const out = structuredClone(obj);
  const path = segments(scale.specReplicasPath);
  let node: JsonObject = out;
  for (const s of path.slice(0, -1)) {
    if (!isObject(node[s])) node[s] = {};
    node = node[s] as JsonObject;
  }
  node[path[path.length - 1]] = replicas;
  return out;
}

/**
 * The customresource strategy's checks of the scale paths: spec replicas on every write, status replicas and the
 * label selector on status writes. Fields are the JSON paths themselves (`.spec.replicas`), as upstream reports them.
 */
export function validateScale(
  obj: JsonObject,
  scale: CustomResourceSubresourceScale,
  which: 'spec' | 'status' = 'spec',
): StatusCause[] {
  const out: StatusCause[] = [];
  const check = (path: string) => {
    const n = nestedInt(obj, path);
    if (typeof n === 'string') out.push(invalid(path, 0, n));
    else if (n < 0) out.push(invalid(path, n, 'should be a non-negative integer'));
    else if (n > 2 ** 31 - 1) out.push(invalid(path, n, `should be less than or equal to ${2 ** 31 - 1}`));
  };
  if (which === 'spec') check(scale.specReplicasPath);
  else {
    check(scale.statusReplicasPath);
    if (scale.labelSelectorPath) {
      const [v, found] = nested(obj, scale.labelSelectorPath);
      if (found && typeof v !== 'string') {
        out.push(
          invalid(
            scale.labelSelectorPath,
            v,
            `${scale.labelSelectorPath} accessor error: ${goText(v)} is of the type ${goTypeName(v)}, expected string`,
          ),
        );
      }
    }
  }
  return out;
}
