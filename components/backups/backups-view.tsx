'use client';

import { useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import type { RestoreReport, StoredBackup } from '@/lib/backup/index.ts';
import {
  useBackupsQuery,
  useCreateBackupMutation,
  useDeleteBackupMutation,
  useRestoreMutation,
  type RestoreInput,
} from '@/lib/client/backups.ts';
import { RestoreDiff } from './restore-diff';

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 2 ** 20
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const objectCount = (b: StoredBackup) =>
  Object.entries(b.manifest?.counts ?? {})
    .filter(([k]) => !['users', 'tokens', 'settings'].includes(k))
    .reduce((n, [, c]) => n + c, 0);

/** Admin: stored backups, taking one, and checking (dry run) or restoring a stored or uploaded one. */
export function BackupsView() {
  const backups = useBackupsQuery();
  const create = useCreateBackupMutation();
  const remove = useDeleteBackupMutation();
  const restore = useRestoreMutation();
  const [file, setFile] = useState<File | null>(null);
  const [trustKey, setTrustKey] = useState('');
  const [report, setReport] = useState<{
    source: string;
    input: Omit<RestoreInput, 'dryRun'>;
    report: RestoreReport;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const check = (source: string, input: Omit<RestoreInput, 'dryRun'>) => {
    setError(null);
    setReport(null);
    restore.mutate(
      { ...input, dryRun: true },
      { onSuccess: (r) => setReport({ source, input, report: r }), onError: (err) => setError(err.message) },
    );
  };
  const apply = () => {
    if (!report) return;
    const t = report.report.totals;
    if (
      !window.confirm(
        `Restore ${report.source}? This adds ${t.added}, changes ${t.changed} and removes ${t.removed} objects in the live cluster.`,
      )
    )
      return;
    setError(null);
    restore.mutate(
      { ...report.input, dryRun: false },
      {
        onSuccess: (r) => setReport({ ...report, report: r }),
        onError: (err) => setError(err.message),
      },
    );
  };

  const columns: Column<StoredBackup>[] = [
    { header: 'Backup', cell: (b) => <code>{b.name}</code> },
    { header: 'Taken', cell: (b) => (b.manifest ? new Date(b.manifest.createdAt).toLocaleString() : b.error) },
    { header: 'resourceVersion', cell: (b) => b.manifest?.resourceVersion ?? '—' },
    { header: 'Objects', cell: (b) => objectCount(b) },
    { header: 'Size', cell: (b) => size(b.bytes) },
    {
      header: 'Actions',
      cell: (b) => (
        <span className="row">
          <a className="btn" href={`/apis/entroos.io/v1/backups/${encodeURIComponent(b.name)}`} download={b.name}>
            Download
          </a>
          <button
            className="btn"
            type="button"
            disabled={restore.isPending}
            onClick={() => check(b.name, { backup: b.name, trustKey })}
          >
            Check
          </button>
          <button
            className="btn btn-danger"
            type="button"
            disabled={remove.isPending}
            onClick={() => window.confirm(`Delete ${b.name}?`) && remove.mutate(b.name)}
          >
            Delete
          </button>
        </span>
      ),
    },
  ];

  return (
    <>
      <section className="panel">
        <h2>Take a backup</h2>
        <p className="muted">
          Every object at one resourceVersion (writes go on meanwhile), users, token hashes and cluster settings, signed
          with the cluster&apos;s key. Secrets stay encrypted with the cluster&apos;s secret key.
        </p>
        <button
          className="btn btn-primary"
          type="button"
          data-testid="create-backup"
          disabled={create.isPending}
          onClick={() => create.mutate()}
        >
          {create.isPending ? 'Taking a backup…' : 'Create backup'}
        </button>
      </section>
      <section className="panel">
        <h2>Restore</h2>
        <p className="muted">
          Check a backup first: its signature and every part&apos;s sha256 are verified, and the difference with the
          live cluster is shown per kind. Restoring then creates, changes and removes objects to match the backup.
        </p>
        <div className="row">
          <div className="field">
            <label htmlFor="restore-file">Backup file</label>
            <input
              id="restore-file"
              type="file"
              accept=".gz,application/gzip"
              data-testid="restore-file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </div>
          <div className="field">
            <label htmlFor="trust-key">Trust signing key (another cluster&apos;s backup)</label>
            <input id="trust-key" value={trustKey} placeholder="key id" onChange={(e) => setTrustKey(e.target.value)} />
          </div>
          <div className="field">
            <button
              className="btn"
              type="button"
              data-testid="dry-run"
              disabled={!file || restore.isPending}
              onClick={() => file && check(file.name, { file, trustKey })}
            >
              Check (dry run)
            </button>
          </div>
        </div>
        {error && (
          <p className="alert alert-error" role="alert" data-testid="restore-error">
            {error}
          </p>
        )}
        {report && (
          <>
            <RestoreDiff report={report.report} />
            {report.report.dryRun && (
              <button
                className="btn btn-danger"
                type="button"
                data-testid="restore-apply"
                disabled={restore.isPending}
                onClick={apply}
              >
                {restore.isPending ? 'Restoring…' : `Restore ${report.source}`}
              </button>
            )}
          </>
        )}
      </section>
      <section className="panel">
        <h2>Stored backups</h2>
        {backups.isPending ? (
          <p className="muted">Loading backups…</p>
        ) : backups.isError ? (
          <p className="error" role="alert">
            {backups.error.message}
          </p>
        ) : (
          <DataTable rows={backups.data} columns={columns} testId="backups-table" empty="No stored backups yet." />
        )}
      </section>
    </>
  );
}
