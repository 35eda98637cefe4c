import { getPlatform } from '@/lib/platform.ts';
import { publicRoute } from '@/lib/http/with-auth.ts';
import { publicVerdict } from '@/lib/apps/supply-chain/public.ts';
import { verifierFor } from '@/lib/proofs/verify.ts';

// A batch's public verdict as JSON, for the scanning page: no login, and exactly what the verification page shows
// (only what the batch's owner disclosed). An unknown batch is a verdict too (`found: false`), not an error.

type Params = { namespace: string; name: string };

export const dynamic = 'force-dynamic';

export function GET(req: Request, { params }: { params: Promise<Params> }): Promise<Response> {
  return publicRoute(async () => {
    const { namespace, name } = await params;
    const verdict = await publicVerdict(
      getPlatform().api,
      verifierFor(getPlatform().circuits.certified_custody),
      decodeURIComponent(namespace),
      decodeURIComponent(name),
    );
    return Response.json(verdict, { headers: { 'Cache-Control': 'no-store' } });
  })(req);
}
