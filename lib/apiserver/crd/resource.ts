// What the object API does differently for custom resources and for the CustomResourceDefinition kind itself,
// following kube-apiserver's customresource and customresourcedefinition registry strategies: custom resources are
// decoded by pruning against their version's structural schema (unknown fields reported as fieldValidation asks),
// defaulted, validated with the schema (and CEL rules, and the scale paths), and stored at the CRD's storage
// version (served at every version: conversion strategy None rewrites only apiVersion).

import { ApiError, type StatusCause } from '../../apimachinery/errors.ts';
import type { CustomResourceDefinition } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import type { ResourceType } from '../../apimachinery/registry.ts';
import { decodeMetadata, reportUnknown, type DecodeOptions } from '../decode.ts';
import {
  applyDefaults,
  prune,
  scaleFrom,
  schemaForVersion,
  validate,
  validateScale,
  withScale,
  type Scale,
} from './structural.ts';
import { crdVersion, isObject, jsonEqual, type JsonObject } from './types.ts';
import { withCrdDefaults } from './validate-crd.ts';

/** The finalizer a CustomResourceDefinition carries until every object of its type is deleted. */
export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

const crdOf = (t: ResourceType): CustomResourceDefinition => t.crd as CustomResourceDefinition;

/**
 * Decodes a custom resource in place, as kube-apiserver's unstructured decoder does: metadata is read as ObjectMeta,
 * fields the version's schema does not specify are pruned and reported (Strict: the 400; Warn: a warning each),
 * then the schema's defaults are applied.
 */
export function decodeCustomResource(t: ResourceType, obj: JsonObject, options: DecodeOptions = {}): void {
  const schema = schemaForVersion(crdOf(t), t.version);
  const unknown = decodeMetadata(t, obj);
  unknown.push(...prune(obj, schema));
  reportUnknown(t, unknown, options);
  applyDefaults(obj, schema);
}

/** A status write's status, decoded like the rest of the object (pruned and defaulted under `status`). */
export function decodeCustomResourceStatus(t: ResourceType, status: unknown, options: DecodeOptions = {}): unknown {
  const schema = schemaForVersion(crdOf(t), t.version);
  const holder: JsonObject = { status };
  const unknown = prune(holder, schema, { isResourceRoot: false });
  reportUnknown(
    t,
    unknown.filter((path) => path.startsWith('status')),
    options,
  );
  applyDefaults(holder, schema);
  return holder.status;
}

/** Refuses new objects of a type whose CRD is being deleted, as kube-apiserver does. */
export function checkCreatable(t: ResourceType): void {
  if (crdOf(t).metadata?.deletionTimestamp)
    throw new ApiError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating');
}

/** The schema's causes (value validations, list types, CEL rules with the old object on update) and the scale paths'. */
export function customResourceCauses(
  t: ResourceType,
  obj: JsonObject,
  old?: JsonObject,
  subresource?: string,
): StatusCause[] {
  const crd = crdOf(t);
  const causes = validate(obj, schemaForVersion(crd, t.version), old ? { oldObject: old } : {});
  const scale = crdVersion(crd, t.version)?.subresources?.scale;
  if (scale) causes.push(...validateScale(obj, scale, subresource === 'status' ? 'status' : 'spec'));
  return causes;
}

/**
 * Whether a main-resource write changes more than metadata (and the status, with a status subresource): what
 * bumps a custom resource's metadata.generation.
 */
export function customResourceChanged(t: ResourceType, next: JsonObject, cur: JsonObject): boolean {
  const skip = new Set(['metadata', ...(t.subresources.includes('status') ? ['status'] : [])]);
  const rest = (o: JsonObject) => Object.fromEntries(Object.entries(o).filter(([k]) => !skip.has(k)));
  return !jsonEqual(rest(next), rest(cur));
}

/** The apiVersion objects of this custom resource are stored at. */
export function storageApiVersion(t: ResourceType): string {
  return `${t.group}/${t.storageVersion ?? t.version}`;
}

/** The object as served at `t`'s version: the same object, or a shallow copy with that apiVersion. */
export function servedAs<T extends KubeObject>(t: ResourceType, obj: T): T {
  if (!t.crd) return obj;
  const apiVersion = `${t.group}/${t.version}`;
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/** A new CustomResourceDefinition as kube-apiserver stores it: no status yet, and the cleanup finalizer. */
export function prepareCrdForCreate(obj: JsonObject): void {
  delete obj.status;
  const meta = isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
  const finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as unknown[]) : [];
  if (!finalizers.includes(CRD_FINALIZER)) meta.finalizers = [...finalizers, CRD_FINALIZER];
}

/**
 * The CRD defaults (names.singular and listKind, conversion None, …) applied in place, and the storage version
 * added to status.storedVersions (on update too, as the CRD strategy's PrepareForUpdate does).
 */
export function defaultCrd(obj: JsonObject): void {
  const defaulted = withCrdDefaults(obj as unknown as CustomResourceDefinition);
  const storage = defaulted.spec?.versions?.find((v) => v?.storage)?.name;
  if (storage) {
    const status = (defaulted.status ??= {});
    const stored = status.storedVersions ?? [];
    if (!stored.includes(storage)) status.storedVersions = [...stored, storage];
  }
  for (const key of Object.keys(obj)) delete obj[key];
  Object.assign(obj, defaulted);
}

function scaleSpec(t: ResourceType) {
  const scale = crdVersion(crdOf(t), t.version)?.subresources?.scale;
  if (!scale) throw new ApiError(404, 'NotFound', `${t.plural}.${t.group} has no scale subresource`);
  return scale;
}

/** The autoscaling/v1 Scale of a custom resource, read at the CRD's scale paths. */
export function customScale(t: ResourceType, obj: KubeObject): Scale {
  return scaleFrom(obj, scaleSpec(t));
}

/** The custom resource with its replicas (at specReplicasPath) set: what a write of its scale stores. */
export function withCustomScale(t: ResourceType, obj: KubeObject, replicas: number): KubeObject {
  return withScale(obj, replicas, scaleSpec(t)) as KubeObject;
}
