import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { NodesView } from '@/components/nodes/nodes-view';

export const metadata: Metadata = { title: 'Nodes' };
export const dynamic = 'force-dynamic';

export default async function NodesPage() {
  await requireUser();
  return (
    <>
      <h1>Nodes</h1>
      <section className="panel">
        <NodesView />
      </section>
    </>
  );
}
