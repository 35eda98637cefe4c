'use client';

import { resourceLabel, SECTION_TITLES, type ResourceRef, type Section } from '@/lib/client/custom-resources.ts';
import { useKindInfo } from '@/lib/client/discovery.ts';
import { Breadcrumbs, LoadState } from './common';
import { CustomObjectView } from './object-view';
import { CustomResourceList } from './resource-list';

/**
 * `<list>/<segment>`: for a cluster-scoped kind the segment is an object's name (its page); for a namespaced
 * kind it is a namespace (the list, filtered to it), as `/pods/<namespace>` would read.
 */
export function ScopedView({
  segment,
  canWrite,
  section = 'custom-resources',
  ...ref
}: ResourceRef & { segment: string; canWrite: boolean; section?: Section }) {
  const info = useKindInfo(ref);
  if (info.isPending || info.isError)
    return (
      <>
        <h1>
          {ref.plural} {segment}
        </h1>
        <Breadcrumbs trail={[[SECTION_TITLES[section], `/${section}`], [resourceLabel(ref)]]} />
        <LoadState pending={info.isPending} error={info.error} what="the kind" />
      </>
    );
  return info.data.namespaced ? (
    <CustomResourceList {...ref} namespace={segment} canWrite={canWrite} section={section} />
  ) : (
    <CustomObjectView objectRef={{ ...ref, name: segment }} canWrite={canWrite} section={section} />
  );
}
