import { notFound } from '@/lib/apimachinery/errors.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { withAuth } from '@/lib/http/with-auth.ts';
import { fileStoreFor } from '@/lib/apps/convert/status.ts';
import { verifyConversion } from '@/lib/apps/convert/verify.ts';
import { RESOURCES, type Conversion } from '@/lib/apps/convert/types.ts';

// A conversion's verification: the stored output hashed again against its signed attestation, the signature
// checked with the cluster key, the conversion pod's placement proof verified. The answer is also the bundle that
// `npx entroos-verify --conversion` checks offline.

type Params = { namespace: string; name: string };

export const dynamic = 'force-dynamic';

export const GET = withAuth(
  { verb: 'get', resource: 'conversions.convert.entroos.io', namespace: (_url, params) => String(params.namespace) },
  async ({ platform, params }) => {
    const { namespace, name } = params as Params;
    const conversion = platform.api.peek(typeByKey(RESOURCES.conversions), namespace, name) as Conversion | undefined;
    if (!conversion)
      throw notFound(`conversions.convert.entroos.io "${name}" not found`, { kind: 'conversions', name });
    const result = await verifyConversion(conversion, fileStoreFor(platform.config), platform.clusterKey, {
      placementOf: async (ns, pod, uid) => {
        const found = (await platform.store.proofs.placementsForPods([{ namespace: ns, name: pod }])).find(
          (p) => p.podUid === uid,
        );
        return found ? { proofId: found.batch.id, status: found.batch.status } : undefined;
      },
      getProof: async (id) => {
        const proof = await platform.proofApi.getProof(id);
        return { ...proof, vkey: platform.proofApi.vkeyOf(proof.circuit).vkey };
      },
      verify: async (proof) => (await platform.proofApi.verifySubmitted([proof])).valid,
    });
    return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
  },
);
