'use client';

import Link from 'next/link';
import { useDeferredValue, useMemo, useState } from 'react';
import { VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { useList } from '@entroos/react';
import { errorText } from '@/lib/client/api.ts';
import { RESOURCES, type Batch, type BatchPhase, type Product } from '@/lib/apps/supply-chain/types.ts';
import { PhaseBadge } from './phase-badge';
import { batchPage } from './links';
import { ParticipantsPanel } from './participants-panel';

// Products and batches, live: the list follows the batches' watch, so a recall or a new attestation shows as the
// controller updates each batch's status.

const PHASES: BatchPhase[] = ['Complete', 'BrokenChain', 'Tampered', 'Recalled', 'Pending'];

export function BatchesView({ canWrite }: { canWrite: boolean }) {
  const batches = useList<string, Batch>(RESOURCES.batches);
  const products = useList<string, Product>(RESOURCES.products);
  const [text, setText] = useState('');
  const [phase, setPhase] = useState('');
  const query = useDeferredValue(text.trim().toLowerCase());
  const items = useMemo(() => batches.data ?? [], [batches.data]);

  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const b of items) c.set(b.status?.phase ?? 'Pending', (c.get(b.status?.phase ?? 'Pending') ?? 0) + 1);
    return c;
  }, [items]);
  const perProduct = useMemo(() => {
    const c = new Map<string, number>();
    for (const b of items)
      c.set(`${b.metadata.namespace}/${b.spec.product}`, (c.get(`${b.metadata.namespace}/${b.spec.product}`) ?? 0) + 1);
    return c;
  }, [items]);
  const shown = useMemo(
    () =>
      items.filter(
        (b) =>
          (!phase || (b.status?.phase ?? 'Pending') === phase) &&
          (!query ||
            `${b.metadata.namespace} ${b.metadata.name} ${b.spec.product} ${b.spec.producer} ${b.status?.reason ?? ''}`
              .toLowerCase()
              .includes(query)),
      ),
    [items, phase, query],
  );

  const columns = useMemo<VirtualColumn<Batch>[]>(
    () => [
      {
        header: 'Batch',
        cell: (b) => <Link href={batchPage(b.metadata.namespace ?? '', b.metadata.name)}>{b.metadata.name}</Link>,
        sort: (a, b) => a.metadata.name.localeCompare(b.metadata.name),
      },
      { header: 'Namespace', cell: (b) => b.metadata.namespace, width: '110px' },
      { header: 'Product', cell: (b) => b.spec.product, sort: (a, b) => a.spec.product.localeCompare(b.spec.product) },
      {
        header: 'Producer',
        cell: (b) => b.spec.producer,
        sort: (a, b) => a.spec.producer.localeCompare(b.spec.producer),
      },
      {
        header: 'Quantity',
        cell: (b) => `${b.spec.quantity} ${b.spec.unit}`,
        width: '100px',
        sort: (a, b) => a.spec.quantity - b.spec.quantity,
      },
      {
        header: 'Status',
        cell: (b) => <PhaseBadge phase={b.status?.phase} />,
        width: '130px',
        sort: (a, b) => (a.status?.phase ?? '').localeCompare(b.status?.phase ?? ''),
      },
      { header: 'Reason', cell: (b) => <span className="muted">{b.status?.reason ?? ''}</span> },
    ],
    [],
  );

  return (
    <>
      <section className="cards" aria-label="Batches by status">
        {PHASES.map((p) => (
          <button
            key={p}
            type="button"
            className="card"
            aria-pressed={phase === p}
            onClick={() => setPhase(phase === p ? '' : p)}
            style={{
              textAlign: 'left',
              cursor: 'pointer',
              font: 'inherit',
              color: 'var(--text)',
              background: 'var(--panel)',
              border: `1px solid ${phase === p ? 'var(--accent)' : 'var(--border)'}`,
              borderRadius: 'var(--radius)',
            }}
          >
            <PhaseBadge phase={p} />
            <div className="card-value" data-testid={`sc-count-${p}`}>
              {batches.data ? (counts.get(p) ?? 0) : '…'}
            </div>
          </button>
        ))}
      </section>

      <section className="panel">
        <h2>Products</h2>
        {products.error != null && (
          <p className="alert alert-error">Could not list products: {errorText(products.error)}</p>
        )}
        <table>
          <thead>
            <tr>
              <th>Product</th>
              <th>Namespace</th>
              <th>Description</th>
              <th>Batches</th>
            </tr>
          </thead>
          <tbody>
            {(products.data ?? []).map((p) => (
              <tr key={`${p.metadata.namespace}/${p.metadata.name}`}>
                <td>
                  <button
                    type="button"
                    className="btn"
                    onClick={() => setText(p.metadata.name)}
                    title="Show its batches"
                  >
                    {p.spec.displayName}
                  </button>
                </td>
                <td>{p.metadata.namespace}</td>
                <td className="muted">{p.spec.description}</td>
                <td>{perProduct.get(`${p.metadata.namespace}/${p.metadata.name}`) ?? 0}</td>
              </tr>
            ))}
            {products.data && !products.data.length && (
              <tr>
                <td colSpan={4} className="muted">
                  No products yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>

      <ParticipantsPanel canWrite={canWrite} />

      <section className="panel">
        <h2>Batches</h2>
        <div className="row">
          <div className="field">
            <label htmlFor="sc-filter">Contains</label>
            <input
              id="sc-filter"
              type="search"
              data-search
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="batch, product, producer, reason"
            />
          </div>
          <div className="field">
            <label htmlFor="sc-phase">Status</label>
            <select id="sc-phase" value={phase} onChange={(e) => setPhase(e.target.value)}>
              <option value="">Any</option>
              {PHASES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </div>
          <p className="muted" data-testid="sc-batch-count">
            {batches.data ? `${shown.length} of ${items.length} batches` : ''}
          </p>
        </div>
        {batches.error != null && (
          <p className="alert alert-error">Could not list batches: {errorText(batches.error)}</p>
        )}
        <VirtualTable
          rows={shown}
          columns={columns}
          rowKey={(b) => `${b.metadata.namespace}/${b.metadata.name}`}
          testId="sc-batches"
          empty={batches.data ? (items.length ? 'No batches match.' : 'No batches yet.') : 'Loading…'}
        />
      </section>
    </>
  );
}
