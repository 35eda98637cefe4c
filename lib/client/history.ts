'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { PlatformEvent } from '../router/bus.ts';
import { mergeSample, WINDOWS, type HistoryWindow, type Point, type Sample } from '../history/series.ts';
import type { NodeUsagePoint } from '../history/node-series.ts';
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

/** One node's usage over the last 15 minutes, refetched when the leader takes a sample (no polling). */
export function useNodeHistoryQuery(name: string) {
  const queryClient = useQueryClient();
  const queryKey = ['history', 'node', name];
  const query = useQuery({
    queryKey,
    staleTime: Infinity,
    queryFn: async () =>
      (await apiFetch<{ points: NodeUsagePoint[] }>(`/apis/entroos.io/v1/history/nodes/${encodeURIComponent(name)}`))
        .points,
  });
  useEffect(
    () =>
      subscribe(
        { stream: 'platform', topics: ['metrics.sample'] },
        {
          onPlatform: () => void queryClient.invalidateQueries({ queryKey: ['history', 'node', name] }),
          onResync: () => void queryClient.invalidateQueries({ queryKey: ['history', 'node', name] }),
        },
      ),
    [queryClient, name],
  );
  return query;
}

/** Every node's latest usage (millicores, bytes) by name, refetched when the leader takes a sample. */
export function useNodesUsageQuery() {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['history', 'nodes'],
    staleTime: Infinity,
    queryFn: async () =>
      new Map(
        (
          await apiFetch<{ items: ({ node: string } & NodeUsagePoint)[] }>('/apis/entroos.io/v1/history/nodes')
        ).items.map((u) => [u.node, u]),
      ),
  });
  useEffect(
    () =>
      subscribe(
        { stream: 'platform', topics: ['metrics.sample'] },
        {
          onPlatform: () => void queryClient.invalidateQueries({ queryKey: ['history', 'nodes'] }),
          onResync: () => void queryClient.invalidateQueries({ queryKey: ['history', 'nodes'] }),
        },
      ),
    [queryClient],
  );
  return query;
}
