import type { CustomResourceDefinition } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { customTypesFor, registerCustomTypes, unregisterCustomTypes } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../object-api.ts';

// Every instance (leader and followers alike) serves the custom resources of the CustomResourceDefinitions in its
// watch cache: this registrar follows them there — followers see them arrive by replication — and keeps the
// process's type registry in step. A CRD is served once its Established condition is True (the leader's CRD
// controller sets it), under its accepted names, until the CRD object itself is gone (while it is being deleted,
// its objects can still be read and deleted; creating new ones is refused).
//
// Reads serve the leader's writes before they are durable, while watchers hear of them only once they are: a
// client that has read Established must find the type served, so the leader's own CRD writes (and their reverts,
// when a commit fails) are followed as they are applied, besides the committed changes.

export const CRD_RESOURCE = 'customresourcedefinitions.apiextensions.k8s.io';

export const isEstablished = (crd: CustomResourceDefinition): boolean =>
  !!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');

/** Starts following the CRDs in `api`'s cache; returns the stop function (which also stops serving their types). */
export function startCrdRegistrar(api: ObjectApi): { stop: () => void } {
  /** The CRDs served, with the resourceVersion their types were made from. */
  const served = new Map<string, string>();
  /** Serves `name`'s types as the cache holds the CRD now (a write is seen applied, then committed: once is enough). */
  const sync = (name: string) => {
    const crd = api.cache.get(CRD_RESOURCE, undefined, name) as (CustomResourceDefinition & KubeObject) | undefined;
    if (crd && isEstablished(crd) && crd.spec?.versions?.length) {
      if (served.get(name) === crd.metadata.resourceVersion) return;
      registerCustomTypes(name, customTypesFor(crd));
      served.set(name, crd.metadata.resourceVersion);
    } else if (served.delete(name)) unregisterCustomTypes(name);
  };
  const { items, resourceVersion } = api.cache.list(CRD_RESOURCE);
  for (const crd of items) sync(crd.metadata.name);
  const unsubscribe = api.cache.watch({ resource: CRD_RESOURCE }, resourceVersion, (e) => sync(e.object.metadata.name));
  const stopApplied = api.cache.onApplied((resource, _namespace, name) => {
    if (resource === CRD_RESOURCE) sync(name);
  });
  return {
    stop: () => {
      unsubscribe();
      stopApplied();
      for (const name of served.keys()) unregisterCustomTypes(name);
      served.clear();
    },
  };
}
