import { withAuth } from '@/lib/http/with-auth.ts';
import { ApiError } from '@/lib/apimachinery/errors.ts';

export const dynamic = 'force-dynamic';

/** One node's cpu and memory use over the last 15 minutes (a point per 10 s sample). */
export const GET = withAuth({ verb: 'get', resource: 'nodes' }, ({ platform, params }) => {
  if (!platform.history) throw new ApiError(503, 'ServiceUnavailable', 'the cluster history is kept by the leader, which has not started yet; retry shortly');
  const name = String(params.name);
  return Response.json({ kind: 'NodeUsageHistory', apiVersion: 'entroos.io/v1', node: name, points: platform.history.nodes.points(name) });
});
