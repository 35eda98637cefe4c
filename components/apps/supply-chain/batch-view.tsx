'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useEntroos, useList } from '@entroos/react';
import { errorText } from '@/lib/client/api.ts';
import { RESOURCES, type Batch } from '@/lib/apps/supply-chain/types.ts';
import { PhaseBadge } from './phase-badge';
import { RecordStepPanel } from './record-step';
import { ChainGraph } from './chain-graph';
import { batchPage, SCAN_PAGE, verifyPage } from './links';

// One batch: its verdict, its custody timeline with each attestation's verification, where it came from and what
// was made from it, its QR code, and a recall (confirmed first, since it recalls everything downstream too).

export function BatchView({
  namespace,
  name,
  qrSvg,
  canWrite,
}: {
  namespace: string;
  name: string;
  qrSvg: string;
  canWrite: boolean;
}) {
  const list = useList<string, Batch>(RESOURCES.batches, { namespace });
  const items = useMemo(() => list.data ?? [], [list.data]);
  const batch = items.find((b) => b.metadata.name === name);
  const madeInto = useMemo(() => items.filter((b) => (b.spec.inputs ?? []).includes(name)), [items, name]);

  if (!list.data)
    return list.error ? (
      <p className="alert alert-error">Could not load the batch: {errorText(list.error)}</p>
    ) : (
      <p className="muted">Loading…</p>
    );
  if (!batch)
    return (
      <p className="alert alert-error">
        There is no batch {name} in namespace {namespace}.
      </p>
    );
  const status = batch.status;

  return (
    <>
      <section className="panel" aria-label="Verdict">
        <div className="row" style={{ alignItems: 'center', gap: 12 }}>
          <PhaseBadge phase={status?.phase} />
          <span data-testid="sc-reason">{status?.reason ?? 'Not verified yet.'}</span>
        </div>
        <dl className="row" style={{ gap: 24 }}>
          <div>
            <dt className="muted">Product</dt>
            <dd>{batch.spec.product}</dd>
          </div>
          <div>
            <dt className="muted">Producer</dt>
            <dd>{batch.spec.producer}</dd>
          </div>
          <div>
            <dt className="muted">Quantity</dt>
            <dd>
              {batch.spec.quantity} {batch.spec.unit}
            </dd>
          </div>
          <div>
            <dt className="muted">Held by</dt>
            <dd>{status?.holder ?? '—'}</dd>
          </div>
          {status?.recalledBy && (
            <div>
              <dt className="muted">Recalled because of</dt>
              <dd>
                <Link href={batchPage(namespace, status.recalledBy)}>{status.recalledBy}</Link>
              </dd>
            </div>
          )}
        </dl>
      </section>

      <div className="row" style={{ alignItems: 'flex-start', gap: 16 }}>
        <section className="panel" style={{ flex: '1 1 420px' }} aria-labelledby="sc-custody">
          <h2 id="sc-custody">Custody</h2>
          {!status?.custody.length ? (
            <p className="muted">No attestations about this batch.</p>
          ) : (
            <ol data-testid="sc-timeline" style={{ paddingLeft: 20 }}>
              {status.custody.map((step) => (
                <li key={step.attestation} style={{ marginBottom: 10 }}>
                  <strong>{step.action}</strong> by {step.participant}
                  {step.to ? ` → ${step.to}` : ''}{' '}
                  <span className="muted">{step.time ? new Date(step.time).toLocaleString() : ''}</span>
                  <div>
                    {step.verified ? (
                      <span style={{ color: 'var(--ok)' }}>✓ signature verified</span>
                    ) : (
                      <span style={{ color: 'var(--danger)' }}>✗ {step.problem}</span>
                    )}{' '}
                    <span className="muted">({step.attestation})</span>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </section>

        <section className="panel" style={{ flex: '0 1 280px' }} aria-labelledby="sc-qr">
          <h2 id="sc-qr">QR code</h2>
          <div
            data-testid="sc-qr"
            role="img"
            aria-label={`QR code of the public verification page of ${name}`}
            style={{ width: 200, background: '#fff', padding: 8 }}
            dangerouslySetInnerHTML={{ __html: qrSvg }}
          />
          <p>
            <Link href={verifyPage(namespace, name)}>Public verification page</Link>
          </p>
          <p>
            <Link href={SCAN_PAGE}>Scanner</Link> <span className="muted">(camera or photo, for phones)</span>
          </p>
        </section>
      </div>

      <section className="panel" aria-labelledby="sc-chain">
        <h2 id="sc-chain">Chain</h2>
        <ChainGraph batches={items} name={name} />
      </section>

      <section className="panel" aria-labelledby="sc-graph">
        <h2 id="sc-graph">Inputs and outputs</h2>
        <div className="row" style={{ gap: 24, alignItems: 'flex-start' }}>
          <BatchLinks title="Made from" namespace={namespace} names={batch.spec.inputs ?? []} all={items} />
          <span aria-hidden="true" style={{ alignSelf: 'center' }}>
            → <strong>{name}</strong> →
          </span>
          <BatchLinks
            title="Made into"
            namespace={namespace}
            names={madeInto.map((b) => b.metadata.name)}
            all={items}
          />
        </div>
      </section>

      {canWrite && !batch.spec.recall && <RecordStepPanel batch={batch} />}
      {canWrite && !batch.spec.recall && <RecallPanel batch={batch} downstream={madeInto.length} />}
    </>
  );
}

function BatchLinks({
  title,
  namespace,
  names,
  all,
}: {
  title: string;
  namespace: string;
  names: string[];
  all: readonly Batch[];
}) {
  return (
    <div>
      <h3 className="muted" style={{ fontSize: 14 }}>
        {title}
      </h3>
      {names.length ? (
        <ul style={{ paddingLeft: 16 }}>
          {names.map((n) => (
            <li key={n}>
              <Link href={batchPage(namespace, n)}>{n}</Link>{' '}
              <PhaseBadge phase={all.find((b) => b.metadata.name === n)?.status?.phase} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">none</p>
      )}
    </div>
  );
}

function RecallPanel({ batch, downstream }: { batch: Batch; downstream: number }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const { client } = useEntroos();
  const namespace = batch.metadata.namespace ?? '';
  const recall = async () => {
    setBusy(true);
    setError('');
    try {
      // The live list shows the recall (and the batches it reaches downstream) once the controller has marked them.
      await client
        .resource<Batch>(RESOURCES.batches)
        .patch(
          batch.metadata.name,
          { spec: { recall: { reason: reason.trim(), time: new Date().toISOString() } } },
          { namespace },
        );
      setOpen(false);
    } catch (err) {
      setError(`The recall could not be sent: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="sc-recall">
      <h2 id="sc-recall">Recall</h2>
      {!open ? (
        <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
          Recall {batch.metadata.name}…
        </button>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void recall();
          }}
        >
          <p>
            Recalling <strong>{batch.metadata.name}</strong> also recalls every batch made from it ({downstream}{' '}
            directly, and theirs in turn). This cannot be undone from the dashboard.
          </p>
          <div className="field">
            <label htmlFor="sc-recall-reason">Reason (shown on the public verification page)</label>
            <input
              id="sc-recall-reason"
              required
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          {error && (
            <p className="alert alert-error" data-testid="sc-recall-error">
              {error}
            </p>
          )}
          <div className="row">
            <button type="submit" className="btn btn-danger" disabled={busy || !reason.trim()}>
              {busy ? 'Recalling…' : 'Confirm recall'}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
