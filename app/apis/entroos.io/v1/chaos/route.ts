import { withAuth } from '@/lib/http/with-auth.ts';
import { ApiError } from '@/lib/apimachinery/errors.ts';
import { chaosSpecSchema, startChaos, stopChaos } from '@/lib/kubelet/chaos.ts';
import type { Platform } from '@/lib/platform.ts';
import { leaderServices } from '@/lib/http/leader.ts';

export const dynamic = 'force-dynamic';

function chaosOf(platform: Platform) {
  const { chaos } = leaderServices(platform);
  if (!chaos) throw new ApiError(409, 'Conflict', 'chaos mode needs simulated nodes on this server (ENTROOS_NODES=0)');
  return chaos;
}

/** Whether chaos mode runs, its spec, and the faults it injected lately. */
export const GET = withAuth({ verb: 'get', resource: 'chaos' }, ({ platform }) =>
  Response.json(chaosOf(platform).status()),
);

/** Starts (or restarts with a new spec) seeded chaos: faults at ratePerMinute, node faults healing after faultSeconds. */
export const PUT = withAuth({ verb: 'update', resource: 'chaos', body: chaosSpecSchema }, async ({ platform, body }) =>
  Response.json(await startChaos(platform.store, chaosOf(platform), body)),
);

/** Stops chaos mode and heals the node faults it made. */
export const DELETE = withAuth({ verb: 'delete', resource: 'chaos' }, async ({ platform }) =>
  Response.json(await stopChaos(platform.store, chaosOf(platform))),
);
