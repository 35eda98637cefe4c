'use client';

import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { AuditSummary } from '../audit/event.ts';
import { apiFetch } from './api.ts';
import { subscribe } from './socket.ts';

export type { AuditSummary };

const BASE = '/apis/entroos.io/v1/audit';

export interface AuditFilters {
  user?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
  since?: string;
  until?: string;
}

interface SummaryPage {
  metadata: { continue?: string };
  items: AuditSummary[];
}

const queryString = (f: AuditFilters, next?: string) => {
  const params = new URLSearchParams({ format: 'summary', limit: '200' });
  for (const [k, v] of Object.entries(f))
    if (v) params.set(k, k === 'since' || k === 'until' ? new Date(v).toISOString() : v);
  if (next) params.set('continue', next);
  return params.toString();
};

/** The newest records matching `filters`, 200 a page ("load more" follows `continue`). */
export function useAuditQuery(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => apiFetch<SummaryPage>(`${BASE}/events?${queryString(filters, pageParam)}`),
    getNextPageParam: (last) => last.metadata.continue,
  });
}

/** Whether a live record matches the filters as the server would filter it. */
export function matchesFilters(r: AuditSummary, f: AuditFilters): boolean {
  return (
    (!f.user || r.user === f.user) &&
    (!f.verb || r.verb === f.verb) &&
    (!f.resource || r.resource === f.resource || r.resource.startsWith(`${f.resource}/`)) &&
    (!f.namespace || r.namespace === f.namespace) &&
    (!f.since || r.time >= new Date(f.since).toISOString()) &&
    (!f.until || r.time < new Date(f.until).toISOString())
  );
}

/** Records as every instance appends them (the `audit.records` platform topic), while `enabled`. */
export function useAuditTail(enabled: boolean, onRecords: (records: AuditSummary[], more: number) => void) {
  const handler = useRef(onRecords);
  useEffect(() => {
    handler.current = onRecords;
  });
  useEffect(() => {
    if (!enabled) return;
    return subscribe(
      { stream: 'platform', topics: ['audit.records'] },
      {
        onPlatform: (event) => {
          const data = (event as { data?: { records?: AuditSummary[]; more?: number } }).data;
          if (data?.records) handler.current(data.records, data.more ?? 0);
        },
        onResync: () => {},
      },
    );
  }, [enabled]);
}

export interface AuditVerification {
  ok: boolean;
  message: string;
  records: number;
  checkpoints: number;
}

export function useAuditVerifyMutation() {
  return useMutation({ mutationFn: () => apiFetch<AuditVerification>(`${BASE}/verify`) });
}
