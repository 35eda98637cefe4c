import type { Metadata, Viewport } from 'next';
import { VerifyBallot } from '@/components/apps/voting/verify-ballot';

// Anyone can check a ballot (no login): every proof, the nullifiers, the group root and the tally, in the browser.

type Params = { namespace: string; ballot: string };

export const metadata: Metadata = { title: 'Check a ballot' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };
export const dynamic = 'force-dynamic';

export default async function VerifyBallotPage({ params }: { params: Promise<Params> }) {
  const { namespace, ballot } = await params;
  const ns = decodeURIComponent(namespace);
  const name = decodeURIComponent(ballot);
  return (
    <main style={{ maxWidth: 560, margin: '0 auto', padding: 16, overflowWrap: 'anywhere' }}>
      <p className="muted">EntroOS anonymous ballot</p>
      <h1 style={{ fontSize: 22 }}>
        Check ballot {ns}/{name}
      </h1>
      <p>
        Downloads the ballot&apos;s public export and checks it here, trusting nothing the server says: every
        vote&apos;s zero-knowledge proof, that no one voted twice, that the group is the one frozen at opening, and the
        tally. The same check runs offline with <code>npx entroos-verify ballot.json</code>.
      </p>
      <VerifyBallot namespace={ns} ballot={name} />
    </main>
  );
}
