import { withAuth } from '@/lib/http/with-auth.ts';

export const dynamic = 'force-dynamic';

/** One proof: circuit, key id, proof, public signals, and the placements it covers (commitments, never their openings). */
export const GET = withAuth({ verb: 'get', resource: 'proofs' }, async ({ platform, params }) =>
  Response.json(await platform.proofApi.getProof(String(params.id))),
);
