import { z } from 'zod';
import { withAuth } from '@/lib/gateway/with-auth.ts';
import { ApiError, notFound } from '@/lib/gateway/errors.ts';

export const dynamic = 'force-dynamic';

const faultSchema = z.object({ action: z.enum(['stop-heartbeats', 'restore'], { error: 'must be "stop-heartbeats" or "restore"' }) }).strict();

/** Chaos (admin): stop a simulated node's heartbeats — it goes NotReady and its pods move — or restore them. */
export const POST = withAuth({ verb: 'update', resource: 'nodes', body: faultSchema }, ({ platform, params, body }) => {
  const fleet = platform.fleet;
  if (!fleet) throw new ApiError(409, 'Conflict', 'no simulated nodes run on this server (ENTROOS_NODES=0)');
  const name = String(params.name);
  if (!fleet.has(name)) throw notFound(`simulated node "${name}" not found`, { kind: 'nodes', name });
  fleet.setHeartbeats(name, body.action === 'restore');
  return Response.json({ kind: 'NodeFault', apiVersion: 'entroos.io/v1', node: name, heartbeats: body.action === 'restore' });
});
