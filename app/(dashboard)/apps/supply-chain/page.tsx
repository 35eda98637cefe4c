import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import Link from 'next/link';
import { BatchesView } from '@/components/apps/supply-chain/batches-view';
import { SCAN_PAGE } from '@/components/apps/supply-chain/links';

export const metadata: Metadata = { title: 'Supply chain' };
export const dynamic = 'force-dynamic';

export default async function SupplyChainPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Supply-chain verifier</h1>
      <p className="muted">
        Batches and the signed custody attestations (in-toto statements, ed25519) about them, re-verified by the
        supply-chain controller. A batch is verified when every step is signed by the party that held it; a recall
        reaches every batch made from the recalled one. The resources are custom resources in{' '}
        <code>supplychain.entroos.io/v1</code>: script them with kubectl or the SDKs.
      </p>
      <p>
        <Link href={SCAN_PAGE}>Scan a batch&apos;s QR code</Link> (camera or photo; public, no login — open it on a
        phone).
      </p>
      <BatchesView canWrite={user.role !== 'viewer'} />
    </>
  );
}
