import type { Metadata, Viewport } from 'next';
import { Scanner } from '@/components/apps/supply-chain/scanner';

// The scanning page for phones: no login, like the page a batch's code opens, which it shows the verdict of.

export const metadata: Metadata = { title: 'Scan a batch' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function ScanBatchPage() {
  return (
    <main style={{ maxWidth: 480, margin: '0 auto', padding: 16, overflowWrap: 'anywhere' }}>
      <p className="muted">EntroOS supply-chain verification</p>
      <h1 style={{ fontSize: 22 }}>Scan a batch</h1>
      <p>
        Point the camera at the QR code on a batch, or choose a photo of it. The code is read on this device; the
        verdict comes from the cluster that signed and checked the batch&apos;s custody.
      </p>
      <Scanner />
    </main>
  );
}
