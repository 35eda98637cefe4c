import { z } from 'zod';
import { withAuth } from '@/lib/http/with-auth.ts';
import { ApiError } from '@/lib/apimachinery/errors.ts';

export const dynamic = 'force-dynamic';

const faultSchema = z
  .object({
    action: z.enum(['fail', 'oom'], { error: 'action must be "fail" or "oom"' }),
    container: z.string().min(1).optional(),
  })
  .strict();

/** Container faults (admin): make a running container of the pod exit with an error now, or be OOM-killed. */
export const POST = withAuth({ verb: 'update', resource: 'nodes', body: faultSchema }, ({ platform, params, body }) => {
  const fleet = platform.fleet;
  if (!fleet) throw new ApiError(409, 'Conflict', 'no simulated nodes run on this server (ENTROOS_NODES=0)');
  const [namespace, name] = [String(params.namespace), String(params.name)];
  if (!fleet.failContainer(namespace, name, body.container, body.action)) {
    throw new ApiError(
      409,
      'Conflict',
      `pod ${namespace}/${name} has no running container${body.container ? ` named "${body.container}"` : ''} on a simulated node`,
    );
  }
  return Response.json({
    kind: 'PodFault',
    apiVersion: 'entroos.io/v1',
    pod: `${namespace}/${name}`,
    action: body.action,
  });
});
