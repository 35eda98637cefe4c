// The shapes the CustomResourceDefinition code reads. The generated JSONSchemaProps cannot be used as is: its
// `x-kubernetes-validations` came out as `undefined[]` (the generator does not know ValidationRule), so the CRD code
// reads schemas through this interface, which names every field apiextensions.k8s.io/v1 defines.

import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../../apimachinery/generated/kinds.ts';

/** apiextensions.k8s.io/v1 ValidationRule: one `x-kubernetes-validations` entry. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  /** FieldValueInvalid (the default), FieldValueForbidden, FieldValueRequired or FieldValueDuplicate. */
  reason?: string;
  /** Where a failure is reported, relative to the node the rule sits on: `.spec.replicas`, `['a.b']`. */
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** apiextensions.k8s.io/v1 JSONSchemaProps, as a CRD version's openAPIV3Schema holds it. */
export interface Schema {
  id?: string;
  $schema?: string;
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  title?: string;
  default?: unknown;
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  enum?: unknown[];
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  items?: Schema | Schema[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  not?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  patternProperties?: Record<string, Schema>;
  dependencies?: Record<string, Schema | string[]>;
  additionalItems?: Schema | boolean;
  definitions?: Record<string, Schema>;
  externalDocs?: { description?: string; url?: string };
  example?: unknown;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
}

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single items schema of an array node (an items array is not structural; CRD validation rejects it). */
export const itemsOf = (s: Schema | undefined): Schema | undefined =>
  s?.items && !Array.isArray(s.items) ? s.items : undefined;

/** The additionalProperties schema of a map node; `true`/`false` carry no schema. */
export const additionalOf = (s: Schema | undefined): Schema | undefined =>
  s && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;

export const preservesUnknown = (s: Schema | undefined): boolean =>
  s?.['x-kubernetes-preserve-unknown-fields'] === true;
export const embedded = (s: Schema | undefined): boolean => s?.['x-kubernetes-embedded-resource'] === true;

/** A CRD version by name. */
export function crdVersion(
  crd: CustomResourceDefinition,
  version: string,
): CustomResourceDefinitionVersion | undefined {
  return crd.spec.versions.find((v) => v.name === version);
}

/** The openAPIV3Schema of one version, read through {@link Schema} (see the file comment for why the cast). */
export function schemaForVersion(crd: CustomResourceDefinition, version: string): Schema | undefined {
  return crdVersion(crd, version)?.schema?.openAPIV3Schema as Schema | undefined;
}

/** Field path helpers spelled like k8s.io/apimachinery's field.Path: Child `a.b`, Index `a[0]`, Key `a[k]`. */
export const child = (base: string, name: string): string => (base ? `${base}.${name}` : name);
export const index = (base: string, i: number): string => `${base}[${i}]`;
export const key = (base: string, k: string): string => `${base}[${k}]`;

/** JSON deep equality (key order ignored), the comparison Kubernetes' DeepEqual makes on decoded JSON. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
