import { getPlatform } from '@/lib/platform.ts';
import { publicRoute } from '@/lib/http/with-auth.ts';
import { castVote } from '@/lib/apps/voting/public.ts';
import { limitVoter } from '../limit.ts';

// Casting a vote without an account (an account would name the voter): {namespace, ballot, proof, publicSignals}.
// Admission decides: 422 for a proof that does not verify, 403 outside the ballot's opening, 409 for a second vote.

export const dynamic = 'force-dynamic';

export const POST = publicRoute(async (req) => {
  limitVoter(req);
  const receipt = await castVote(getPlatform().api, await req.json().catch(() => undefined));
  return Response.json(receipt, { status: 201, headers: { 'Cache-Control': 'no-store' } });
});
