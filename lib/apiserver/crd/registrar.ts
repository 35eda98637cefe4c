import type { CustomResourceDefinition } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { customTypesFor, registerCustomTypes, unregisterCustomTypes } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../object-api.ts';

// Every instance (leader and followers alike) serves the custom resources of the CustomResourceDefinitions in its
// watch cache: this registrar follows them there — followers see them arrive by replication — and keeps the
// process's type registry in step. A CRD is served once its Established condition is True (the leader's CRD
// controller sets it), under its accepted names, until the CRD object itself is gone (while it is being deleted,
// its objects can still be read and deleted; creating new ones is refused).

export const CRD_RESOURCE = 'customresourcedefinitions.apiextensions.k8s.io';

export const isEstablished = (crd: CustomResourceDefinition): boolean =>
  !!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');

/** Starts following the CRDs in `api`'s cache; returns the stop function (which also stops serving their types). */
export function startCrdRegistrar(api: ObjectApi): { stop: () => void } {
  const served = new Set<string>();
  const sync = (object: KubeObject, deleted: boolean) => {
    const crd = object as unknown as CustomResourceDefinition & KubeObject;
    const name = crd.metadata.name;
    if (!deleted && isEstablished(crd) && crd.spec?.versions?.length) {
      registerCustomTypes(name, customTypesFor(crd));
      served.add(name);
    } else if (served.delete(name)) unregisterCustomTypes(name);
  };
  const { items, resourceVersion } = api.cache.list(CRD_RESOURCE);
  for (const crd of items) sync(crd, false);
  const unsubscribe = api.cache.watch({ resource: CRD_RESOURCE }, resourceVersion, (e) =>
    sync(e.object, e.type === 'DELETED'),
  );
  return {
    stop: () => {
      unsubscribe();
      for (const name of served) unregisterCustomTypes(name);
      served.clear();
    },
  };
}
