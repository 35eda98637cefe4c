import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { AuditView } from '@/components/audit/audit-view';

export const metadata: Metadata = { title: 'Audit' };
export const dynamic = 'force-dynamic';

export default async function AuditPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Audit</h1>
      {canDo(user, 'list', 'audit') ? (
        <>
          <p className="muted">
            Every API request, login, socket subscription, token and user change, as Kubernetes audit events in a hash
            chain with signed checkpoints. The compliance report prints to PDF from the browser.
          </p>
          <AuditView />
        </>
      ) : (
        <p className="error">Only admins read the audit trail.</p>
      )}
    </>
  );
}
