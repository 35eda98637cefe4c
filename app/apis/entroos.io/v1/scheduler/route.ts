import { withAuth } from '@/lib/gateway/with-auth.ts';
import { schedulerOf, schedulerStatus } from '@/lib/scheduler/http.ts';

export const dynamic = 'force-dynamic';

export const GET = withAuth({ verb: 'get', resource: 'scheduler' }, ({ platform }) => Response.json(schedulerStatus(schedulerOf(platform))));
