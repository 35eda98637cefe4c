import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { can } from '@/lib/auth/rbac.ts';
import { DeploymentsView } from '@/components/deployments/deployments-view';

export const metadata: Metadata = { title: 'Deployments' };
export const dynamic = 'force-dynamic';

export default async function DeploymentsPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Deployments</h1>
      <section className="panel">
        <DeploymentsView canWrite={can(user.role, 'update', 'deployments')} />
      </section>
    </>
  );
}
