'use client';

import { MutationCache, QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EntroosProvider } from '@entroos/react';
import { ToastProvider, useToast } from './toasts';
import { dashboardClient } from '@/lib/client/api.ts';
import type { MutationFeedback } from '@/lib/client/feedback.ts';
import { tabSocket } from '@/lib/client/socket.ts';

/**
 * One place gives every action its feedback: the mutation's `meta.success` as a toast, or the API's message on
 * failure. The same react-query cache, client and socket serve @entroos/react's hooks: one client, one socket.
 */
function QueryProvider({ children }: { children: React.ReactNode }) {
  const toast = useToast();
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 10_000, retry: 1 } },
        mutationCache: new MutationCache({
          onSuccess: (data, variables, _context, mutation) => {
            const success = (mutation.meta as MutationFeedback | undefined)?.success;
            const text = typeof success === 'function' ? success(data, variables) : success;
            if (text) toast.success(text);
          },
          onError: (error, _variables, _context, mutation) => {
            const what = (mutation.meta as MutationFeedback | undefined)?.action;
            toast.error(what ? `${what} failed: ${error.message}` : error.message);
          },
        }),
      }),
  );
  const [socket] = useState(tabSocket);
  return (
    <EntroosProvider client={dashboardClient} queryClient={client} socket={socket}>
      {children}
    </EntroosProvider>
  );
}

export function Providers({ children }: { children: React.ReactNode }) {
  return (
    <ToastProvider>
      <QueryProvider>{children}</QueryProvider>
    </ToastProvider>
  );
}
