import { withAuth } from '@/lib/http/with-auth.ts';
import { leaderServices } from '@/lib/http/leader.ts';
import { resetSchedulerConfig, saveSchedulerConfig, schedulerConfigSchema } from '@/lib/scheduler/index.ts';

export const dynamic = 'force-dynamic';

export const GET = withAuth({ verb: 'get', resource: 'scheduler' }, ({ platform }) =>
  Response.json(leaderServices(platform).scheduler.profiles),
);

/** Admins replace the profiles; the scheduler applies them at once, without a restart. */
export const PUT = withAuth(
  { verb: 'update', resource: 'scheduler', body: schedulerConfigSchema },
  async ({ platform, body }) => {
    await saveSchedulerConfig(platform.store, leaderServices(platform).scheduler, body);
    return Response.json(body);
  },
);

/** Drops the admin's saved profiles: back to the server config's (entroos.config.json) or the defaults. */
export const DELETE = withAuth({ verb: 'delete', resource: 'scheduler' }, async ({ platform }) =>
  Response.json(
    await resetSchedulerConfig(platform.store, leaderServices(platform).scheduler, platform.config.scheduler),
  ),
);
