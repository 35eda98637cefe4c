import type { PublicVerdict } from '@/lib/apps/supply-chain/public.ts';
import { PhaseBadge } from './phase-badge';
import { CertifiedCheck } from './certified-check';

// The public verdict of a batch as anyone holding its code sees it: on the page the QR code opens and under the
// scanner. It renders what publicVerdict (lib/apps/supply-chain/public.ts) returned and nothing else, so both
// show only what the batch's owner disclosed. No hooks: it renders on the server and in the browser.

export function PublicVerdictView({ v, level = 1 }: { v: PublicVerdict; level?: 1 | 2 }) {
  const Title = level === 1 ? 'h1' : 'h2';
  const Section = level === 1 ? 'h2' : 'h3';
  return (
    <>
      <Title style={{ fontSize: 22 }}>{v.name}</Title>
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
          <Section style={{ fontSize: 18 }}>Custody</Section>
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
      {(v.certified || v.certifiedProblem) && (
        <section className="panel" data-testid="sc-certified">
          <Section style={{ fontSize: 18 }}>Certified custody</Section>
          {v.certifiedProblem && <p className="muted">{v.certifiedProblem}</p>}
          {v.certified?.map((c) => (
            <div key={c.commitment}>
              <p style={{ color: c.verified ? 'var(--ok)' : 'var(--danger)' }}>
                {c.verified
                  ? `✓ Passed through a facility certified in ${c.set}.`
                  : `✗ The proof for ${c.set} does not hold: ${c.problem}.`}
              </p>
              <p className="muted" style={{ fontSize: 13 }}>
                A zero-knowledge proof: it shows that one of the set&apos;s facilities handled this batch without saying
                which.
              </p>
              <CertifiedCheck c={c} />
            </div>
          ))}
        </section>
      )}
    </>
  );
}
