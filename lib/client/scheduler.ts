'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { SchedulerConfig } from '../scheduler/profiles.ts';
import type { DecisionSummary } from '../scheduler/decisions.ts';
import type { LabResult, LabSample } from '../scheduler/lab.ts';
import type { PlatformEvent } from '../router/bus.ts';
import { feedback } from './feedback.ts';
import { apiFetch } from './api.ts';
import { subscribe } from './socket.ts';

const BASE = '/apis/entroos.io/v1/scheduler';
const STATUS = ['scheduler', 'status'] as const;
const DECISIONS = ['scheduler', 'decisions'] as const;

export interface SchedulerStatus {
  config: SchedulerConfig;
  queue: Record<string, number>;
  nodes: number;
  clusterEntropy: number;
  totals: { attempts: number; scheduled: number; unschedulable: number; bindErrors: number };
  attemptLatencyMs: { p50: number; p99: number };
}

export type RecentDecision = Pick<DecisionSummary, 'pod' | 'uid' | 'profile' | 'result' | 'node' | 'message'>;

export function useSchedulerStatusQuery() {
  return useQuery({ queryKey: STATUS, queryFn: () => apiFetch<SchedulerStatus>(BASE) });
}

/**
 * Recent decisions: listed once, then prepended as `scheduling.decision`
 * events arrive on the tab's socket; the status (queues, totals) is refetched
 * at most every 2 s while decisions flow.
 */
export function useRecentDecisionsQuery() {
  const queryClient = useQueryClient();
  const lastRefresh = useRef(0);
  const query = useQuery({
    queryKey: DECISIONS,
    staleTime: Infinity,
    queryFn: async () => (await apiFetch<{ items: RecentDecision[] }>(`${BASE}/decisions?limit=50`)).items,
  });
  useEffect(
    () =>
      subscribe(
        { stream: 'platform', topics: ['scheduling.decision'] },
        {
          onPlatform: (event) => {
            const decision = (event as PlatformEvent<'scheduling.decision'>).data;
            queryClient.setQueryData<RecentDecision[]>(DECISIONS, (old) =>
              [decision, ...(old ?? []).filter((d) => d.uid !== decision.uid)].slice(0, 50),
            );
            if (Date.now() - lastRefresh.current > 2_000) {
              lastRefresh.current = Date.now();
              void queryClient.invalidateQueries({ queryKey: STATUS });
            }
          },
          onResync: () => void queryClient.invalidateQueries({ queryKey: DECISIONS }),
        },
      ),
    [queryClient],
  );
  return query;
}

export function useSaveSchedulerConfigMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: feedback({
      action: 'Saving the scheduler profiles',
      success: 'Saved the scheduler profiles; the scheduler uses them now.',
    }),
    mutationFn: (config: SchedulerConfig) =>
      apiFetch<SchedulerConfig>(`${BASE}/config`, { method: 'PUT', body: config }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: STATUS }),
  });
}

export type { LabSample };

export interface LabRun {
  seed: number;
  results: LabResult[];
}

export interface LabInput {
  profiles: string[];
  seed: number;
  generateNodes: { count: number };
  generateWorkload: { pods: number; durationMs: number };
  sampleEveryMs: number;
}

/** Replays one generated workload under each chosen profile in isolated in-memory clusters (nothing touches the real cluster). */
export function useLabRunMutation() {
  return useMutation({
    meta: feedback({
      action: 'The lab run',
      success: (r: LabRun) => `Lab run done: ${r.results.length} profile(s) compared.`,
    }),
    mutationFn: (input: LabInput) => apiFetch<LabRun>(`${BASE}/lab`, { method: 'POST', body: input }),
  });
}
