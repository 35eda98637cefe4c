import { z } from 'zod';
import { withAuth } from '@/lib/http/with-auth.ts';

export const dynamic = 'force-dynamic';

const body = z.union([
  z
    .object({
      proofs: z
        .array(z.object({ circuit: z.string(), proof: z.unknown(), publicSignals: z.unknown() }))
        .min(1)
        .max(1000),
    })
    .strict(),
  z.object({ ids: z.array(z.string().min(1)).min(1).max(1000).optional() }).strict(),
]);

/**
 * Verifies on the server, in one batch: { ids } (stored proofs, status recorded),
 * {} (the oldest 1,000 stored), or { proofs: [{ circuit, proof, publicSignals }] }.
 * Reading is enough to verify: viewers may.
 */
export const POST = withAuth({ verb: 'get', resource: 'proofs', body }, async ({ platform, body }) =>
  Response.json(
    'proofs' in body
      ? await platform.proofApi.verifySubmitted(body.proofs)
      : await platform.proofApi.verifyStored(body.ids),
  ),
);
