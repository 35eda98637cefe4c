'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { PlatformEvent } from '../router/bus.ts';
import { mergeSample, WINDOWS, type HistoryWindow, type Point, type Sample } from '../history/series.ts';
import { apiFetch } from './api.ts';
import { subscribe } from './socket.ts';

const key = (window: HistoryWindow) => ['history', window] as const;

/**
 * The cluster history over one window: listed once, then every sample the
 * leader publishes (`metrics.sample` on the tab's socket) is merged into
 * every window's cached series — no polling.
 */
export function useHistoryQuery(window: HistoryWindow) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: key(window),
    staleTime: Infinity,
    queryFn: async () => (await apiFetch<{ points: Point[] }>(`/apis/entroos.io/v1/history?window=${window}`)).points,
  });
  useEffect(
    () =>
      subscribe(
        { stream: 'platform', topics: ['metrics.sample'] },
        {
          onPlatform: (event) => {
            const sample = (event as PlatformEvent<'metrics.sample'>).data as Sample;
            for (const w of Object.keys(WINDOWS) as HistoryWindow[]) {
              queryClient.setQueryData<Point[]>(key(w), (old) => (old ? mergeSample(old, sample, w) : old));
            }
          },
          onResync: () => void queryClient.invalidateQueries({ queryKey: ['history'] }),
        },
      ),
    [queryClient],
  );
  return query;
}
