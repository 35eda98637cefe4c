import type { Metadata, Viewport } from 'next';
import { getPlatform } from '@/lib/platform.ts';
import { publicVerdict } from '@/lib/apps/supply-chain/public.ts';
import { PhaseBadge } from '@/components/apps/supply-chain/phase-badge';

// The page a batch's QR code opens: no login, phone-sized, and only what the batch's owner chose to publish.

type Params = { namespace: string; name: string };

export const metadata: Metadata = { title: 'Verify a batch' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };
export const dynamic = 'force-dynamic';

export default async function VerifyBatchPage({ params }: { params: Promise<Params> }) {
  const { namespace, name } = await params;
  const v = publicVerdict(getPlatform().api, decodeURIComponent(namespace), decodeURIComponent(name));
  return (
    <main style={{ maxWidth: 480, margin: '0 auto', padding: 16, overflowWrap: 'anywhere' }}>
      <p className="muted">EntroOS supply-chain verification</p>
      <h1 style={{ fontSize: 22 }}>{v.name}</h1>
      <section
        className="panel"
        data-testid="sc-verdict"
        data-verified={v.verified}
        style={{ borderColor: v.verified ? 'var(--ok)' : 'var(--danger)' }}
      >
        <p
          style={{
            fontSize: 20,
            fontWeight: 600,
            margin: '0 0 8px',
            color: v.verified ? 'var(--ok)' : 'var(--danger)',
          }}
        >
          {v.verified ? '✓ Verified' : '✗ Not verified'}
        </p>
        <PhaseBadge phase={v.phase} />
        <p data-testid="sc-public-reason">{v.reason}</p>
      </section>
      {(v.product || v.producer || v.quantity) && (
        <section className="panel">
          <dl>
            {v.product && (
              <>
                <dt className="muted">Product</dt>
                <dd>{v.product}</dd>
              </>
            )}
            {v.producer && (
              <>
                <dt className="muted">Producer</dt>
                <dd>
                  {v.producer.name}
                  {v.producer.location ? `, ${v.producer.location}` : ''}
                </dd>
              </>
            )}
            {v.quantity && (
              <>
                <dt className="muted">Quantity</dt>
                <dd>{v.quantity}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      {v.custody && (
        <section className="panel">
          <h2 style={{ fontSize: 18 }}>Custody</h2>
          <ol style={{ paddingLeft: 20 }}>
            {v.custody.map((c, i) => (
              <li key={i}>
                {c.action} by {c.participant} {c.verified ? '✓' : '✗'}{' '}
                <span className="muted">{c.time ? new Date(c.time).toISOString().slice(0, 10) : ''}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </main>
  );
}
