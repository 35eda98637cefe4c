// Kubernetes' field errors (k8s.io/apimachinery/pkg/util/validation/field) as StatusCauses: `reason` is the error
// type (FieldValueInvalid, …), `field` the path and `message` what field.Error's ErrorBody() prints, so a client sees
// the text kube-apiserver would send — `Invalid value: 11: spec.replicas in body should be less than or equal to 10`.
// Values print the way Go's fmt does (%q strings, %v numbers, %#v maps and slices), since that is how the upstream
// messages render them.

import type { StatusCause } from '../../apimachinery/errors.ts';
import { isObject } from './types.ts';

/** Marks a cause whose value is left out of the message (field.TooMany with an unknown count). */
const OMIT = Symbol('omit');

type ErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError';

const TYPE_TEXT: Record<ErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
};

// Types whose ErrorBody never shows the value (field.Error.ErrorBody in apimachinery).
const VALUELESS = new Set<ErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

function cause(type: ErrorType, field: string, value: unknown, detail: string): StatusCause {
  let body = TYPE_TEXT[type];
  if (!VALUELESS.has(type) && value !== OMIT) body += `: ${goValue(value)}`;
  if (detail) body += `: ${detail}`;
  return field ? { reason: type, message: body, field } : { reason: type, message: body };
}

export const required = (field: string, detail = ''): StatusCause => cause('FieldValueRequired', field, OMIT, detail);
export const invalid = (field: string, value: unknown, detail: string): StatusCause =>
  cause('FieldValueInvalid', field, value, detail);
export const typeInvalid = (field: string, value: unknown, detail: string): StatusCause =>
  cause('FieldValueTypeInvalid', field, value, detail);
export const duplicate = (field: string, value: unknown): StatusCause => cause('FieldValueDuplicate', field, value, '');
export const forbidden = (field: string, detail: string): StatusCause =>
  cause('FieldValueForbidden', field, OMIT, detail);
export const internalError = (field: string, detail: string): StatusCause =>
  cause('InternalError', field, OMIT, detail);

/** field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): StatusCause {
  const detail = supported.length ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return cause('FieldValueNotSupported', field, value, detail);
}

/** field.TooLongMaxLength, as apiextensions reports maxLength (the wording of the Kubernetes release served here). */
export const tooLong = (field: string, value: unknown, max: number): StatusCause =>
  cause('FieldValueTooLong', field, value, max >= 0 ? `may not be longer than ${max}` : 'value is too long');

/** field.TooMany: maxItems and maxProperties. */
export const tooMany = (field: string, actual: number, max: number): StatusCause =>
  cause(
    'FieldValueTooMany',
    field,
    actual >= 0 ? actual : OMIT,
    max >= 0 ? `must have at most ${max} items` : 'has too many items',
  );

/**
 * The cause of any kind built from a reason name, for x-kubernetes-validations' `reason` (whose Duplicate form keeps
 * only the value, as upstream's fieldErrorForReason does).
 */
export function causeForReason(reason: string | undefined, field: string, value: unknown, detail: string): StatusCause {
  switch (reason) {
    case 'FieldValueForbidden':
      return forbidden(field, detail);
    case 'FieldValueRequired':
      return required(field, detail);
    case 'FieldValueDuplicate':
      return duplicate(field, value);
    default:
      return invalid(field, value, detail);
  }
}

/**
 * Go's %v of a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e6 up, so a schema's
 * `maximum: 1000000` prints as 1e+06 exactly as the upstream message does.
 */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, exp] = n.toExponential().split('e');
  const x = Number(exp);
  if (x < -4 || x >= 6) return `${mantissa}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  return String(n);
}

/**
 * A decoded JSON number as Go prints it: Kubernetes decodes integral JSON numbers to int64 (plain digits) and the
 * rest to float64. JSON `3.0` reaches JavaScript as 3, so it prints as an integer here.
 */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return goFloat(n);
}

/** fmt's %#v of a value nested in a map or slice. */
function goSharp(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  return goValue(v);
}

/** A value already rendered the way Go prints it (a Go struct such as apiextensions.ValidationRule{…}). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/**
 * The value part of a field error: %q for strings, %v for numbers and booleans, %#v for maps and slices. A nil value
 * prints as "null" in quotes: field.Error substitutes the string "null" for it before quoting.
 */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (v instanceof GoLiteral) return v.text;
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return goNumber(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return String(v);
    default:
      break;
  }
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharp).join(', ')}}`;
  if (isObject(v)) {
    const entries = Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goSharp(v[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return String(v);
}

/** The "data type" kube-openapi names in type errors: integer for integral numbers, as Go's decoder yields int64. */
export function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'bigint':
      return 'integer';
    default:
      return 'object';
  }
}
