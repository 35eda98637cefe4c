import type { Metadata, Viewport } from 'next';
import { getPlatform } from '@/lib/platform.ts';
import { publicVerdict } from '@/lib/apps/supply-chain/public.ts';
import { verifierFor } from '@/lib/proofs/verify.ts';
import Link from 'next/link';
import { PublicVerdictView } from '@/components/apps/supply-chain/public-verdict';
import { SCAN_PAGE } from '@/components/apps/supply-chain/links';

// The page a batch's QR code opens: no login, phone-sized, and only what the batch's owner chose to publish.

type Params = { namespace: string; name: string };

export const metadata: Metadata = { title: 'Verify a batch' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };
export const dynamic = 'force-dynamic';

export default async function VerifyBatchPage({ params }: { params: Promise<Params> }) {
  const { namespace, name } = await params;
  const v = await publicVerdict(
    getPlatform().api,
    verifierFor(getPlatform().circuits.certified_custody),
    decodeURIComponent(namespace),
    decodeURIComponent(name),
  );
  return (
    <main style={{ maxWidth: 480, margin: '0 auto', padding: 16, overflowWrap: 'anywhere' }}>
      <p className="muted">EntroOS supply-chain verification</p>
      <PublicVerdictView v={v} />
      <p>
        <Link href={SCAN_PAGE}>Scan another batch</Link>
      </p>
    </main>
  );
}
