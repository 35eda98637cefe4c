import { z } from 'zod';
import type { AuditFilter, Store } from '../store/index.ts';
import type { AuditEvent, AuditSummary } from './event.ts';
import { summarize } from './trail.ts';

// GET /apis/entroos.io/v1/audit/events: the newest records first, filtered by the indexed fields, paged by seq.

const time = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'an RFC 3339 time such as 2026-01-31T12:00:00Z')
  .transform((v) => new Date(v));

export const auditQuerySchema = z
  .object({
    user: z.string().min(1).max(256).optional(),
    verb: z.string().min(1).max(64).optional(),
    resource: z.string().min(1).max(256).optional(),
    namespace: z.string().max(253).optional(),
    name: z.string().min(1).max(253).optional(),
    since: time.optional(),
    until: time.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    continue: z.string().regex(/^\d+$/, 'the continue value of the previous page').optional(),
    /** events: audit.k8s.io/v1 EventList (default); summary: the dashboard's compact rows. */
    format: z.enum(['events', 'summary']).default('events'),
  })
  .strict();

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export type AuditPage =
  | { kind: 'EventList'; apiVersion: 'audit.k8s.io/v1'; metadata: { continue?: string }; items: AuditEvent[] }
  | { kind: 'AuditSummaryList'; apiVersion: 'entroos.io/v1'; metadata: { continue?: string }; items: AuditSummary[] };

export async function searchAudit(store: Pick<Store, 'audit'>, q: AuditQuery): Promise<AuditPage> {
  const filter: AuditFilter = {
    user: q.user,
    verb: q.verb,
    resource: q.resource,
    namespace: q.namespace,
    name: q.name,
    since: q.since,
    until: q.until,
    before: q.continue ? Number(q.continue) : undefined,
    limit: q.limit,
  };
  const rows = await store.audit.search(filter);
  const next = rows.length === q.limit ? String(rows[rows.length - 1].seq) : undefined;
  const metadata = next ? { continue: next } : {};
  if (q.format === 'summary')
    return { kind: 'AuditSummaryList', apiVersion: 'entroos.io/v1', metadata, items: rows.map((r) => summarize(r)) };
  return {
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata,
    items: rows.map((r) => JSON.parse(r.event) as AuditEvent),
  };
}
