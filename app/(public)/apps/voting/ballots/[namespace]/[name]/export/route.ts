import { getPlatform } from '@/lib/platform.ts';
import { publicRoute } from '@/lib/http/with-auth.ts';
import { ballotExport } from '@/lib/apps/voting/public.ts';
import { limitVoter } from '../../../../limit.ts';

// A ballot's export, for anyone to check offline (`npx entroos-verify ballot.json`) and for voters to build their
// proof's Merkle path from the frozen group.

type Params = { namespace: string; name: string };

export const dynamic = 'force-dynamic';

export function GET(req: Request, { params }: { params: Promise<Params> }): Promise<Response> {
  return publicRoute(async () => {
    // An export of a large ballot is megabytes: limited like the other voter requests.
    limitVoter(req);
    const { namespace, name } = await params;
    const { api, circuits } = getPlatform();
    // The key the platform checked at start (route bundles do not find public/zk on their own).
    const data = ballotExport(api, decodeURIComponent(namespace), decodeURIComponent(name), circuits.voting);
    return Response.json(data, {
      headers: {
        'Cache-Control': 'no-store',
        'Content-Disposition': `attachment; filename="ballot-${namespace}-${name}.json"`,
      },
    });
  })(req);
}
