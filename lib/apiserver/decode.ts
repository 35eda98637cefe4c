import { ApiError, badRequest } from '../apimachinery/errors.ts';
import type { ResourceType } from '../apimachinery/registry.ts';
import type { ApiResponse } from '../apimachinery/json-response.ts';
import { allSchemas, definitionName, type SchemaObject } from '../apimachinery/schema.ts';
import { unknownFieldWarnings, type FieldValidation } from './crd/structural.ts';

// Decoding a request body into a built-in kind the way kube-apiserver's JSON decoder does (Go's encoding/json
// through sigs.k8s.io/json), driven by the kind's generated schema: a value of the wrong JSON type is a 400
// ("Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field
// PodSpec.spec.containers of type []v1.Container"), and fields the kind does not define are dropped and reported
// as the fieldValidation parameter asks (Strict: 400, Warn: a warning each, Ignore: nothing).
//
// The 1.27 schemas describe a few Go types loosely, and the decoder follows Go rather than the schema there:
// IntOrString is `type: string, format: int-or-string` (a string or an integer), Quantity is `type: string` (a
// string or a number), Time is a string, and a schema without properties (RawExtension, FieldsV1, JSON) holds
// anything. A null is always accepted (Go leaves the field at its zero value).

export type { FieldValidation } from './crd/structural.ts';

export const FIELD_VALIDATIONS: readonly FieldValidation[] = ['Strict', 'Warn', 'Ignore'];

/** What the decoder is told about the request: how to treat unknown fields, and where warnings go. */
export interface DecodeOptions {
  /** Warn when absent, as kube-apiserver (kubectl sends Strict). */
  fieldValidation?: FieldValidation;
  /** Receives each warning (`unknown field "spec.foo"`), sent back as a `Warning: 299` header. */
  warn?: (message: string) => void;
}

type Decoder =
  | { kind: 'any' }
  | { kind: 'string'; go: string }
  /** metav1.Time and MicroTime: an RFC 3339 string. */
  | { kind: 'time'; go: string }
  /** []byte: a base64 string (StdEncoding). */
  | { kind: 'bytes' }
  | { kind: 'int-or-string' }
  | { kind: 'quantity' }
  | { kind: 'integer'; go: string; bits: 32 | 64 }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'array'; go: string; items: () => Decoder }
  | { kind: 'map'; go: string; values: () => Decoder }
  | { kind: 'struct'; go: string; struct: string; fields: Map<string, () => Decoder> };

const REF_PREFIX = '#/components/schemas/';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const ANY: Decoder = { kind: 'any' };

/** `io.k8s.api.core.v1.Container` → `v1.Container`, as Go prints a named type. */
const goName = (definition: string) => definition.split('.').slice(-2).join('.');

const byDefinition = new Map<string, Decoder>();
const inline = new WeakMap<SchemaObject, Decoder>();

