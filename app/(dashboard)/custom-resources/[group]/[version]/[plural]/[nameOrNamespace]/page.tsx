import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { can } from '@/lib/auth/rbac.ts';
import { ScopedView } from '@/components/custom-resources/scoped-view';

export const dynamic = 'force-dynamic';

type Params = { group: string; version: string; plural: string; nameOrNamespace: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { group, plural, nameOrNamespace } = await params;
  return { title: `${nameOrNamespace} · ${plural}.${group}` };
}

/** A cluster-scoped object, or (for a namespaced kind) the list in that namespace. */
export default async function CustomResourceScopedPage({ params }: { params: Promise<Params> }) {
  const user = await requireUser();
  const { group, version, plural, nameOrNamespace } = await params;
  return (
    <ScopedView
      group={group}
      version={version}
      plural={plural}
      segment={nameOrNamespace}
      canWrite={can(user.role, 'update', `${plural}.${group}`)}
    />
  );
}
