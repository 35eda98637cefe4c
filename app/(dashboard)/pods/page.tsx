import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { PodsView } from '@/components/pods/pods-view';
import { canDo } from '@/lib/http/resource-access.ts';

export const metadata: Metadata = { title: 'Pods' };
export const dynamic = 'force-dynamic';

export default async function PodsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const user = await requireUser();
  const { namespace, q, phase, node, labels } = await searchParams;
  return (
    <>
      <h1>Pods</h1>
      <PodsView
        namespace={namespace}
        text={q}
        phase={phase}
        node={node}
        labels={labels}
        canDelete={canDo(user, 'delete', 'pods', { namespace })}
      />
    </>
  );
}
