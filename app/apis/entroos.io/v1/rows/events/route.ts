import { withAuth } from '@/lib/http/with-auth.ts';
import { badRequest } from '@/lib/apimachinery/errors.ts';
import { eventRowList } from '@/lib/apiserver/views.ts';

export const dynamic = 'force-dynamic';

const MAX_LIMIT = 50_000;

/** The newest events as compact rows (?namespace=&limit=, default 5,000), with the total and the resourceVersion to watch from. */
export const GET = withAuth({ verb: 'list', resource: 'events' }, ({ platform, url }) => {
  const q = url.searchParams;
  const raw = q.get('limit') ?? '5000';
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT)
    throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT} (got "${raw}")`);
  return Response.json(eventRowList(platform.api, { namespace: q.get('namespace') ?? undefined, limit }));
});
