// Validation of a CustomResourceDefinition itself, following kube-apiserver's apiextensions validation
// (k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation, pkg/apiserver/schema/validation.go and
// completeness.go, pkg/apiserver/schema/defaulting/validation.go) for apiextensions.k8s.io/v1 objects.
//
// Causes carry upstream's field paths and messages. Upstream validates the internal version of the object, and a
// few of its paths keep internal names (`spec.conversion.webhookClientConfig`, printer columns' `JSONPath`); they are
// kept here so clients see the same text.

import type { StatusCause } from '../../apimachinery/errors.ts';
import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceDefinitionNames,
  CustomResourceSubresources,
} from '../../apimachinery/generated/kinds.ts';
import { celSyntaxError, celValidate, resolveRuleFieldPath, usesOldSelf } from './cel.ts';
import { forbidden, GoLiteral, invalid, jsonType, notSupported, required, typeInvalid } from './field-errors.ts';
import { compileRe2, RegexError } from './regex.ts';
import { prune, validateOpenApi } from './structural.ts';
import {
  additionalOf,
  child,
  embedded,
  index,
  isObject,
  itemsOf,
  jsonEqual,
  key,
  type Schema,
  type ValidationRule,
} from './types.ts';

// ---------------------------------------------------------------------------------------------------------------
// Names (k8s.io/apimachinery/pkg/util/validation)
// ---------------------------------------------------------------------------------------------------------------

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const DNS1035_RE = new RegExp(`^${DNS1035_LABEL}$`);

/** validation.RegexError: the message with its examples and the regex, exactly as apimachinery words it. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!SUBDOMAIN_RE.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
          'start and end with an alphanumeric character',
        DNS1123_SUBDOMAIN,
        'example.com',
      ),
    );
  }
  return errs;
}

export function isDns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_RE.test(value)) {
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic " +
          'character, and end with an alphanumeric character',
        DNS1035_LABEL,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults (apiextensions/v1 SetDefaults_*), which run before validation
// ---------------------------------------------------------------------------------------------------------------

// Schema keys whose JSON null means "absent" when decoded into Go (pointers, slices, maps); inside default, enum and
// example a null is a value.
const VALUE_KEYS = new Set(['default', 'enum', 'example']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'items']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);

/** Decodes nulls in a schema as Go does: a null field is unset, a null list entry or map value is a zero value. */
function normalizeNulls(s: unknown): void {
  if (!isObject(s)) return;
  for (const [k, v] of Object.entries(s)) {
    if (v === null) delete s[k];
    else if (VALUE_KEYS.has(k)) continue;
    else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        if (x === null) v[i] = SCHEMA_LISTS.has(k) ? {} : '';
        else normalizeNulls(x);
      });
    } else if (SCHEMA_MAPS.has(k) && isObject(v)) {
      for (const [name, x] of Object.entries(v)) {
        if (x === null) v[name] = {};
        else normalizeNulls(x);
      }
    } else normalizeNulls(v);
  }
}

/**
 * A copy of the CRD with the defaults kube-apiserver applies on decode: names.singular (lower-case kind),
 * names.listKind (kind + "List"), conversion.strategy None, the storage version in status.storedVersions, and
 * webhook service port 443. Nulls in the schemas are decoded as Go decodes them (unset). This is the form to store
 * and to hand to structural.ts.
 */
export function withCrdDefaults(crd: CustomResourceDefinition): CustomResourceDefinition {
  const out = structuredClone(crd);
  for (const v of out.spec?.versions ?? []) normalizeNulls(v?.schema?.openAPIV3Schema);
  const spec = out.spec ?? ({} as CustomResourceDefinition['spec']);
  out.spec = spec;
  spec.names ??= { kind: '', plural: '' };
  if (!spec.names.singular && spec.names.kind) spec.names.singular = spec.names.kind.toLowerCase();
  if (!spec.names.listKind && spec.names.kind) spec.names.listKind = `${spec.names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  const service = spec.conversion.webhook?.clientConfig?.service;
  if (service && service.port === undefined) service.port = 443;
  const storage = (spec.versions ?? []).find((v) => v.storage);
  if (storage && !out.status?.storedVersions?.length) {
    out.status = { ...(out.status ?? {}), storedVersions: [storage.name] };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Structural schemas (pkg/apiserver/schema/validation.go, completeness.go)
// ---------------------------------------------------------------------------------------------------------------

type Level = 'root' | 'item' | 'field';

const props = (path: string, k: string) => key(child(path, 'properties'), k);
const hasOwn = (o: object, k: string) => Object.hasOwn(o, k);

function isIntOrStringAnyOf(anyOf: Schema[] | undefined): boolean {
  return anyOf?.length === 2 && jsonEqual(anyOf[0], { type: 'integer' }) && jsonEqual(anyOf[1], { type: 'string' });
}

function checkPattern(s: Schema, path: string, out: StatusCause[]) {
  if (s.pattern === undefined) return;
  try {
    compileRe2(s.pattern);
  } catch (err) {
    if (!(err instanceof RegexError)) throw err;
    out.push(
      invalid(child(path, 'pattern'), s.pattern, `must be a valid regular expression, but isn't: ${err.message}`),
    );
  }
}

/** The logical junctors of a node (allOf/anyOf/oneOf/not) and its pattern. */
function valueValidation(
  s: Schema,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  path: string,
  out: StatusCause[],
) {
  if (!skipAnyOf) s.anyOf?.forEach((n, i) => nestedValueValidation(n, false, index(child(path, 'anyOf'), i), out));
  s.allOf?.forEach((n, i) =>
    nestedValueValidation(n, skipFirstAllOfAnyOf && i === 0, index(child(path, 'allOf'), i), out),
  );
  s.oneOf?.forEach((n, i) => nestedValueValidation(n, false, index(child(path, 'oneOf'), i), out));
  if (s.not) nestedValueValidation(s.not, false, child(path, 'not'), out);
  checkPattern(s, path, out);
}

