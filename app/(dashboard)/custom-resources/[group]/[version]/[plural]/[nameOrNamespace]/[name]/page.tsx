import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { can } from '@/lib/auth/rbac.ts';
import { CustomObjectView } from '@/components/custom-resources/object-view';

export const dynamic = 'force-dynamic';

type Params = { group: string; version: string; plural: string; nameOrNamespace: string; name: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { group, plural, nameOrNamespace, name } = await params;
  return { title: `${nameOrNamespace}/${name} · ${plural}.${group}` };
}

/** One namespaced custom object (the segment before the name is its namespace). */
export default async function CustomObjectPage({ params }: { params: Promise<Params> }) {
  const user = await requireUser();
  const { group, version, plural, nameOrNamespace, name } = await params;
  return (
    <CustomObjectView
      objectRef={{ group, version, plural, namespace: nameOrNamespace, name }}
      canWrite={can(user.role, 'update', `${plural}.${group}`)}
    />
  );
}
