import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { NamespacesView } from '@/components/resources/resource-lists';

export const metadata: Metadata = { title: 'Namespaces' };
export const dynamic = 'force-dynamic';

export default async function NamespacesPage() {
  await requireUser();
  return (
    <>
      <h1>Namespaces</h1>
      <section className="panel">
        <NamespacesView />
      </section>
    </>
  );
}
