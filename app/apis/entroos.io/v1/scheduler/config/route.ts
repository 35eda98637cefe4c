import { withAuth } from '@/lib/gateway/with-auth.ts';
import { schedulerOf } from '@/lib/scheduler/http.ts';
import { saveSchedulerConfig, schedulerConfigSchema } from '@/lib/scheduler/index.ts';

export const dynamic = 'force-dynamic';

export const GET = withAuth({ verb: 'get', resource: 'scheduler' }, ({ platform }) => Response.json(schedulerOf(platform).profiles));

/** Admins replace the profiles; the scheduler applies them at once, without a restart. */
export const PUT = withAuth({ verb: 'update', resource: 'scheduler', body: schedulerConfigSchema }, async ({ platform, body }) => {
  await saveSchedulerConfig(platform.store, schedulerOf(platform), body);
  return Response.json(body);
});
