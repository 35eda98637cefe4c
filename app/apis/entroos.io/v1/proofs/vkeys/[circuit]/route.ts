import { withAuth } from '@/lib/http/with-auth.ts';

export const dynamic = 'force-dynamic';

/** A circuit's verification key (also served statically at /zk/<circuit>.vkey.json for browsers). */
export const GET = withAuth({ verb: 'get', resource: 'proofs' }, ({ platform, params }) =>
  Response.json(platform.proofApi.vkeyOf(String(params.circuit))),
);
