import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { canWriteKind, isNamespacedKind } from '@/lib/http/resource-access.ts';
import type { Section } from '@/lib/client/custom-resources.ts';
import { CustomObjectView } from '@/components/custom-resources/object-view';
import { CustomResourceList } from '@/components/custom-resources/resource-list';
import { ScopedView } from '@/components/custom-resources/scoped-view';

// The generic pages' server halves, shared by /custom-resources and /resources: the same three routes
// (a kind's list; a namespace's list or a cluster-scoped object; a namespaced object) under each section.

type ListParams = { group: string; version: string; plural: string };
type ScopedParams = ListParams & { nameOrNamespace: string };
type ObjectParams = ScopedParams & { name: string };

const resourceTitle = ({ group, plural }: ListParams) => (group === 'core' ? plural : `${plural}.${group}`);

export async function listMetadata({ params }: { params: Promise<ListParams> }): Promise<Metadata> {
  return { title: resourceTitle(await params) };
}

export async function scopedMetadata({ params }: { params: Promise<ScopedParams> }): Promise<Metadata> {
  const p = await params;
  return { title: `${p.nameOrNamespace} · ${resourceTitle(p)}` };
}

export async function objectMetadata({ params }: { params: Promise<ObjectParams> }): Promise<Metadata> {
  const p = await params;
  return { title: `${p.nameOrNamespace}/${p.name} · ${resourceTitle(p)}` };
}

/** A kind's objects, as the server's Table. */
export function listPage(section: Section) {
  return async function ResourceListPage({
    params,
    searchParams,
  }: {
    params: Promise<ListParams>;
    searchParams: Promise<Record<string, string | undefined>>;
  }) {
    const user = await requireUser();
    const { group, version, plural } = await params;
    const { namespace, q } = await searchParams;
    return (
      <CustomResourceList
        group={group}
        version={version}
        plural={plural}
        namespace={namespace}
        text={q}
        section={section}
        canWrite={canWriteKind(user, group, version, plural, namespace)}
      />
    );
  };
}

/** A cluster-scoped object, or (for a namespaced kind) the list in that namespace. */
export function scopedPage(section: Section) {
  return async function ResourceScopedPage({ params }: { params: Promise<ScopedParams> }) {
    const user = await requireUser();
    const { group, version, plural, nameOrNamespace } = await params;
    return (
      <ScopedView
        group={group}
        version={version}
        plural={plural}
        segment={nameOrNamespace}
        section={section}
        canWrite={canWriteKind(
          user,
          group,
          version,
          plural,
          isNamespacedKind(group, version, plural) ? nameOrNamespace : undefined,
        )}
      />
    );
  };
}

/** One namespaced object (the segment before the name is its namespace). */
export function objectPage(section: Section) {
  return async function ResourceObjectPage({ params }: { params: Promise<ObjectParams> }) {
    const user = await requireUser();
    const { group, version, plural, nameOrNamespace, name } = await params;
    return (
      <CustomObjectView
        objectRef={{ group, version, plural, namespace: nameOrNamespace, name }}
        section={section}
        canWrite={canWriteKind(user, group, version, plural, nameOrNamespace)}
      />
    );
  };
}
