'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BackupManifest, RestoreReport, StoredBackup } from '../backup/index.ts';
import { apiFetch } from './api.ts';
import { feedback } from './feedback.ts';

const PATH = '/apis/entroos.io/v1/backups';
const KEY = ['backups'] as const;

export function useBackupsQuery() {
  return useQuery({ queryKey: KEY, queryFn: async () => (await apiFetch<{ items: StoredBackup[] }>(PATH)).items });
}

export function useCreateBackupMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({
      action: 'Taking a backup',
      success: (b: StoredBackup & { manifest: BackupManifest }) =>
        `Stored ${b.name} at resourceVersion ${b.manifest.resourceVersion}.`,
    }),
    mutationFn: () => apiFetch<StoredBackup & { manifest: BackupManifest }>(PATH, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useDeleteBackupMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({ action: 'Deleting the backup', success: (_: unknown, name: string) => `Deleted ${name}.` }),
    mutationFn: (name: string) => apiFetch(`${PATH}/${encodeURIComponent(name)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export interface RestoreInput {
  /** An uploaded file, or the name of a stored backup. */
  file?: File;
  backup?: string;
  dryRun: boolean;
  trustKey?: string;
}

/** POSTs the backup file as it is (bytes, not JSON), or names a stored backup. */
async function restore(input: RestoreInput): Promise<RestoreReport> {
  const query = new URLSearchParams({ dryRun: String(input.dryRun) });
  if (input.backup) query.set('backup', input.backup);
  if (input.trustKey?.trim()) query.set('trustKey', input.trustKey.trim());
  return apiFetch<RestoreReport>(`/apis/entroos.io/v1/restores?${query}`, {
    method: 'POST',
    ...(input.file && { body: new Uint8Array(await input.file.arrayBuffer()), contentType: 'application/gzip' }),
  });
}

export function useRestoreMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({
      action: 'Restoring',
      success: (r: RestoreReport) =>
        r.dryRun
          ? `Checked: the restore would add ${r.totals.added}, change ${r.totals.changed}, remove ${r.totals.removed}.`
          : `Restored: added ${r.totals.added}, changed ${r.totals.changed}, removed ${r.totals.removed}.`,
    }),
    mutationFn: restore,
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
