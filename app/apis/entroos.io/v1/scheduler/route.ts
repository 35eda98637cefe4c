import { withAuth } from '@/lib/http/with-auth.ts';
import { schedulerStatus } from '@/lib/scheduler/http.ts';
import { leaderServices } from '@/lib/http/leader.ts';

export const dynamic = 'force-dynamic';

export const GET = withAuth({ verb: 'get', resource: 'scheduler' }, ({ platform }) =>
  Response.json(schedulerStatus(leaderServices(platform).scheduler)),
);
