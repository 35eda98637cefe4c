import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { NodeView } from '@/components/nodes/node-view';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Node ${decodeURIComponent((await params).name)}` };
}
export const dynamic = 'force-dynamic';

export default async function NodePage({ params }: { params: Promise<{ name: string }> }) {
  const user = await requireUser();
  const { name } = await params;
  return (
    <>
      <h1>Node {name}</h1>
      <p>
        <Link href={`/map?node=${encodeURIComponent(name)}`}>Relations map of this node</Link>{' '}
        <Link href={`/resources/core/v1/nodes/${encodeURIComponent(name)}`}>YAML and events</Link>
      </p>
      <NodeView name={name} canManage={canDo(user, 'update', 'nodes')} />
    </>
  );
}
