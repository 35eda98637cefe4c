import { withAuth } from '@/lib/http/with-auth.ts';
import { leaderServices } from '@/lib/http/leader.ts';

export const dynamic = 'force-dynamic';

/** One node's cpu and memory use over the last 15 minutes (a point per 10 s sample). */
export const GET = withAuth({ verb: 'get', resource: 'nodes' }, ({ platform, params }) => {
  const { history } = leaderServices(platform);
  const name = String(params.name);
  return Response.json({
    kind: 'NodeUsageHistory',
    apiVersion: 'entroos.io/v1',
    node: name,
    points: history.nodes.points(name),
  });
});
