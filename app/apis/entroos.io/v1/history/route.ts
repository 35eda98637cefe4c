import { withAuth } from '@/lib/http/with-auth.ts';
import { badRequest, ApiError } from '@/lib/apimachinery/errors.ts';
import { isHistoryWindow, WINDOWS } from '@/lib/history/series.ts';

export const dynamic = 'force-dynamic';

/** The cluster's history over ?window=15m|1h|24h: one point per step (10 s, 30 s, 10 min), averaged. */
export const GET = withAuth({ verb: 'list', resource: 'nodes' }, ({ platform, url }) => {
  const window = url.searchParams.get('window') ?? '15m';
  if (!isHistoryWindow(window)) throw badRequest(`window must be one of ${Object.keys(WINDOWS).join(', ')} (got "${window}")`);
  if (!platform.history) throw new ApiError(503, 'ServiceUnavailable', 'the cluster history is kept by the leader, which has not started yet; retry shortly');
  return Response.json({ kind: 'ClusterHistory', apiVersion: 'entroos.io/v1', window, stepSeconds: WINDOWS[window].stepMs / 1000, points: platform.history.points(window) });
});
