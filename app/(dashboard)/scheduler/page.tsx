import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { SchedulerView } from '@/components/scheduler/scheduler-view';

export const metadata: Metadata = { title: 'Scheduler' };
export const dynamic = 'force-dynamic';

export default async function SchedulerPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Scheduler</h1>
      <SchedulerView canEdit={canDo(user, 'update', 'scheduler')} />
    </>
  );
}
