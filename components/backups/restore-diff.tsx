'use client';

import type { RestoreReport } from '@/lib/backup/index.ts';

const SHOWN = 20;

function Names({ label, names }: { label: string; names: string[] }) {
  if (!names.length) return null;
  return (
    <div>
      <strong>{label}:</strong> {names.slice(0, SHOWN).join(', ')}
      {names.length > SHOWN && ` … and ${names.length - SHOWN} more`}
    </div>
  );
}

/** A restore's diff against the live cluster, per kind: counts, and the names behind them. */
export function RestoreDiff({ report }: { report: RestoreReport }) {
  const kinds = Object.entries(report.diff).sort(([a], [b]) => (a < b ? -1 : 1));
  const b = report.backup;
  return (
    <div data-testid="restore-diff">
      <p className="muted">
        Backup of {new Date(b.createdAt).toLocaleString()} at resourceVersion {b.resourceVersion} (EntroOS{' '}
        {b.entroosVersion}, {b.sourceDatabase}), signed by key <code>{b.signerKeyId}</code>.{' '}
        {report.dryRun ? 'A restore would' : 'The restore did'}: add {report.totals.added}, change{' '}
        {report.totals.changed}, remove {report.totals.removed} ({report.totals.unchanged} unchanged).
      </p>
      <table className="table" data-testid="restore-diff-table">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Added</th>
            <th>Changed</th>
            <th>Removed</th>
            <th>Unchanged</th>
            <th>Objects</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map(([kind, d]) => (
            <tr key={kind} data-kind={kind}>
              <td>{kind}</td>
              <td data-testid={`added-${kind}`}>{d.added.length}</td>
              <td data-testid={`changed-${kind}`}>{d.changed.length}</td>
              <td data-testid={`removed-${kind}`}>{d.removed.length}</td>
              <td>{d.unchanged}</td>
              <td>
                {d.added.length + d.changed.length + d.removed.length > 0 ? (
                  <details>
                    <summary>names</summary>
                    <Names label="added" names={d.added} />
                    <Names label="changed" names={d.changed} />
                    <Names label="removed" names={d.removed} />
                  </details>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