/** A schema under a logical junctor may only restrict values: no types, defaults, descriptions or extensions. */
function nestedValueValidation(n: Schema, skipAnyOf: boolean, path: string, out: StatusCause[]) {
  valueValidation(n, skipAnyOf, false, path, out);
  const items = itemsOf(n);
  if (items) nestedValueValidation(items, false, child(path, 'items'), out);
  for (const [k, p] of Object.entries(n.properties ?? {})) nestedValueValidation(p, false, props(path, k), out);
  const f = (name: string, detail: string) => out.push(forbidden(child(path, name), detail));
  if (n.type) f('type', 'must be empty to be structural');
  if (n.additionalProperties !== undefined) f('additionalProperties', 'must be undefined to be structural');
  if (n.default !== undefined) f('default', 'must be undefined to be structural');
  if (n.title) f('title', 'must be empty to be structural');
  if (n.description) f('description', 'must be empty to be structural');
  if (n.nullable) f('nullable', 'must be false to be structural');
  if (n['x-kubernetes-preserve-unknown-fields'])
    f('x-kubernetes-preserve-unknown-fields', 'must be false to be structural');
  if (n['x-kubernetes-embedded-resource']) f('x-kubernetes-embedded-resource', 'must be false to be structural');
  if (n['x-kubernetes-int-or-string']) f('x-kubernetes-int-or-string', 'must be false to be structural');
  if (n['x-kubernetes-list-map-keys']?.length) f('x-kubernetes-list-map-keys', 'must be empty to be structural');
  if (n['x-kubernetes-list-type'] !== undefined) f('x-kubernetes-list-type', 'must be undefined to be structural');
  if (n['x-kubernetes-map-type'] !== undefined) f('x-kubernetes-map-type', 'must be undefined to be structural');
  if (n['x-kubernetes-validations']?.length) f('x-kubernetes-validations', 'must be empty to be structural');
  if (n.properties && hasOwn(n.properties, 'metadata')) {
    out.push(forbidden(props(path, 'metadata'), 'must not be specified in a nested context'));
  }
}

