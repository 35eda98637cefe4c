'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateTokenInput, PublicToken } from '../auth/tokens.ts';
import { feedback } from './feedback.ts';
import { apiFetch } from './api.ts';

const PATH = '/apis/entroos.io/v1/tokens';
const KEY = ['tokens'] as const;

export function useTokensQuery() {
  return useQuery({ queryKey: KEY, queryFn: async () => (await apiFetch<{ items: PublicToken[] }>(PATH)).items });
}

export function useCreateTokenMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({ success: (t: PublicToken) => `Created token “${t.name}”. Copy it now: it is shown once.` }),
    mutationFn: (input: CreateTokenInput) =>
      apiFetch<PublicToken & { token: string }>(PATH, { method: 'POST', body: input }),
    onSuccess: ({ token: _secret, ...created }) => {
      // Show the new row at once (never the secret), then confirm with the server.
      queryClient.setQueryData<PublicToken[]>(KEY, (old) => [
        created as PublicToken,
        ...(old ?? []).filter((t) => t.id !== created.id),
      ]);
      return queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
}

export function useRevokeTokenMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({ action: 'Revoking the token', success: (t: PublicToken) => `Revoked token “${t.name}”.` }),
    mutationFn: (id: string) => apiFetch<PublicToken>(`${PATH}/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (revoked) => {
      queryClient.setQueryData<PublicToken[]>(KEY, (old) =>
        (old ?? []).map((t) => (t.id === revoked.id ? revoked : t)),
      );
      return queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
}
