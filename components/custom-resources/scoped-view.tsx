'use client';

import { isNamespaced, useCrdQuery, type ResourceRef } from '@/lib/client/custom-resources.ts';
import { Breadcrumbs, LoadState } from './common';
import { CustomObjectView } from './object-view';
import { CustomResourceList } from './resource-list';

/**
 * `<list>/<segment>`: for a cluster-scoped kind the segment is an object's name (its page); for a namespaced
 * kind it is a namespace (the list, filtered to it), as `/pods/<namespace>` would read.
 */
export function ScopedView({ segment, canWrite, ...ref }: ResourceRef & { segment: string; canWrite: boolean }) {
  const crd = useCrdQuery(ref);
  if (crd.isPending || crd.isError)
    return (
      <>
        <h1>
          {ref.plural} {segment}
        </h1>
        <Breadcrumbs
          trail={[['Custom resources', '/custom-resources'], [`${ref.plural}.${ref.group}/${ref.version}`]]}
        />
        <LoadState pending={crd.isPending} error={crd.error} what="the definition" />
      </>
    );
  return isNamespaced(crd.data) ? (
    <CustomResourceList {...ref} namespace={segment} canWrite={canWrite} />
  ) : (
    <CustomObjectView objectRef={{ ...ref, name: segment }} canWrite={canWrite} />
  );
}
