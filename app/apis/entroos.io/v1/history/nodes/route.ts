import { withAuth } from '@/lib/http/with-auth.ts';
import { leaderServices } from '@/lib/http/leader.ts';

export const dynamic = 'force-dynamic';

/** Every node's latest sampled cpu and memory use (the nodes table's "used" columns). */
export const GET = withAuth({ verb: 'list', resource: 'nodes' }, ({ platform }) => {
  const { history } = leaderServices(platform);
  return Response.json({ kind: 'NodeUsageList', apiVersion: 'entroos.io/v1', items: history.nodes.latest() });
});
