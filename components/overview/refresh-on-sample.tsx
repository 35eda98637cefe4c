'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { subscribe } from '@/lib/client/socket.ts';

/** Re-renders the server-rendered overview (cards, latest events) each time the leader takes a sample — live without polling. */
export function RefreshOnSample() {
  const router = useRouter();
  useEffect(
    () =>
      subscribe(
        { stream: 'platform', topics: ['metrics.sample'] },
        { onPlatform: () => router.refresh(), onResync: () => router.refresh() },
      ),
    [router],
  );
  return null;
}
