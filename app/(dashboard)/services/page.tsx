import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { ServicesView } from '@/components/resources/resource-lists';

export const metadata: Metadata = { title: 'Services' };
export const dynamic = 'force-dynamic';

export default async function ServicesPage() {
  await requireUser();
  return (
    <>
      <h1>Services</h1>
      <section className="panel">
        <ServicesView />
      </section>
    </>
  );
}