/** The target of a `$ref` or of upstream's single-element `allOf` wrapper, by definition name. */
function referenced(node: SchemaObject): string | undefined {
  const ref =
    node.$ref ?? (node.allOf?.length === 1 && !node.properties && !node.type ? node.allOf[0].$ref : undefined);
  return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

function decoderFor(node: SchemaObject | undefined): Decoder {
  if (!node) return ANY;
  const name = referenced(node);
  if (name !== undefined) return definitionDecoder(name);
  let decoder = inline.get(node);
  if (!decoder) inline.set(node, (decoder = compile(node, undefined)));
  return decoder;
}

function definitionDecoder(name: string): Decoder {
  let decoder = byDefinition.get(name);
  if (decoder) return decoder;
  const schemas = allSchemas();
  // A dangling reference (the generator's ValidationRule, for one) holds anything.
  decoder = Object.hasOwn(schemas, name) ? compile(schemas[name], name) : ANY;
  byDefinition.set(name, decoder);
  return decoder;
}

function compile(node: SchemaObject, definition: string | undefined): Decoder {
  if (definition === QUANTITY) return { kind: 'quantity' };
  if (definition === INT_OR_STRING || node.format === 'int-or-string' || node['x-kubernetes-int-or-string'])
    return { kind: 'int-or-string' };
  switch (node.type) {
    case 'string':
      if (node.format === 'date-time') return { kind: 'time', go: definition ? goName(definition) : 'v1.Time' };
      if (node.format === 'byte') return { kind: 'bytes' };
      return { kind: 'string', go: definition ? goName(definition) : 'string' };
    case 'integer':
      return node.format === 'int32'
        ? { kind: 'integer', go: 'int32', bits: 32 }
        : { kind: 'integer', go: 'int64', bits: 64 };
    case 'number':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'array': {
      const items = node.items;
      const element = items ? typeName(items) : 'interface {}';
      return { kind: 'array', go: `[]${element}`, items: () => decoderFor(items) };
    }
    case 'object': {
      if (node['x-kubernetes-preserve-unknown-fields']) return ANY;
      const extra = node.additionalProperties;
      if (!node.properties && typeof extra === 'object') {
        return { kind: 'map', go: `map[string]${typeName(extra)}`, values: () => decoderFor(extra) };
      }
      // RawExtension, FieldsV1, an empty struct: anything goes.
      if (!node.properties) return ANY;
      const fields = new Map<string, () => Decoder>();
      for (const [field, schema] of Object.entries(node.properties)) {
        let compiled: Decoder | undefined;
        fields.set(field, () => (compiled ??= decoderFor(schema)));
      }
      const go = definition ? goName(definition) : 'struct';
      return { kind: 'struct', go, struct: go.split('.').pop() as string, fields };
    }
    default:
      return ANY;
  }
}

/** How Go names the type a schema node decodes into. */
function typeName(node: SchemaObject): string {
  const name = referenced(node);
  if (name === QUANTITY) return 'resource.Quantity';
  if (name !== undefined) {
    const target = allSchemas()[name];
    if (target && target.type === 'object' && (target.properties || !target.additionalProperties)) return goName(name);
    return target ? typeName(target) : goName(name);
  }
  switch (node.type) {
    case 'string':
      return node.format === 'int-or-string' ? 'intstr.IntOrString' : 'string';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${node.items ? typeName(node.items) : 'interface {}'}`;
    case 'object':
      return typeof node.additionalProperties === 'object'
        ? `map[string]${typeName(node.additionalProperties)}`
        : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/** A value of the wrong type: what Go's UnmarshalTypeError says, and the field's path with its indices. */
class DecodeFailure {
  constructor(
    readonly value: string,
    readonly struct: string,
    readonly goPath: string,
    readonly go: string,
    readonly field: string,
    /** The unmarshaler's own words (a Time or []byte that does not parse), instead of Go's type mismatch. */
    readonly message?: string,
  ) {}
}

/** Go's name for the JSON value it failed to decode ("number 1.5" when the number itself does not fit). */
function jsonValueName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Walk {
  /** The innermost Go struct around the value, and the JSON path (without indices) Go's error names. */
  struct: string;
  goPath: string;
  unknown: string[];
}

// No closures are made per value: this runs on every write, and tsx (which runs the server) names each function it
// creates, which costs more than the walk itself.
function walk(value: unknown, d: Decoder, path: string, ctx: Walk): void {
  if (value === null || value === undefined) return;
  switch (d.kind) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') throw failure(value, d, path, ctx);
      return;
    case 'time': {
      if (typeof value !== 'string') throw failure(value, d, path, ctx);
      const problem = timeProblem(value);
      if (problem) throw failure(value, d, path, ctx, undefined, problem);
      return;
    }
    case 'bytes': {
      if (typeof value !== 'string') throw failure(value, d, path, ctx);
      const at = base64Problem(value);
      if (at !== undefined) throw failure(value, d, path, ctx, undefined, `illegal base64 data at input byte ${at}`);
      return;
    }
    case 'quantity':
      if (typeof value !== 'string' && typeof value !== 'number') throw failure(value, d, path, ctx);
      return;
    case 'int-or-string':
      if (typeof value === 'string') return;
      if (typeof value !== 'number') throw failure(value, d, path, ctx);
      if (!Number.isInteger(value) || value >= 2 ** 31 || value < -(2 ** 31))
        throw failure(value, d, path, ctx, `number ${String(value)}`);
      return;
    case 'integer': {
      if (typeof value !== 'number') throw failure(value, d, path, ctx);
      const limit = d.bits === 32 ? 2 ** 31 : 2 ** 63;
      if (!Number.isInteger(value) || value >= limit || value < -limit)
        throw failure(value, d, path, ctx, `number ${String(value)}`);
      return;
    }
    case 'number':
      if (typeof value !== 'number') throw failure(value, d, path, ctx);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw failure(value, d, path, ctx);
      return;
    case 'array': {
      if (!Array.isArray(value)) throw failure(value, d, path, ctx);
      const items = d.items();
      for (let i = 0; i < value.length; i++) walk(value[i], items, `${path}[${i}]`, ctx);
      return;
    }
    case 'map': {
      if (!isRecord(value)) throw failure(value, d, path, ctx);
      const values = d.values();
      for (const k of Object.keys(value)) walk(value[k], values, `${path}[${k}]`, ctx);
      return;
    }
    case 'struct': {
      if (!isRecord(value)) throw failure(value, d, path, ctx);
      const outerStruct = ctx.struct;
      const outerPath = ctx.goPath;
      for (const k of Object.keys(value)) {
        const field = d.fields.get(k);
        const fieldPath = path ? `${path}.${k}` : k;
        if (!field) {
          ctx.unknown.push(fieldPath);
          delete value[k];
          continue;
        }
        const v = value[k];
        if (v === null || v === undefined) continue;
        ctx.struct = d.struct;
        ctx.goPath = outerPath ? `${outerPath}.${k}` : k;
        walk(v, field(), fieldPath, ctx);
        ctx.struct = outerStruct;
        ctx.goPath = outerPath;
      }
      return;
    }
  }
}

/**
 * What Go's decoder reports for `value`, which `d` cannot hold: its JSON type, the struct field, the Go type — or,
 * from a type's own unmarshaler (Time, []byte), that unmarshaler's `message`.
 */
function failure(
  value: unknown,
  d: Decoder,
  path: string,
  ctx: Walk,
  name = jsonValueName(value),
  message?: string,
): DecodeFailure {
  return new DecodeFailure(name, ctx.struct, ctx.goPath, goTypeOf(d), path, message);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;
const GO_RFC3339 = '"2006-01-02T15:04:05Z07:00"';

/** Why Go's time.Parse(time.RFC3339, …) refuses `text` (as metav1.Time's unmarshaler reports it), or undefined. */
function timeProblem(text: string): string | undefined {
  const quoted = JSON.stringify(text);
  const m = RFC3339.exec(text);
  if (!m) return `parsing time ${quoted} as ${GO_RFC3339}: cannot parse ${quoted} as an RFC 3339 time`;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const range = (what: string) => `parsing time ${quoted}: ${what} out of range`;
  if (month < 1 || month > 12) return range('month');
  if (day < 1 || day > days) return range('day');
  if (hour > 23) return range('hour');
  if (minute > 59) return range('minute');
  if (second > 59) return range('second');
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return range('time zone offset');
  return undefined;
}

const BASE64_CHAR = /[A-Za-z0-9+/]/;

/** Where Go's base64.StdEncoding refuses `text` (it skips \r and \n), or undefined when it decodes. */
function base64Problem(text: string): number | undefined {
  let data = 0; // characters of the current quantum
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' || c === '\n') continue;
    if (c === '=') {
      // Padding only completes a quantum of two or three characters, and nothing but padding follows it.
      if (data + padding < 2) return i;
      padding++;
      if (data + padding > 4) return i;
      continue;
    }
    if (padding || !BASE64_CHAR.test(c)) return i;
    data = (data + 1) % 4;
  }
  if ((data + padding) % 4 !== 0) return text.length - ((data + padding) % 4);
  return undefined;
}

function goTypeOf(d: Decoder): string {
  switch (d.kind) {
    case 'any':
      return 'interface {}';
    case 'string':
    case 'time':
    case 'integer':
    case 'array':
    case 'map':
    case 'struct':
      return d.go;
    case 'bytes':
      return '[]uint8';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
  }
}

/** The decoder of a served built-in kind, or undefined (a custom resource, or a kind without a schema). */
function kindDecoder(t: ResourceType): Decoder | undefined {
  if (t.crd) return undefined;
  const name = definitionName(t.group, t.version, t.kind);
  return name === undefined ? undefined : definitionDecoder(name);
}

/**
 * Decodes `obj` (a request body, already a copy: unknown fields are deleted from it in place) as `t`'s kind.
 * Throws the 400 kube-apiserver answers for a value of the wrong type, or for unknown fields under Strict; under
 * Warn, hands each unknown field to `options.warn`. `prefix` names where `obj` sits when it is part of an object
 * (`status` for a status write), for the paths in the messages.
 */
export function decodeBuiltin(t: ResourceType, obj: Record<string, unknown>, options: DecodeOptions = {}): void {
  const decoder = kindDecoder(t);
  if (!decoder) return;
  const ctx: Walk = { struct: t.kind, goPath: '', unknown: [] };
  try {
    walk(obj, decoder, '', ctx);
  } catch (err) {
    throw typeError(t, err);
  }
  reportUnknown(t, ctx.unknown, options);
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * Decodes a custom resource's `metadata` as ObjectMeta (its other fields are unstructured): a value of the wrong
 * type is the 400, unknown fields are deleted and returned (`metadata.foo`) for the caller to report with the
 * fields pruning finds.
 */
export function decodeMetadata(t: ResourceType, obj: Record<string, unknown>): string[] {
  const ctx: Walk = { struct: t.kind, goPath: 'metadata', unknown: [] };
  try {
    walk(obj.metadata, definitionDecoder(OBJECT_META), 'metadata', ctx);
  } catch (err) {
    throw typeError(t, err);
  }
  return ctx.unknown;
}

function typeError(t: ResourceType, err: unknown): unknown {
  if (!(err instanceof DecodeFailure)) return err;
  const where = err.goPath ? `Go struct field ${err.struct}.${err.goPath}` : 'Go value';
  return badRequest(
    cannotHandle(t) + (err.message ?? `json: cannot unmarshal ${err.value} into ${where} of type ${err.go}`),
    err.field
      ? [
          err.message
            ? { reason: 'FieldValueInvalid', message: err.message, field: err.field }
            : {
                reason: 'FieldValueTypeInvalid',
                message: `Invalid value: ${err.value}: expected ${err.go}`,
                field: err.field,
              },
        ]
      : undefined,
  );
}

/** `Pod in version "v1" cannot be handled as a Pod: ` */
export function cannotHandle(t: ResourceType): string {
  return `${t.kind} in version ${JSON.stringify(t.version)} cannot be handled as a ${t.kind}: `;
}

/** Unknown fields as fieldValidation asks: Strict throws the 400, Warn hands each to `warn`, Ignore drops them. */
export function reportUnknown(t: ResourceType, unknown: string[], options: DecodeOptions): void {
  const warnings = unknownFieldWarnings(unknown, options.fieldValidation ?? 'Warn', {
    kind: t.kind,
    version: t.version,
  });
  if (options.warn) for (const w of warnings) options.warn(w);
}

/**
 * The fieldValidation query parameter; another value is the 422 kube-apiserver answers
 * (`CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: …`).
 */
export function fieldValidationParam(
  value: string | null,
  options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
): FieldValidation | undefined {
  if (value === null || value === '') return undefined;
  const match = FIELD_VALIDATIONS.find((v) => v === value);
  if (match) return match;
  const message = `Unsupported value: ${JSON.stringify(value)}: supported values: "Ignore", "Strict", "Warn"`;
  throw new ApiError(422, 'Invalid', `${options}.meta.k8s.io "" is invalid: fieldValidation: ${message}`, {
    kind: `${options}.meta.k8s.io`,
    causes: [{ reason: 'FieldValueNotSupported', message, field: 'fieldValidation' }],
  });
}

/**
 * What a write request needs for decoding (its fieldValidation parameter, and a sink for warnings), and how its
 * response then carries the warnings: `Warning: 299 - "unknown field \"spec.foo\""`, as kube-apiserver sends them.
 */
export function decodingFor(url: URL, options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions') {
  const warnings: string[] = [];
  return {
    options: {
      fieldValidation: fieldValidationParam(url.searchParams.get('fieldValidation'), options),
      warn: (message: string) => void warnings.push(message),
    } satisfies DecodeOptions,
    respond<R extends ApiResponse>(response: R): R {
      for (const w of warnings) response.headers.append('Warning', `299 - ${JSON.stringify(w)}`);
      return response;
    },
  };
}
