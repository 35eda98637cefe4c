import { withAuth } from '@/lib/http/with-auth.ts';
import { ApiError } from '@/lib/apimachinery/errors.ts';

export const dynamic = 'force-dynamic';

/** Every node's latest sampled cpu and memory use (the nodes table's "used" columns). */
export const GET = withAuth({ verb: 'list', resource: 'nodes' }, ({ platform }) => {
  if (!platform.history) throw new ApiError(503, 'ServiceUnavailable', 'the cluster history is kept by the leader, which has not started yet; retry shortly');
  return Response.json({ kind: 'NodeUsageList', apiVersion: 'entroos.io/v1', items: platform.history.nodes.latest() });
});
