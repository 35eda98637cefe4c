'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateUserInput, PublicUser, UpdateUserInput } from '../auth/users.ts';
import { feedback } from './feedback.ts';
import { apiFetch } from './api.ts';

const PATH = '/apis/entroos.io/v1/users';
const KEY = ['users'] as const;

export function useUsersQuery() {
  return useQuery({ queryKey: KEY, queryFn: async () => (await apiFetch<{ items: PublicUser[] }>(PATH)).items });
}

export function useCreateUserMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({ success: (u: PublicUser) => `Created user ${u.username} (${u.role}).` }),
    mutationFn: (input: CreateUserInput) => apiFetch<PublicUser>(PATH, { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useUpdateUserMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({
      action: 'Updating the user',
      success: (u: PublicUser) => `Updated ${u.username}: ${u.role}${u.disabled ? ', disabled' : ''}.`,
    }),
    mutationFn: ({ id, ...change }: UpdateUserInput & { id: string }) =>
      apiFetch<PublicUser>(`${PATH}/${encodeURIComponent(id)}`, { method: 'PATCH', body: change }),
    onSuccess: (user) => {
      queryClient.setQueryData<PublicUser[]>(KEY, (old) => (old ?? []).map((u) => (u.id === user.id ? user : u)));
      return queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
}
