import { getPlatform } from '@/lib/platform.ts';
import { publicRoute } from '@/lib/http/with-auth.ts';
import { ballotSummary } from '@/lib/apps/voting/public.ts';

// A ballot as the voter page shows it: the question, options, group and state (the tally once it is closed).

type Params = { namespace: string; name: string };

export const dynamic = 'force-dynamic';

export function GET(req: Request, { params }: { params: Promise<Params> }): Promise<Response> {
  return publicRoute(async () => {
    const { namespace, name } = await params;
    const summary = ballotSummary(getPlatform().api, decodeURIComponent(namespace), decodeURIComponent(name));
    return Response.json(summary, { headers: { 'Cache-Control': 'no-store' } });
  })(req);
}
