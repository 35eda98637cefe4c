'use client';

import { useMutation } from '@tanstack/react-query';
import { decodePodRow, podRow, type PodRow } from '../apimachinery/rows.ts';
import type { PodRowList } from '../apiserver/views.ts';
import { apiFetch } from './api.ts';
import { feedback } from './feedback.ts';
import { useLiveRows, type LiveRowsSpec } from './live-rows.ts';
import type { ListOptions } from './follow.ts';

/** A pods-table row with what the text filter reads, lower-cased once per pod version instead of per keystroke. */
export interface PodTableRow extends PodRow {
  search: string;
}

const tableRow = (r: PodRow): PodTableRow => ({
  ...r,
  search: `${r.name.toLowerCase()}\n${r.node === '—' ? '' : r.node.toLowerCase()}`,
});

const podRowsSpec: LiveRowsSpec<PodTableRow, PodRowList> = {
  resource: 'pods',
  path: '/apis/entroos.io/v1/rows/pods',
  decode: (body: PodRowList) => ({
    rows: body.rows.map((t) => tableRow(decodePodRow(t))),
    resourceVersion: body.metadata.resourceVersion,
  }),
  rowOf: (pod) => tableRow(podRow(pod)),
};

/** Every pod (optionally by namespace and selectors) as live table rows. */
export function usePodRowsQuery(options: ListOptions = {}) {
  return useLiveRows(podRowsSpec, options);
}

const podPath = (namespace: string, name: string) =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
const CONCURRENCY = 8;

/** Deletes many pods (graceful), a few at a time; resolves with what failed (a pod already gone counts as deleted). */
export function useDeletePodsMutation() {
  return useMutation({
    meta: feedback({
      action: 'Deleting pods',
      success: (r: { deleted: number; failed: string[] }) =>
        r.failed.length
          ? `Deleted ${r.deleted} pod(s); ${r.failed.length} failed: ${r.failed.slice(0, 3).join('; ')}`
          : `Deleting ${r.deleted} pod(s).`,
    }),
    mutationFn: async (pods: { namespace: string; name: string }[]) => {
      const queue = [...pods];
      const failed: string[] = [];
      let deleted = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
          for (let pod = queue.shift(); pod; pod = queue.shift()) {
            try {
              await apiFetch(podPath(pod.namespace, pod.name), { method: 'DELETE' });
              deleted++;
            } catch (err) {
              if ((err as { code?: number }).code === 404) deleted++;
              else failed.push(`${pod.namespace}/${pod.name}: ${(err as Error).message}`);
            }
          }
        }),
      );
      return { deleted, failed };
    },
  });
}
