'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PublicPlacement } from '../store/proofs.ts';
import { apiFetch } from './api.ts';
import { verifyInBrowser, type ProofToVerify } from './snarkjs.ts';

const PATH = '/apis/entroos.io/v1/proofs';
const KEY = ['proofs'] as const;

/** A placement as the API serves it (JSON: dates as strings). */
export type PlacementItem = Omit<PublicPlacement, 'createdAt'> & { createdAt: string };

export interface PlacementList {
  counts: Record<string, number>;
  queued: number;
  items: PlacementItem[];
}

export function useProofsQuery() {
  // New proofs arrive every few seconds while pods are scheduled.
  return useQuery({
    queryKey: KEY,
    queryFn: () => apiFetch<PlacementList>(`${PATH}?limit=200`),
    refetchInterval: 5_000,
  });
}

/** Verifies the given proofs in this browser, one by one, with the public keys. */
export function useVerifyInBrowserMutation() {
  return useMutation({
    mutationFn: async (ids: string[]) => {
      let valid = 0;
      const invalid: string[] = [];
      const started = performance.now();
      for (const id of ids) {
        const proof = await apiFetch<ProofToVerify>(`${PATH}/${encodeURIComponent(id)}`);
        if ((await verifyInBrowser(proof)).valid) valid++;
        else invalid.push(id);
      }
      return { valid, invalid, ms: performance.now() - started };
    },
  });
}

/** Asks the server to batch-verify stored proofs and record their status. */
export function useVerifyOnServerMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) =>
      apiFetch<{ valid: boolean; verified: string[]; invalid: string[] }>(`${PATH}/verify`, {
        method: 'POST',
        body: { ids },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}
