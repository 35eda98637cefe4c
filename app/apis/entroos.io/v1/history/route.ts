import { withAuth } from '@/lib/http/with-auth.ts';
import { leaderServices } from '@/lib/http/leader.ts';
import { badRequest } from '@/lib/apimachinery/errors.ts';
import { isHistoryWindow, WINDOWS } from '@/lib/history/series.ts';

export const dynamic = 'force-dynamic';

/** The cluster's history over ?window=15m|1h|24h: one point per step (10 s, 30 s, 10 min), averaged. */
export const GET = withAuth({ verb: 'list', resource: 'nodes' }, ({ platform, url }) => {
  const window = url.searchParams.get('window') ?? '15m';
  if (!isHistoryWindow(window))
    throw badRequest(`window must be one of ${Object.keys(WINDOWS).join(', ')} (got "${window}")`);
  const { history } = leaderServices(platform);
  return Response.json({
    kind: 'ClusterHistory',
    apiVersion: 'entroos.io/v1',
    window,
    stepSeconds: WINDOWS[window].stepMs / 1000,
    points: history.points(window),
  });
});
