import { z } from 'zod';
import { withAuth } from '@/lib/http/with-auth.ts';
import { parseQuery } from '@/lib/http/parse.ts';
import type { PlacementList } from '@/lib/proofs/records.ts';

export const dynamic = 'force-dynamic';

const query = z.object({
  namespace: z.string().min(1).optional(),
  pod: z.string().min(1).optional(),
  node: z.string().min(1).optional(),
  status: z.enum(['proved', 'verified', 'invalid']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});

/** Placements with their proof's id and status, newest first: ?namespace, ?pod (name), ?node, ?status. */
export const GET = withAuth({ verb: 'list', resource: 'proofs' }, async ({ platform, url }) => {
  const q = parseQuery(url, query);
  const items = await platform.store.proofs.listPlacements({
    namespace: q.namespace,
    name: q.pod,
    node: q.node,
    status: q.status,
    limit: q.limit,
  });
  return Response.json({
    kind: 'PlacementList',
    apiVersion: 'entroos.io/v1',
    counts: await platform.store.proofs.counts(),
    queued: platform.leader?.proofs?.queued ?? 0,
    items,
  } satisfies PlacementList);
});
