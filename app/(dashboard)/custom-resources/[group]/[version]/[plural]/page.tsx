import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { can } from '@/lib/auth/rbac.ts';
import { CustomResourceList } from '@/components/custom-resources/resource-list';

export const dynamic = 'force-dynamic';

type Params = { group: string; version: string; plural: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { group, plural } = await params;
  return { title: `${plural}.${group}` };
}

export default async function CustomResourceListPage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
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
      canWrite={can(user.role, 'update', `${plural}.${group}`)}
    />
  );
}
