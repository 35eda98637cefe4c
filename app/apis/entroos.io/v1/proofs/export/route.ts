import { z } from 'zod';
import { withAuth } from '@/lib/http/with-auth.ts';
import { parseQuery } from '@/lib/http/parse.ts';

export const dynamic = 'force-dynamic';

const query = z.object({ limit: z.coerce.number().int().min(1).max(100_000).default(10_000) });

/** The cluster's proofs and verification keys as one file; check it offline with `npx entroos-verify proofs.json`. */
export const GET = withAuth({ verb: 'list', resource: 'proofs' }, async ({ platform, url }) => {
  const { limit } = parseQuery(url, query);
  return Response.json(await platform.proofApi.exportProofs(limit), {
    headers: { 'Content-Disposition': 'attachment; filename="entroos-proofs.json"' },
  });
});
