import { z } from 'zod';
import { withAuth } from '@/lib/http/with-auth.ts';
import { parseQuery } from '@/lib/http/parse.ts';
import { decisionFor } from '@/lib/scheduler/http.ts';
import { leaderServices } from '@/lib/http/leader.ts';

export const dynamic = 'force-dynamic';

const query = z.object({
  pod: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** ?pod=namespace/name (or uid): that pod's latest decision, with per-node detail while recent; otherwise the recent decisions. */
export const GET = withAuth({ verb: 'list', resource: 'scheduler' }, ({ platform, url }) => {
  const { pod, limit } = parseQuery(url, query);
  const scheduler = leaderServices(platform).scheduler;
  if (pod) return Response.json(decisionFor(scheduler, pod));
  return Response.json({ kind: 'DecisionList', apiVersion: 'entroos.io/v1', items: scheduler.decisions.recent(limit) });
});
