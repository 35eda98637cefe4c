import { getPlatform } from '@/lib/platform.ts';
import { publicRoute } from '@/lib/http/with-auth.ts';
import { enrol } from '@/lib/apps/voting/public.ts';
import { limitVoter } from '../limit.ts';

// Enrolment without an account: {namespace, group, code, commitment}. Only the commitment is sent; the identity
// secret never leaves the voter's device.

export const dynamic = 'force-dynamic';

export const POST = publicRoute(async (req) => {
  limitVoter(req);
  const enrolment = await enrol(getPlatform().api, await req.json().catch(() => undefined));
  return Response.json(enrolment, { status: 201, headers: { 'Cache-Control': 'no-store' } });
});
