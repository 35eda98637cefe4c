import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { DeploymentsView } from '@/components/deployments/deployments-view';

export const metadata: Metadata = { title: 'Deployments' };
export const dynamic = 'force-dynamic';

export default async function DeploymentsPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Deployments</h1>
      <section className="panel">
        <DeploymentsView canWrite={canDo(user, 'update', 'deployments')} />
      </section>
    </>
  );
}
