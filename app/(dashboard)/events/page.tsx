import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { EventsView } from '@/components/resources/resource-lists';

export const metadata: Metadata = { title: 'Events' };
export const dynamic = 'force-dynamic';

export default async function EventsPage() {
  await requireUser();
  return (
    <>
      <h1>Events</h1>
      <section className="panel">
        <EventsView />
      </section>
    </>
  );
}
