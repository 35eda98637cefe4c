import { z } from 'zod';
import { withAuth } from '@/lib/http/with-auth.ts';
import { ApiError, notFound } from '@/lib/apimachinery/errors.ts';

export const dynamic = 'force-dynamic';

const faultSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('stop-heartbeats') }).strict(),
    z.object({ action: z.literal('restore') }).strict(),
    z.object({ action: z.literal('partition') }).strict(),
    z.object({ action: z.literal('heal') }).strict(),
    z
      .object({ action: z.literal('slow-pulls'), bytesPerSecond: z.number().int().min(1024, 'at least 1024 bytes/s') })
      .strict(),
    z.object({ action: z.literal('restore-pulls') }).strict(),
  ],
  { error: 'action must be one of stop-heartbeats, restore, partition, heal, slow-pulls, restore-pulls' },
);

/**
 * Node faults (admin) on simulated nodes: stop-heartbeats (the node dies: its
 * containers stop, it goes NotReady, its pods move) / restore; partition (cut
 * off from the API while its containers keep running) / heal; slow-pulls /
 * restore-pulls.
 */
export const POST = withAuth({ verb: 'update', resource: 'nodes', body: faultSchema }, ({ platform, params, body }) => {
  const fleet = platform.fleet;
  if (!fleet) throw new ApiError(409, 'Conflict', 'no simulated nodes run on this server (ENTROOS_NODES=0)');
  const name = String(params.name);
  if (!fleet.has(name)) throw notFound(`simulated node "${name}" not found`, { kind: 'nodes', name });
  switch (body.action) {
    case 'stop-heartbeats':
    case 'restore':
      fleet.setHeartbeats(name, body.action === 'restore');
      break;
    case 'partition':
    case 'heal':
      fleet.setPartitioned(name, body.action === 'partition');
      break;
    case 'slow-pulls':
      fleet.setPullBandwidth(name, body.bytesPerSecond);
      break;
    case 'restore-pulls':
      fleet.setPullBandwidth(name, undefined);
      break;
  }
  const healing = body.action === 'restore' || body.action === 'heal' || body.action === 'restore-pulls';
  platform.bus.publish('node.fault', { node: name, fault: body.action, action: healing ? 'heal' : 'inject' });
  return Response.json({ kind: 'NodeFault', apiVersion: 'entroos.io/v1', node: name, action: body.action });
});
