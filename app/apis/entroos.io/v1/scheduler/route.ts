import { withAuth } from '@/lib/http/with-auth.ts';
import { schedulerOf, schedulerStatus } from '@/lib/scheduler/http.ts';

export const dynamic = 'force-dynamic';

export const GET = withAuth({ verb: 'get', resource: 'scheduler' }, ({ platform }) => Response.json(schedulerStatus(schedulerOf(platform))));
