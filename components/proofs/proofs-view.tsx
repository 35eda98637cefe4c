'use client';

import { useMemo } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import {
  useProofsQuery,
  useVerifyInBrowserMutation,
  useVerifyOnServerMutation,
  type PlacementItem,
} from '@/lib/client/proofs.ts';
import { VerifyInBrowser } from './verify-in-browser';

const columns: Column<PlacementItem>[] = [
  {
    header: 'Pod',
    cell: (p) => (
      <a
        href={`/pods/${encodeURIComponent(p.namespace)}/${encodeURIComponent(p.name)}`}
      >{`${p.namespace}/${p.name}`}</a>
    ),
  },
  { header: 'Node', cell: (p) => p.node },
  { header: 'Proof', cell: (p) => <code title={p.batch.id}>{p.batch.id.slice(0, 8)}</code> },
  { header: 'Circuit', cell: (p) => `${p.batch.circuit} #${p.slot}` },
  {
    header: 'Status',
    cell: (p) => (
      <span className={`badge ${p.batch.status === 'invalid' ? 'badge-revoked' : 'badge-active'}`}>
        {p.batch.status}
      </span>
    ),
  },
  { header: 'Prove time', cell: (p) => `${p.batch.proveMs} ms` },
  { header: '', cell: (p) => <VerifyInBrowser proofId={p.batch.id} /> },
];

export function ProofsView() {
  const proofs = useProofsQuery();
  const browser = useVerifyInBrowserMutation();
  const server = useVerifyOnServerMutation();
  const ids = useMemo(() => [...new Set((proofs.data?.items ?? []).map((p) => p.batch.id))], [proofs.data]);
  if (proofs.isPending) return <p className="muted">Loading proofs…</p>;
  if (proofs.isError)
    return (
      <p className="error" role="alert">
        {proofs.error.message}
      </p>
    );
  const counts = proofs.data.counts;
  return (
    <section className="panel">
      <div className="row">
        <p data-testid="proof-counts">
          {Object.entries(counts)
            .map(([status, n]) => `${n} ${status}`)
            .join(' · ') || 'no proofs yet'}
          {proofs.data.queued ? ` · ${proofs.data.queued} bindings waiting to be proved` : ''}
        </p>
        <button
          className="btn"
          type="button"
          disabled={!ids.length || browser.isPending}
          onClick={() => browser.mutate(ids)}
        >
          {browser.isPending ? 'Verifying…' : `Verify ${ids.length} in browser`}
        </button>
        <button
          className="btn"
          type="button"
          disabled={!ids.length || server.isPending}
          onClick={() => server.mutate(ids)}
        >
          Batch-verify on server
        </button>
        <a className="btn" href="/apis/entroos.io/v1/proofs/export" download>
          Export
        </a>
      </div>
      <p role="status" aria-live="polite" data-testid="batch-result">
        {browser.data &&
          `${browser.data.valid}/${browser.data.valid + browser.data.invalid.length} proofs valid, checked in this browser in ${browser.data.ms.toFixed(0)} ms`}
        {browser.error && <span className="error">{browser.error.message}</span>}
        {server.data && ` Server: ${server.data.verified.length} verified, ${server.data.invalid.length} invalid.`}
        {server.error && <span className="error">{server.error.message}</span>}
      </p>
      <DataTable
        rows={proofs.data.items}
        columns={columns}
        testId="proofs-table"
        empty="No proofs yet: they appear a few seconds after pods are scheduled."
      />
    </section>
  );
}