// What a root `metadata` schema may say (validateStructuralMetadataInvariants): its type, and properties that are
// only name and/or generateName.
function metadataInvariants(m: Schema, checkMetadata: boolean, lvl: Level, path: string, out: StatusCause[]) {
  if (checkMetadata && m.type !== 'object') out.push(invalid(child(path, 'type'), m.type ?? '', 'must be object'));
  if (lvl !== 'root') return;
  const names = Object.keys(m.properties ?? {});
  const onlyNames = names.length > 0 && names.length <= 2 && names.every((n) => n === 'name' || n === 'generateName');
  const rest = Object.keys(m).filter(
    (k) => k !== 'type' && k !== 'default' && !(k === 'properties' && (onlyNames || !names.length)),
  );
  if (rest.length) {
    out.push(
      forbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  }
}

function structuralInvariants(s: Schema, lvl: Level, path: string, out: StatusCause[]) {
  const items = itemsOf(s);
  if (s.type === 'array' && s.items === undefined) out.push(required(child(path, 'items'), 'must be specified'));
  if (items) structuralInvariants(items, 'item', child(path, 'items'), out);
  for (const [k, p] of Object.entries(s.properties ?? {})) structuralInvariants(p, 'field', props(path, k), out);
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') out.push(forbidden(child(path, 'additionalProperties'), 'must not be used at the root'));
    const extra = additionalOf(s);
    if (extra) structuralInvariants(extra, 'field', child(path, 'additionalProperties'), out);
  }
  if (s['x-kubernetes-int-or-string'] && s['x-kubernetes-preserve-unknown-fields']) {
    out.push(
      invalid(
        child(path, 'x-kubernetes-preserve-unknown-fields'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  if (s['x-kubernetes-int-or-string'] && s['x-kubernetes-embedded-resource']) {
    out.push(
      invalid(
        child(path, 'x-kubernetes-embedded-resource'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf = !!s.allOf?.length && isIntOrStringAnyOf(s.allOf[0].anyOf);
  valueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, path, out);

  const checkMetadata = lvl === 'root' || embedded(s);
  if (embedded(s) && s.type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    out.push(s.type ? invalid(child(path, 'type'), s.type, detail) : required(child(path, 'type'), detail));
  } else if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) {
    const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl];
    out.push(required(child(path, 'type'), `must not be empty ${where}`));
  }
  if (embedded(s) && s.additionalProperties !== undefined) {
    out.push(
      forbidden(child(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'),
    );
  }
  if (lvl === 'root' && s.type && s.type !== 'object')
    out.push(invalid(child(path, 'type'), s.type, 'must be object at the root'));
  for (const meta of ['kind', 'apiVersion']) {
    const p = s.properties?.[meta];
    if (p && checkMetadata && p.type !== 'string') {
      out.push(invalid(child(props(path, meta), 'type'), p.type ?? '', 'must be string'));
    }
  }
  if (s.properties && hasOwn(s.properties, 'metadata')) {
    metadataInvariants(s.properties.metadata, checkMetadata, lvl, props(path, 'metadata'), out);
  }
  if (embedded(s) && !s['x-kubernetes-preserve-unknown-fields'] && !Object.keys(s.properties ?? {}).length) {
    out.push(
      required(
        child(path, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
}

/** Every property or items a junctor (at the root) restricts must also be specified structurally. */
function completeness(v: Schema, s: Schema | undefined, sPath: string, vPath: string, out: StatusCause[]) {
  const junctors: [Schema, string][] = [
    ...(v.not ? [[v.not, child(vPath, 'not')] as [Schema, string]] : []),
    ...(v.allOf ?? []).map((n, i): [Schema, string] => [n, index(child(vPath, 'allOf'), i)]),
    ...(v.anyOf ?? []).map((n, i): [Schema, string] => [n, index(child(vPath, 'anyOf'), i)]),
    ...(v.oneOf ?? []).map((n, i): [Schema, string] => [n, index(child(vPath, 'oneOf'), i)]),
  ];
  for (const [n, path] of junctors) nestedCompleteness(n, s, sPath, path, out);
}

function nestedCompleteness(n: Schema, s: Schema | undefined, sPath: string, vPath: string, out: StatusCause[]) {
  if (!s) {
    out.push(required(sPath, `because it is defined in ${vPath}`));
    return;
  }
  completeness(n, s, sPath, vPath, out);
  const items = itemsOf(n);
  if (items) nestedCompleteness(items, itemsOf(s), child(sPath, 'items'), child(vPath, 'items'), out);
  for (const [k, p] of Object.entries(n.properties ?? {})) {
    const sp = s.properties && hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (!sp) out.push(required(props(sPath, k), `because it is defined in ${props(vPath, k)}`));
    else nestedCompleteness(p, sp, props(sPath, k), props(vPath, k), out);
  }
}

const errorText = (c: StatusCause) => (c.field ? `${c.field}: ${c.message}` : c.message);

/** ValidateStructural: the structural-schema invariants, sorted by their text as upstream sorts them. */
export function validateStructural(schema: Schema, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  structuralInvariants(schema, 'root', path, out);
  completeness(schema, schema, path, path, out);
  return out.sort((a, b) => (errorText(a) < errorText(b) ? -1 : errorText(a) > errorText(b) ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults must validate and be pruned (pkg/apiserver/schema/defaulting/validation.go)
// ---------------------------------------------------------------------------------------------------------------

const META_FIELDS = new Set(['metadata', 'apiVersion', 'kind']);

function validateDefaults(s: Schema, path: string, insideMeta: boolean, resourceRoot: boolean, out: StatusCause[]) {
  const resource = resourceRoot || embedded(s);
  if (embedded(s)) insideMeta = false;
  if (s.default !== undefined && !insideMeta) {
    const at = child(path, 'default');
    const pruned = structuredClone(s.default);
    prune(pruned, s, { isResourceRoot: embedded(s) });
    if (!jsonEqual(pruned, s.default)) out.push(invalid(at, s.default, 'must not have unknown fields'));
    else {
      const errs = validateOpenApi(s.default, s, at);
      if (errs.length) out.push(...errs);
      // Upstream checks the rules with the default as both self and oldSelf (no list-type checks here).
      else out.push(...celValidate(s.default, s, s.default, at, resource));
    }
  }
  // additionalProperties are not followed, as upstream (which forbids defaults under metadata maps).
  const items = itemsOf(s);
  if (items) validateDefaults(items, child(path, 'items'), insideMeta, false, out);
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const meta = insideMeta || (resource && META_FIELDS.has(k));
    validateDefaults(p, props(path, k), meta, false, out);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The OpenAPI schema walk (ValidateCustomResourceDefinitionOpenAPISchema)
// ---------------------------------------------------------------------------------------------------------------

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

interface Walk {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
  /** The highest ancestor whose values do not correlate across updates: rules below may not use oldSelf. */
  uncorrelatable?: string;
  /** CEL rules are compiled only when the schema is structural (upstream's non-nil CEL context). */
  cel: boolean;
}

interface WalkErrors {
  schema: StatusCause[];
  cel: StatusCause[];
}

const merge = (into: WalkErrors, from: WalkErrors) => {
  into.schema.push(...from.schema);
  into.cel.push(...from.cel);
};

/** apiextensions.ValidationRule as Go's %#v prints it (pointer fields show their value instead of an address). */
function ruleLiteral(r: ValidationRule): GoLiteral {
  const q = JSON.stringify;
  const reason = r.reason === undefined ? '(*apiextensions.FieldValueErrorReason)(nil)' : `&${q(r.reason)}`;
  const optional = r.optionalOldSelf === undefined ? '(*bool)(nil)' : `&${r.optionalOldSelf}`;
  return new GoLiteral(
    `apiextensions.ValidationRule{Rule:${q(r.rule ?? '')}, Message:${q(r.message ?? '')}, ` +
      `MessageExpression:${q(r.messageExpression ?? '')}, Reason:${reason}, FieldPath:${q(r.fieldPath ?? '')}, ` +
      `OptionalOldSelf:${optional}}`,
  );
}

/** The per-node checks of specStandardValidatorV3.validate. */
function standardChecks(s: Schema, path: string, w: Walk, out: StatusCause[]) {
  const f = (name: string, detail: string) => out.push(forbidden(child(path, name), detail));
  if (s.type && !OPENAPI_TYPES.includes(s.type)) out.push(notSupported(child(path, 'type'), s.type, OPENAPI_TYPES));
  if (s.default !== undefined && !w.allowDefaults) {
    f('default', `must not be set${w.disallowDefaultsReason ? ` ${w.disallowDefaultsReason}` : ''}`);
  }
  if (s.id) f('id', 'id is not supported');
  if (s.additionalItems !== undefined) f('additionalItems', 'additionalItems is not supported');
  if (s.patternProperties && Object.keys(s.patternProperties).length)
    f('patternProperties', 'patternProperties is not supported');
  if (s.definitions && Object.keys(s.definitions).length) f('definitions', 'definitions is not supported');
  if (s.dependencies !== undefined) f('dependencies', 'dependencies is not supported');
  if (s.$ref !== undefined) f('$ref', '$ref is not supported');
  if (s.type === 'null') f('type', 'type cannot be set to null, use nullable as an alternative');
  if (Array.isArray(s.items) && s.items.length) f('items', 'items must be a schema object and not an array');
  if (w.insideResourceMeta && embedded(s))
    f('x-kubernetes-embedded-resource', 'must not be used inside of resource meta');
}

function listAndMapChecks(s: Schema, path: string, out: StatusCause[]) {
  const listType = s['x-kubernetes-list-type'];
  const mapType = s['x-kubernetes-map-type'];
  const mapKeys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = itemsOf(s);
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    out.push(invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  if (mapType !== undefined && s.type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified';
    out.push(s.type ? invalid(child(path, 'type'), s.type, detail) : required(child(path, 'type'), detail));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    out.push(notSupported(child(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  if (listType !== undefined && s.type !== 'array') {
    const detail = 'must be array if x-kubernetes-list-type is specified';
    out.push(s.type ? invalid(child(path, 'type'), s.type, detail) : required(child(path, 'type'), detail));
  } else if (listType === 'set' && items) {
    const itemsPath = child(path, 'items');
    if (
      items.type === 'array' &&
      items['x-kubernetes-list-type'] !== undefined &&
      items['x-kubernetes-list-type'] !== 'atomic'
    ) {
      out.push(
        invalid(
          child(itemsPath, 'x-kubernetes-list-type'),
          items['x-kubernetes-list-type'],
          'must be atomic as item of a list with x-kubernetes-list-type=set',
        ),
      );
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      out.push(
        invalid(
          child(itemsPath, 'x-kubernetes-map-type'),
          items['x-kubernetes-list-type'] ?? null,
          'must be atomic as item of a list with x-kubernetes-list-type=set',
        ),
      );
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    out.push(notSupported(child(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (mapKeys.length) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (listType === undefined) out.push(required(child(path, 'x-kubernetes-list-type'), detail));
    else if (listType !== 'map') out.push(invalid(child(path, 'x-kubernetes-list-type'), listType, detail));
  }
  if (listType === 'map') {
    if (!mapKeys.length) {
      out.push(
        required(child(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'),
      );
    }
    if (s.items === undefined)
      out.push(required(child(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
    else if (!items) {
      out.push(
        invalid(child(path, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'),
      );
    } else if (items.type !== 'object') {
      out.push(
        invalid(
          child(child(path, 'items'), 'type'),
          items.type ?? '',
          "must be object if parent array's x-kubernetes-list-type is map",
        ),
      );
    } else {
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const p = items.properties && hasOwn(items.properties, k) ? items.properties[k] : undefined;
        if (!p) {
          out.push(
            invalid(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'entries must all be names of item properties'),
          );
        } else if (p.type === 'array' || p.type === 'object') {
          out.push(
            invalid(
              child(props(child(path, 'items'), k), 'type'),
              items.type,
              "must be a scalar type if parent array's x-kubernetes-list-type is map",
            ),
          );
        }
        if (seen.has(k))
          out.push(invalid(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  // validateMapListKeysMapSet
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable) {
      out.push(
        forbidden(
          child(child(path, 'items'), 'nullable'),
          `cannot be nullable when x-kubernetes-list-type is ${listType}`,
        ),
      );
    }
    if (listType === 'map') {
      const req = new Set(items.required ?? []);
      for (const k of mapKeys) {
        const p = items.properties && hasOwn(items.properties, k) ? items.properties[k] : undefined;
        if (!p) continue;
        const at = props(child(path, 'items'), k);
        if (!req.has(k) && p.default === undefined) {
          out.push(
            required(
              child(at, 'default'),
              'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
            ),
          );
        }
        if (p.nullable) {
          out.push(
            forbidden(
              child(at, 'nullable'),
              'this property is in x-kubernetes-list-map-keys, so it cannot be nullable',
            ),
          );
        }
      }
    }
  }
}

function ruleChecks(s: Schema, path: string, w: Walk, errs: WalkErrors) {
  const rules = s['x-kubernetes-validations'] ?? [];
  if (!rules.length) return;
  const at = (i: number, name: string) => child(index(child(path, 'x-kubernetes-validations'), i), name);
  rules.forEach((r, i) => {
    const rule = (r.rule ?? '').trim();
    const message = (r.message ?? '').trim();
    if (!rule) errs.schema.push(required(at(i, 'rule'), 'rule is not specified'));
    else if (r.message && !message)
      errs.schema.push(invalid(at(i, 'message'), r.message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(message))
      errs.schema.push(invalid(at(i, 'message'), r.message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(rule) && !message) {
      errs.schema.push(required(at(i, 'message'), 'message must be specified if rule contains line breaks'));
    }
    if (r.messageExpression !== undefined && r.messageExpression !== '' && !r.messageExpression.trim()) {
      errs.schema.push(required(at(i, 'messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    if (r.reason !== undefined && !REASONS.includes(r.reason))
      errs.schema.push(notSupported(at(i, 'reason'), r.reason, REASONS));
    if (r.fieldPath !== undefined && r.fieldPath !== '') {
      if (!r.fieldPath.trim())
        errs.schema.push(invalid(at(i, 'fieldPath'), r.fieldPath, 'fieldPath must be non-empty if specified'));
      if (/[\n\r]/.test(r.fieldPath)) {
        errs.schema.push(invalid(at(i, 'fieldPath'), r.fieldPath, 'fieldPath must not contain line breaks'));
      } else if (r.fieldPath.trim() && resolveRuleFieldPath('', r.fieldPath, s) === undefined) {
        errs.schema.push(invalid(at(i, 'fieldPath'), r.fieldPath, 'fieldPath must be a valid path'));
      }
    }
  });
  // Like upstream, CEL is compiled only when this node and everything below it are otherwise valid.
  if (errs.schema.length || !w.cel) return;
  rules.forEach((r, i) => {
    if (!(r.rule ?? '').trim()) return;
    const syntax = celSyntaxError(r.rule);
    if (syntax) errs.cel.push(invalid(at(i, 'rule'), ruleLiteral(r), `compilation failed: ${syntax}`));
    if (r.messageExpression?.trim()) {
      const msgSyntax = celSyntaxError(r.messageExpression);
      if (msgSyntax) {
        errs.cel.push(
          invalid(at(i, 'messageExpression'), ruleLiteral(r), `messageExpression compilation failed: ${msgSyntax}`),
        );
      }
    }
    if (usesOldSelf(r.rule)) {
      if (w.uncorrelatable !== undefined) {
        errs.cel.push(
          invalid(
            at(i, 'rule'),
            r.rule,
            `oldSelf cannot be used on the uncorrelatable portion of the schema within ${w.uncorrelatable}`,
          ),
        );
      }
    } else if (r.optionalOldSelf !== undefined) {
      errs.cel.push(
        invalid(at(i, 'optionalOldSelf'), r.optionalOldSelf, 'may not be set if oldSelf is not used in rule'),
      );
    }
  });
}

function walkSchema(s: Schema, path: string, w: Walk, isRoot: boolean): WalkErrors {
  const errs: WalkErrors = { schema: [], cel: [] };
  standardChecks(s, path, w, errs.schema);
  if (s.uniqueItems) {
    errs.schema.push(
      forbidden(
        child(path, 'uniqueItems'),
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  }
  if (s.additionalProperties !== undefined) {
    if (Object.keys(s.properties ?? {}).length && s.additionalProperties !== true) {
      errs.schema.push(
        forbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'),
      );
    }
    const extra = additionalOf(s);
    if (extra) {
      const sub: Walk = w.insideResourceMeta
        ? {
            ...w,
            allowDefaults: false,
            disallowDefaultsReason: 'inside additionalProperties applying to object metadata',
          }
        : w;
      merge(errs, walkSchema(extra, child(path, 'additionalProperties'), sub, false));
    }
  }
  for (const k of Object.keys(s.properties ?? {}).sort()) {
    let sub: Walk = w;
    if (s['x-kubernetes-map-type'] === 'atomic' && sub.uncorrelatable === undefined)
      sub = { ...sub, uncorrelatable: path };
    if ((isRoot || embedded(s)) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    merge(errs, walkSchema((s.properties as Record<string, Schema>)[k], props(path, k), sub, false));
  }
  const noCel: Walk = { ...w, cel: false };
  if (s.not) merge(errs, walkSchema(s.not, child(path, 'not'), noCel, false));
  s.allOf?.forEach((n, i) => merge(errs, walkSchema(n, index(child(path, 'allOf'), i), noCel, false)));
  s.oneOf?.forEach((n, i) => merge(errs, walkSchema(n, index(child(path, 'oneOf'), i), noCel, false)));
  s.anyOf?.forEach((n, i) => merge(errs, walkSchema(n, index(child(path, 'anyOf'), i), noCel, false)));
  if (s.items !== undefined) {
    let sub = w;
    // Only items of list-type=map lists correlate between an object's revisions.
    if (s['x-kubernetes-list-type'] !== 'map' && sub.uncorrelatable === undefined)
      sub = { ...sub, uncorrelatable: path };
    if (Array.isArray(s.items))
      s.items.forEach((n, i) => merge(errs, walkSchema(n, index(child(path, 'items'), i), sub, false)));
    else merge(errs, walkSchema(s.items, child(path, 'items'), sub, false));
  }
  listAndMapChecks(s, path, errs.schema);
  ruleChecks(s, path, w, errs);
  return errs;
}

// Fields allowed at the root of the schema when the status subresource is enabled (upstream's Go field names,
// which the message lists, and their JSON spellings).
// prettier-ignore
const ROOT_FIELDS_GO = [
  'Description', 'Type', 'Format', 'Title', 'Maximum', 'ExclusiveMaximum', 'Minimum', 'ExclusiveMinimum', 'MaxLength',
  'MinLength', 'Pattern', 'MaxItems', 'MinItems', 'UniqueItems', 'MultipleOf', 'Required', 'Items', 'Properties',
  'ExternalDocs', 'Example', 'XPreserveUnknownFields', 'XValidations',
];
// prettier-ignore
const ROOT_FIELDS = new Set([
  'description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength',
  'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items', 'properties',
  'externalDocs', 'example', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations',
]);

const isZero = (v: unknown) => v === undefined || v === null || v === false || v === 0 || v === '';

/** validateCustomResourceDefinitionValidation: one version's openAPIV3Schema. */
function validateVersionSchema(schema: Schema, statusEnabled: boolean, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const schemaPath = child(path, 'openAPIV3Schema');
  if (statusEnabled) {
    for (const [k, v] of Object.entries(schema)) {
      if (isZero(v)) continue;
      if (k === 'type') {
        if (v !== 'object') {
          out.push(
            invalid(
              child(path, 'openAPIV3Schema.type'),
              v,
              'only "object" is allowed as the type at the root of the schema if the status subresource is enabled',
            ),
          );
          break;
        }
        continue;
      }
      if (!ROOT_FIELDS.has(k)) {
        out.push(
          invalid(
            schemaPath,
            schema,
            `only [${ROOT_FIELDS_GO.join(' ')}] fields are allowed at the root of the schema ` +
              'if the status subresource is enabled',
          ),
        );
        break;
      }
    }
  }
  if (schema.nullable)
    out.push(forbidden(child(path, 'openAPIV3Schema.nullable'), 'nullable cannot be true at the root'));
  let cel = false;
  const structural = validateStructural(schema, schemaPath);
  if (structural.length) out.push(...structural);
  else {
    const defaults: StatusCause[] = [];
    validateDefaults(schema, schemaPath, false, true, defaults);
    out.push(...defaults);
    cel = !defaults.length;
  }
  const walk = walkSchema(
    schema,
    schemaPath,
    { allowDefaults: true, disallowDefaultsReason: '', insideResourceMeta: false, cel },
    true,
  );
  out.push(...walk.schema, ...walk.cel);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Names, subresources, printer columns, conversion
// ---------------------------------------------------------------------------------------------------------------

function validateNames(names: CustomResourceDefinitionNames, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const label = (field: string, value: string | undefined) => {
    if (!value) return;
    const errs = isDns1035Label(value);
    if (errs.length) out.push(invalid(child(path, field), value, errs.join(',')));
  };
  const camel = (field: string, value: string | undefined) => {
    if (!value) return;
    const errs = isDns1035Label(value.toLowerCase());
    if (errs.length)
      out.push(
        invalid(child(path, field), value, `may have mixed case, but should otherwise match: ${errs.join(',')}`),
      );
  };
  label('plural', names.plural);
  label('singular', names.singular);
  camel('kind', names.kind);
  camel('listKind', names.listKind);
  (names.shortNames ?? []).forEach((n, i) => {
    const errs = isDns1035Label(n);
    if (errs.length) out.push(invalid(index(child(path, 'shortNames'), i), n, errs.join(',')));
  });
  if (names.kind && names.kind === names.listKind) {
    out.push(invalid(child(path, 'listKind'), names.listKind, 'kind and listKind may not be the same'));
  }
  (names.categories ?? []).forEach((n, i) => {
    const errs = isDns1035Label(n);
    if (errs.length) out.push(invalid(index(child(path, 'categories'), i), n, errs.join(',')));
  });
  return out;
}

/** validateSimpleJSONPath. */
function simpleJsonPath(s: string, path: string): StatusCause[] {
  if (!s) return [invalid(path, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: CustomResourceSubresources | undefined, path: string): StatusCause[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const out: StatusCause[] = [];
  const scalePath = (f: string) => child(path, `scale.${f}`);
  if (!scale.specReplicasPath) out.push(required(scalePath('specReplicasPath')));
  else {
    const errs = simpleJsonPath(scale.specReplicasPath, scalePath('specReplicasPath'));
    if (errs.length) out.push(...errs);
    else if (!scale.specReplicasPath.startsWith('.spec.')) {
      out.push(invalid(scalePath('specReplicasPath'), scale.specReplicasPath, 'should be a json path under .spec'));
    }
  }
  if (!scale.statusReplicasPath) out.push(required(scalePath('statusReplicasPath')));
  else {
    const errs = simpleJsonPath(scale.statusReplicasPath, scalePath('statusReplicasPath'));
    if (errs.length) out.push(...errs);
    else if (!scale.statusReplicasPath.startsWith('.status.')) {
      out.push(
        invalid(scalePath('statusReplicasPath'), scale.statusReplicasPath, 'should be a json path under .status'),
      );
    }
  }
  const selector = scale.labelSelectorPath;
  if (selector) {
    const errs = simpleJsonPath(selector, scalePath('labelSelectorPath'));
    if (errs.length) out.push(...errs);
    else if (!selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
      out.push(
        invalid(scalePath('labelSelectorPath'), selector, 'should be a json path under either .spec or .status'),
      );
    }
  }
  return out;
}

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function validateColumn(col: CustomResourceColumnDefinition, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!col.name) out.push(required(child(path, 'name')));
  if (!col.type) out.push(required(child(path, 'type'), `must be one of ${COLUMN_TYPES.join(',')}`));
  else if (!COLUMN_TYPES.includes(col.type)) {
    out.push(invalid(child(path, 'type'), col.type, `must be one of ${COLUMN_TYPES.join(',')}`));
  }
  if (col.format && !COLUMN_FORMATS.includes(col.format)) {
    out.push(invalid(child(path, 'format'), col.format, `must be one of ${COLUMN_FORMATS.join(',')}`));
  }
  // Upstream names this field by its Go name.
  if (!col.jsonPath) out.push(required(child(path, 'JSONPath')));
  else out.push(...simpleJsonPath(col.jsonPath, child(path, 'JSONPath')));
  return out;
}

function validateDeprecationWarning(deprecated: boolean, warning: string | undefined, path: string): StatusCause[] {
  if (warning === undefined) return [];
  const at = child(path, 'deprecationWarning');
  if (!deprecated) return [invalid(at, warning, 'can only be set for deprecated versions')];
  const out: StatusCause[] = [];
  if (Buffer.byteLength(warning) > 256) out.push(invalid(at, warning, 'must be <= 256 characters long'));
  if (!warning) out.push(invalid(at, warning, 'must not be an empty string'));
  let offset = 0;
  for (const ch of warning) {
    // unicode.IsControl / !unicode.IsPrint, approximated by the Unicode control and unassigned categories.
    if (/\p{Cc}/u.test(ch)) {
      out.push(
        invalid(
          at,
          warning,
          `must only contain printable UTF-8 characters; control character found at index ${offset}`,
        ),
      );
      break;
    }
    if (/[\p{Cf}\p{Cn}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u.test(ch)) {
      out.push(
        invalid(
          at,
          warning,
          `must only contain printable UTF-8 characters; non-printable character found at index ${offset}`,
        ),
      );
      break;
    }
    offset += Buffer.byteLength(ch);
  }
  return out;
}

function validateWebhookUrl(url: string, path: string): StatusCause[] {
  const form = '; desired format: https://host[/path]';
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    return [required(path, `url must be a valid URL: ${(err as Error).message}${form}`)];
  }
  const out: StatusCause[] = [];
  if (u.protocol !== 'https:')
    out.push(invalid(path, u.protocol.replace(/:$/, ''), `'https' is the only allowed URL scheme${form}`));
  if (!u.host) out.push(invalid(path, u.host, `host must be specified${form}`));
  if (u.username || u.password) {
    out.push(
      invalid(
        path,
        u.password ? `${u.username}:${u.password}` : u.username,
        'user information is not permitted in the URL',
      ),
    );
  }
  if (u.hash) out.push(invalid(path, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search) out.push(invalid(path, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return out;
}

function validateConversion(crd: CustomResourceDefinition, path: string): StatusCause[] {
  const conversion = crd.spec.conversion;
  if (!conversion) return [];
  const out: StatusCause[] = [];
  const strategy = conversion.strategy;
  if (!strategy) out.push(required(child(path, 'strategy')));
  else if (strategy !== 'None' && strategy !== 'Webhook')
    out.push(notSupported(child(path, 'strategy'), strategy, ['None', 'Webhook']));
  const webhook = conversion.webhook;
  const config = webhook?.clientConfig;
  const reviewVersions = webhook?.conversionReviewVersions ?? [];
  if (strategy === 'Webhook') {
    const cfgPath = child(path, 'webhookClientConfig');
    if (!config) out.push(required(cfgPath, 'required when strategy is set to Webhook'));
    else if ((config.url === undefined) === (config.service === undefined)) {
      out.push(required(cfgPath, 'exactly one of url or service is required'));
    } else if (config.url !== undefined) out.push(...validateWebhookUrl(config.url, child(cfgPath, 'url')));
    else if (config.service) {
      const svc = config.service;
      const svcPath = child(cfgPath, 'service');
      if (!svc.name) out.push(required(child(svcPath, 'name'), 'service name is required'));
      if (!svc.namespace) out.push(required(child(svcPath, 'namespace'), 'service namespace is required'));
      if (svc.port !== undefined && (svc.port < 1 || svc.port > 65535)) {
        out.push(
          invalid(child(svcPath, 'port'), svc.port, 'port is not valid: must be between 1 and 65535, inclusive'),
        );
      }
      if (svc.path && !svc.path.startsWith('/'))
        out.push(invalid(child(svcPath, 'path'), svc.path, "must start with a '/'"));
    }
    const rvPath = child(path, 'conversionReviewVersions');
    if (!reviewVersions.length) out.push(required(rvPath));
    else {
      const seen = new Set<string>();
      reviewVersions.forEach((v, i) => {
        if (seen.has(v)) {
          out.push(invalid(index(rvPath, i), v, 'duplicate version'));
          return;
        }
        seen.add(v);
        for (const e of isDns1035Label(v)) out.push(invalid(index(rvPath, i), v, e));
      });
      if (!reviewVersions.some((v) => v === 'v1' || v === 'v1beta1')) {
        out.push(invalid(rvPath, reviewVersions, 'must include at least one of v1, v1beta1'));
      }
    }
  } else {
    if (config)
      out.push(forbidden(child(path, 'webhookClientConfig'), 'should not be set when strategy is not set to Webhook'));
    if (reviewVersions.length) {
      out.push(
        forbidden(child(path, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'),
      );
    }
  }
  return out;
}

const APPROVAL = 'api-approved.kubernetes.io';

/** validateAPIApproval: groups under k8s.io and kubernetes.io need the api-approved.kubernetes.io annotation. */
function validateApproval(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): StatusCause[] {
  const group = crd.spec.group ?? '';
  const isProtected = ['k8s.io', 'kubernetes.io'].some((g) => group === g || group.endsWith(`.${g}`));
  if (!isProtected) return [];
  const state = (c: CustomResourceDefinition | undefined) => {
    const a = c?.metadata?.annotations?.[APPROVAL] ?? '';
    if (!a) return 'missing';
    if (a.startsWith('unapproved')) return 'bypassed';
    return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/|^\//.test(a) ? 'approved' : 'invalid';
  };
  const now = state(crd);
  if (old && state(old) === now) return [];
  const path = key('metadata.annotations', APPROVAL);
  const link = 'see https://github.com/kubernetes/enhancements/pull/1111';
  if (now === 'missing')
    return [required(path, `protected groups must have approval annotation "${APPROVAL}", ${link}`)];
  if (now === 'invalid') {
    return [
      invalid(
        path,
        crd.metadata?.annotations?.[APPROVAL],
        `protected groups must have approval annotation "${APPROVAL}" with either a URL or a reason starting with ` +
          `"unapproved", ${link}`,
      ),
    ];
  }
  return [];
}

function schemaHas(s: Schema | undefined, pred: (s: Schema) => boolean): boolean {
  if (!s) return false;
  if (pred(s)) return true;
  const kids: (Schema | undefined)[] = [
    ...(Array.isArray(s.items) ? s.items : [s.items]),
    ...(s.allOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
    s.not,
    ...Object.values(s.properties ?? {}),
    additionalOf(s),
  ];
  return kids.some((k) => schemaHas(k, pred));
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes: what decoding into the Go types guarantees upstream (a string where a string belongs, …)
// ---------------------------------------------------------------------------------------------------------------

type Shape =
  | 'string'
  | 'boolean'
  | 'number'
  | 'integer'
  | 'any'
  | { object: Record<string, Shape> }
  | { array: Shape }
  | { map: Shape }
  | ((v: unknown, path: string, out: StatusCause[]) => void);

const SHAPE_NAMES: Record<string, string> = {
  string: 'string',
  boolean: 'boolean',
  number: 'number',
  integer: 'integer',
};

const wrongType = (path: string, v: unknown, expected: string) =>
  typeInvalid(path, jsonType(v), `must be of type ${expected}`);

function checkShape(v: unknown, shape: Shape, path: string, out: StatusCause[]) {
  if (v === undefined || v === null || shape === 'any') return;
  if (typeof shape === 'function') return shape(v, path, out);
  if (typeof shape === 'string') {
    const ok =
      shape === 'integer' ? Number.isInteger(v) : shape === 'number' ? typeof v === 'number' : typeof v === shape;
    if (!ok) out.push(wrongType(path, v, SHAPE_NAMES[shape]));
    return;
  }
  if ('array' in shape) {
    if (!Array.isArray(v)) out.push(wrongType(path, v, 'array'));
    else v.forEach((x, i) => checkShape(x, shape.array, index(path, i), out));
    return;
  }
  if (!isObject(v)) {
    out.push(wrongType(path, v, 'object'));
    return;
  }
  if ('map' in shape) {
    for (const [k, x] of Object.entries(v)) checkShape(x, shape.map, key(path, k), out);
    return;
  }
  for (const [k, s] of Object.entries(shape.object)) if (hasOwn(v, k)) checkShape(v[k], s, child(path, k), out);
}

const STRINGS = { array: 'string' } as const;

const RULE_SHAPE: Shape = {
  object: {
    rule: 'string',
    message: 'string',
    messageExpression: 'string',
    reason: 'string',
    fieldPath: 'string',
    optionalOldSelf: 'boolean',
  },
};

/** JSONSchemaProps, recursively. */
function schemaShape(v: unknown, path: string, out: StatusCause[]) {
  checkShape(v, SCHEMA_SHAPE, path, out);
}
const schemaOrBool: Shape = (v, path, out) => {
  if (typeof v !== 'boolean') schemaShape(v, path, out);
};
const schemaOrArray: Shape = (v, path, out) =>
  checkShape(v, Array.isArray(v) ? { array: schemaShape } : schemaShape, path, out);
const schemaOrStrings: Shape = (v, path, out) => checkShape(v, Array.isArray(v) ? STRINGS : schemaShape, path, out);

const SCHEMA_SHAPE: Shape = {
  object: {
    id: 'string',
    $schema: 'string',
    $ref: 'string',
    description: 'string',
    type: 'string',
    format: 'string',
    title: 'string',
    maximum: 'number',
    exclusiveMaximum: 'boolean',
    minimum: 'number',
    exclusiveMinimum: 'boolean',
    maxLength: 'integer',
    minLength: 'integer',
    pattern: 'string',
    maxItems: 'integer',
    minItems: 'integer',
    uniqueItems: 'boolean',
    multipleOf: 'number',
    enum: { array: 'any' },
    maxProperties: 'integer',
    minProperties: 'integer',
    required: STRINGS,
    items: schemaOrArray,
    allOf: { array: schemaShape },
    oneOf: { array: schemaShape },
    anyOf: { array: schemaShape },
    not: schemaShape,
    properties: { map: schemaShape },
    additionalProperties: schemaOrBool,
    patternProperties: { map: schemaShape },
    dependencies: { map: schemaOrStrings },
    additionalItems: schemaOrBool,
    definitions: { map: schemaShape },
    externalDocs: { object: { description: 'string', url: 'string' } },
    nullable: 'boolean',
    'x-kubernetes-preserve-unknown-fields': 'boolean',
    'x-kubernetes-embedded-resource': 'boolean',
    'x-kubernetes-int-or-string': 'boolean',
    'x-kubernetes-list-map-keys': STRINGS,
    'x-kubernetes-list-type': 'string',
    'x-kubernetes-map-type': 'string',
    'x-kubernetes-validations': { array: RULE_SHAPE },
  },
};

const NAMES_SHAPE: Shape = {
  object: {
    plural: 'string',
    singular: 'string',
    kind: 'string',
    listKind: 'string',
    shortNames: STRINGS,
    categories: STRINGS,
  },
};

const CRD_SHAPE: Shape = {
  object: {
    metadata: { object: { name: 'string', generateName: 'string', annotations: { map: 'string' } } },
    spec: {
      object: {
        group: 'string',
        scope: 'string',
        preserveUnknownFields: 'boolean',
        names: NAMES_SHAPE,
        versions: {
          array: {
            object: {
              name: 'string',
              served: 'boolean',
              storage: 'boolean',
              deprecated: 'boolean',
              deprecationWarning: 'string',
              schema: { object: { openAPIV3Schema: schemaShape } },
              subresources: {
                object: {
                  status: { object: {} },
                  scale: {
                    object: { specReplicasPath: 'string', statusReplicasPath: 'string', labelSelectorPath: 'string' },
                  },
                },
              },
              additionalPrinterColumns: {
                array: {
                  object: {
                    name: 'string',
                    type: 'string',
                    format: 'string',
                    description: 'string',
                    priority: 'integer',
                    jsonPath: 'string',
                  },
                },
              },
            },
          },
        },
        conversion: {
          object: {
            strategy: 'string',
            webhook: {
              object: {
                conversionReviewVersions: STRINGS,
                clientConfig: {
                  object: {
                    url: 'string',
                    caBundle: 'string',
                    service: { object: { namespace: 'string', name: 'string', path: 'string', port: 'integer' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    status: {
      object: {
        storedVersions: STRINGS,
        conditions: { array: { object: { type: 'string', status: 'string' } } },
        acceptedNames: NAMES_SHAPE,
      },
    },
  },
};

/**
 * Values of the wrong JSON type, which upstream rejects while decoding (before validation). Checked first, so the
 * rest of the validation can rely on the shapes the types declare.
 */
function shapeErrors(crd: unknown): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isObject(crd)) return [wrongType('', crd, 'object')];
  checkShape(crd, CRD_SHAPE, '', out);
  if (!out.length && !isObject(crd.spec)) out.push(required('spec'));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The CRD
// ---------------------------------------------------------------------------------------------------------------

const isEstablished = (crd: CustomResourceDefinition | undefined) =>
  !!crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');

/**
 * Validates a CustomResourceDefinition (apiextensions.k8s.io/v1) as kube-apiserver does on create — or on update,
 * when the stored object is given (group and plural are then immutable, and scope and kind too once Established).
 * Values of the wrong JSON type are reported first, alone (upstream fails to decode such an object). The v1
 * defaults are then applied (see {@link withCrdDefaults}), as decoding applies them before validation.
 * Returns the causes; an empty list means valid.
 */
export function validateCrd(input: CustomResourceDefinition, old?: CustomResourceDefinition): StatusCause[] {
  const shape = shapeErrors(input);
  if (shape.length) return shape;
  const crd = withCrdDefaults(input);
  const out: StatusCause[] = [];
  const { spec } = crd;
  const names = spec.names;

  // metadata.name (ValidateObjectMeta with the CRD's name function)
  const name = crd.metadata?.name ?? '';
  if (!name && !crd.metadata?.generateName) out.push(required('metadata.name', 'name or generateName is required'));
  else if (name) {
    for (const e of isDns1123Subdomain(name)) out.push(invalid('metadata.name', name, e));
    if (name !== `${names?.plural ?? ''}.${spec.group ?? ''}`) {
      out.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
    }
  }

  // spec.group and spec.scope
  if (!spec.group) out.push(required('spec.group'));
  else {
    const errs = isDns1123Subdomain(spec.group);
    if (errs.length) out.push(invalid('spec.group', spec.group, errs.join(',')));
    else if (spec.group.split('.').length < 2)
      out.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) out.push(required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') {
    out.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  }

  // Schemas are required for every version (v1 always prunes, so it always needs them).
  const versions = spec.versions ?? [];
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) {
      out.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    }
  });
  const schemas = versions.map((v) => v.schema?.openAPIV3Schema as Schema | undefined);
  if (spec.preserveUnknownFields === true && schemas.some((s) => schemaHas(s, (n) => n.default !== undefined))) {
    out.push(invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  }

  // versions
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const path = `spec.versions[${i}]`;
    if (v.storage) storage++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const errs = isDns1035Label(v.name ?? '');
    if (errs.length) out.push(invalid(child(path, 'name'), v.name ?? '', errs.join(',')));
    out.push(...validateDeprecationWarning(!!v.deprecated, v.deprecationWarning, path));
    if (schemas[i])
      out.push(...validateVersionSchema(schemas[i] as Schema, !!v.subresources?.status, child(path, 'schema')));
    out.push(...validateSubresources(v.subresources, child(path, 'subresources')));
    (v.additionalPrinterColumns ?? []).forEach((c, j) =>
      out.push(...validateColumn(c, index(child(path, 'additionalPrinterColumns'), j))),
    );
  });
  if (!unique) out.push(invalid('spec.versions', versions, 'must contain unique version names'));
  if (storage !== 1)
    out.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));

  // names
  if (!names?.plural) out.push(required('spec.names.plural'));
  if (!names?.singular) out.push(required('spec.names.singular'));
  if (!names?.kind) out.push(required('spec.names.kind'));
  if (!names?.listKind) out.push(required('spec.names.listKind'));
  if (names) out.push(...validateNames(names, 'spec.names'));

  if (spec.conversion && spec.conversion.strategy !== 'None' && spec.preserveUnknownFields === true) {
    out.push(
      invalid(
        'spec.conversion.strategy',
        spec.conversion.strategy,
        'must be None if spec.preserveUnknownFields is true',
      ),
    );
  }
  out.push(...validateConversion(crd, 'spec.conversion'));

  // update-only: immutable fields
  if (old) {
    const immutable = (path: string, now: unknown, before: unknown) => {
      if (!jsonEqual(now, before)) out.push(invalid(path, now, 'field is immutable'));
    };
    if (isEstablished(old)) {
      immutable('spec.scope', spec.scope, old.spec.scope);
      immutable('spec.names.kind', names?.kind, old.spec.names?.kind);
    }
    immutable('spec.group', spec.group, old.spec.group);
    immutable('spec.names.plural', names?.plural, old.spec.names?.plural);
  }

  out.push(...validateApproval(crd, old));
  if (spec.preserveUnknownFields === true && !old?.spec.preserveUnknownFields) {
    out.push(
      invalid(
        'spec.preserveUnknownFields',
        true,
        'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
      ),
    );
  }
  return out;
}
