import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { ApiResourcesView } from '@/components/custom-resources/api-resources-view';

export const metadata: Metadata = { title: 'All resources' };
export const dynamic = 'force-dynamic';

export default async function ResourcesPage() {
  await requireUser();
  return (
    <>
      <h1>All resources</h1>
      <section className="panel">
        <ApiResourcesView />
      </section>
    </>
  );
}
