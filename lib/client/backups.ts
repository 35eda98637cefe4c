'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BackupManifest, RestoreReport, StoredBackup } from '../backup/index.ts';
import { ApiClientError, apiFetch, type ClientStatus } from './api.ts';
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

/** POSTs the backup file as it is (apiFetch sends JSON), mapping a Status to an ApiClientError like apiFetch. */
async function restore(input: RestoreInput): Promise<RestoreReport> {
  const query = new URLSearchParams({ dryRun: String(input.dryRun) });
  if (input.backup) query.set('backup', input.backup);
  if (input.trustKey?.trim()) query.set('trustKey', input.trustKey.trim());
  let response: Response;
  try {
    response = await fetch(`/apis/entroos.io/v1/restores?${query}`, {
      method: 'POST',
      headers: input.file ? { 'Content-Type': 'application/gzip' } : undefined,
      body: input.file ?? undefined,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiClientError('Cannot reach the EntroOS server; check your connection.', 0);
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const status = (data ?? {}) as ClientStatus;
    throw new ApiClientError(status.message ?? `${response.status} ${response.statusText}`, response.status, status);
  }
  return data as RestoreReport;
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
