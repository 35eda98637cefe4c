import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { BackupsView } from '@/components/backups/backups-view';

export const metadata: Metadata = { title: 'Backups' };
export const dynamic = 'force-dynamic';

export default async function BackupsPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Backups</h1>
      {canDo(user, 'list', 'backups') ? (
        <BackupsView />
      ) : (
        <p className="error">Only admins take and restore backups.</p>
      )}
    </>
  );
}
