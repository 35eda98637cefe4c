import type { Metadata, Viewport } from 'next';
import { VoterApp } from '@/components/apps/voting/voter-app';

// The voter's page (no login: an account would name the voter), phone-sized. An invite link carries ?code=.

type Params = { namespace: string; ballot: string };

export const metadata: Metadata = { title: 'Vote' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };
export const dynamic = 'force-dynamic';

export default async function VotePage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<{ code?: string }>;
}) {
  const { namespace, ballot } = await params;
  const { code } = await searchParams;
  return (
    <main style={{ maxWidth: 480, margin: '0 auto', padding: 16, overflowWrap: 'anywhere' }}>
      <p className="muted">EntroOS anonymous ballot</p>
      <VoterApp
        namespace={decodeURIComponent(namespace)}
        ballot={decodeURIComponent(ballot)}
        code={typeof code === 'string' ? code : undefined}
      />
    </main>
  );
}
