import type { Metadata } from 'next';
import Link from 'next/link';
import { headers } from 'next/headers';
import { requireUser } from '@/lib/http/current-user.ts';
import { qrSvg } from '@/lib/apps/supply-chain/qr.ts';
import { BatchView } from '@/components/apps/supply-chain/batch-view';
import { verifyPage } from '@/components/apps/supply-chain/links';

type Params = { namespace: string; name: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Batch ${decodeURIComponent(name)}` };
}
export const dynamic = 'force-dynamic';

export default async function BatchPage({ params }: { params: Promise<Params> }) {
  const user = await requireUser();
  const { namespace, name } = await params;
  const ns = decodeURIComponent(namespace);
  const batch = decodeURIComponent(name);
  // The QR code holds the public page's absolute address, as this request reached the server.
  const h = await headers();
  const origin = `${h.get('x-forwarded-proto') ?? 'http'}://${h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost'}`;
  const svg = await qrSvg(`${origin}${verifyPage(ns, batch)}`);
  return (
    <>
      <h1>
        Batch {batch} <span className="muted">({ns})</span>
      </h1>
      <nav aria-label="Breadcrumbs" className="muted">
        <Link href="/apps/supply-chain">Supply chain</Link> / {batch}
      </nav>
      <BatchView namespace={ns} name={batch} qrSvg={svg} canWrite={user.role !== 'viewer'} />
    </>
  );
}
