'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateTokenInput, PublicToken } from '../auth/tokens.ts';
import { apiFetch } from './api.ts';

const PATH = '/apis/entroos.io/v1/tokens';
const KEY = ['tokens'] as const;

export function useTokensQuery() {
  return useQuery({ queryKey: KEY, queryFn: async () => (await apiFetch<{ items: PublicToken[] }>(PATH)).items });
}

export function useCreateTokenMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTokenInput) => apiFetch<PublicToken & { token: string }>(PATH, { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useRevokeTokenMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<PublicToken>(`${PATH}/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}
