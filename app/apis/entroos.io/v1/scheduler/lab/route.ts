import { withAuth } from '@/lib/http/with-auth.ts';
import { badRequest } from '@/lib/apimachinery/errors.ts';
import { leaderServices } from '@/lib/http/leader.ts';
import { labRequestSchema, runLab, type LabRun } from '@/lib/scheduler/lab.ts';

export const dynamic = 'force-dynamic';

/** Replays a workload under several profiles in isolated in-memory clusters and compares them. */
export const POST = withAuth(
  { verb: 'create', resource: 'scheduler', body: labRequestSchema },
  async ({ platform, body }) => {
    const config = leaderServices(platform).scheduler.profiles;
    const results = await runLab(body, config).catch((err: Error) => {
      throw badRequest(err.message);
    });
    return Response.json({ kind: 'LabResult', apiVersion: 'entroos.io/v1', seed: body.seed, results } satisfies LabRun);
  },
);
