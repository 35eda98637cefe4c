import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Not found' };

// Addresses that match no page at all (the dashboard's own pages have their not-found inside its layout).
export default function NotFound() {
  return (
    <main className="login-wrap">
      <section className="panel login-card" data-testid="not-found">
        <h1>Not found</h1>
        <p>There is no page at this address.</p>
        <p>
          <Link href="/">Go to the dashboard</Link>
        </p>
      </section>
    </main>
  );
}
