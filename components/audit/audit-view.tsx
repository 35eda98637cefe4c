'use client';

import { useMemo, useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import {
  matchesFilters,
  useAuditQuery,
  useAuditTail,
  useAuditVerifyMutation,
  type AuditFilters,
  type AuditSummary,
} from '@/lib/client/audit.ts';

const VERBS = ['', 'create', 'update', 'patch', 'delete', 'deletecollection', 'get', 'list', 'watch', 'login', 'post'];
const TAIL_KEEP = 500;

const columns: Column<AuditSummary>[] = [
  { header: '#', cell: (r) => r.seq },
  { header: 'Time', cell: (r) => new Date(r.time).toLocaleString() },
  { header: 'User', cell: (r) => r.user },
  { header: 'Verb', cell: (r) => r.verb },
  {
    header: 'Object',
    cell: (r) =>
      r.resource ? [r.resource, r.namespace, r.name].filter(Boolean).join(' / ') : <code>{r.requestURI}</code>,
  },
  {
    header: 'Code',
    cell: (r) => <span className={`badge ${r.code >= 400 ? 'badge-revoked' : 'badge-active'}`}>{r.code}</span>,
  },
  { header: 'Decision', cell: (r) => r.decision || '—' },
  { header: 'Source', cell: (r) => r.sourceIP },
];

/** Admin: search the audit trail (user, verb, kind, namespace, time), follow it live, verify it, report on it. */
export function AuditView() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const [tail, setTail] = useState(false);
  const [live, setLive] = useState<AuditSummary[]>([]);
  const query = useAuditQuery(filters);
  const verify = useAuditVerifyMutation();
  useAuditTail(tail, (records) => {
    const matching = records.filter((r) => matchesFilters(r, filters)).reverse();
    if (matching.length) setLive((old) => [...matching, ...old].slice(0, TAIL_KEEP));
  });
  const rows = useMemo(() => {
    const listed = query.data?.pages.flatMap((p) => p.items) ?? [];
    const newest = listed[0]?.seq ?? 0;
    return [...live.filter((r) => r.seq > newest), ...listed];
  }, [query.data, live]);

  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setLive([]);
    setFilters({
      user: text('user'),
      verb: text('verb'),
      resource: text('resource'),
      namespace: text('namespace'),
      since: text('since'),
      until: text('until'),
    });
  };

  return (
    <>
      <section className="panel">
        <form className="row" onSubmit={submit} aria-label="Audit filters">
          <div className="field">
            <label htmlFor="audit-user">User</label>
            <input id="audit-user" name="user" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="audit-verb">Verb</label>
            <select id="audit-verb" name="verb" defaultValue="">
              {VERBS.map((v) => (
                <option key={v} value={v}>
                  {v || 'any verb'}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-resource">Kind (resource)</label>
            <input id="audit-resource" name="resource" placeholder="pods" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="audit-namespace">Namespace</label>
            <input id="audit-namespace" name="namespace" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="audit-since">From</label>
            <input id="audit-since" name="since" type="datetime-local" />
          </div>
          <div className="field">
            <label htmlFor="audit-until">Until</label>
            <input id="audit-until" name="until" type="datetime-local" />
          </div>
          <button className="btn" type="submit">
            Search
          </button>
        </form>
        <p className="row">
          <label>
            <input type="checkbox" checked={tail} onChange={(e) => setTail(e.target.checked)} /> Live tail
          </label>
          <button className="btn" type="button" disabled={verify.isPending} onClick={() => verify.mutate()}>
            {verify.isPending ? 'Verifying…' : 'Verify the chain'}
          </button>
          <a href="/apis/entroos.io/v1/audit/compliance?format=html" target="_blank" rel="noreferrer">
            Compliance report
          </a>
          <a href="/apis/entroos.io/v1/audit/compliance?format=csv">CSV</a>
          <a href="/apis/entroos.io/v1/audit/export">Export (JSON lines)</a>
        </p>
        {verify.data && (
          <p role="status" className={verify.data.ok ? 'muted' : 'error'} data-testid="audit-verify-result">
            {verify.data.message}
          </p>
        )}
        {verify.error && (
          <p role="alert" className="error">
            {verify.error.message}
          </p>
        )}
      </section>
      {query.isPending ? (
        <p className="muted">Loading the audit trail…</p>
      ) : query.isError ? (
        <p className="error" role="alert">
          {query.error.message}
        </p>
      ) : (
        <>
          <DataTable rows={rows} columns={columns} empty="No audit records match." testId="audit-table" limit={5_000} />
          {query.hasNextPage && (
            <button
              className="btn"
              type="button"
              disabled={query.isFetchingNextPage}
              onClick={() => query.fetchNextPage()}
            >
              {query.isFetchingNextPage ? 'Loading…' : 'Load older records'}
            </button>
          )}
        </>
      )}
    </>
  );
}
