import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { CrdsView } from '@/components/custom-resources/crds-view';

export const metadata: Metadata = { title: 'Custom resources' };
export const dynamic = 'force-dynamic';

export default async function CustomResourcesPage() {
  await requireUser();
  return (
    <>
      <h1>Custom resources</h1>
      <section className="panel">
        <CrdsView />
      </section>
    </>
  );
}
