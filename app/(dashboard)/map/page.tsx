import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { RelationsMap } from '@/components/relations/relations-map';

export async function generateMetadata({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}): Promise<Metadata> {
  const { namespace, node } = await searchParams;
  return { title: node ? `Map of node ${node}` : namespace ? `Map of ${namespace}` : 'Relations map' };
}
export const dynamic = 'force-dynamic';

export default async function MapPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireUser();
  const { namespace, node } = await searchParams;
  return (
    <>
      <h1>Relations map</h1>
      <p className="muted">
        Deployments own ReplicaSets, which own pods, which run on nodes; services reach pods through their endpoints.
        Each box opens the object’s page.
      </p>
      <RelationsMap namespace={namespace || undefined} node={node || undefined} />
    </>
  );
}
