import { lookupKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import type { Groth16Proof } from 'snarkjs';
import { checkCertifiedCustody, type CertifiedCustodyClaim } from '../../proofs/certified-custody.ts';
import { RESOURCES, type Batch, type BatchPhase, type CertifiedSet, type Participant, type Product } from './types.ts';

// What anyone holding a batch's QR code may see, without logging in: the verdict, and only the details the batch's
// owner listed in spec.disclose. The reason is worded per phase so it names no participant the owner did not
// disclose; a recall's reason is always shown (it is a safety notice).

export interface PublicVerdict {
  /** So `entroos-verify` knows the file: what GET /apps/supply-chain/verdicts/NAMESPACE/NAME answers. */
  kind: 'BatchVerdict';
  namespace: string;
  name: string;
  found: boolean;
  verified: boolean;
  phase: BatchPhase | 'NotFound';
  reason: string;
  product?: string;
  producer?: { name: string; location?: string };
  quantity?: string;
  inputs?: string[];
  custody?: { participant: string; action: string; time: string; verified: boolean }[];
  /**
   * disclose: certified — zero-knowledge proofs that the batch passed through a facility of each named set, without
   * saying which facility; `verified` is this server's check, and anyone can repeat it (the public page in the
   * browser, `npx entroos-verify certified FILE`) with the set's root and the batch's digest given here.
   */
  certified?: PublicCertification[];
  /** disclose: certified, but no proof to show (yet): why. */
  certifiedProblem?: string;
}

export interface PublicCertification extends CertifiedCustodyClaim {
  provedAt: string;
  verified: boolean;
  problem?: string;
}

/** Checks a certified-custody proof (the cluster's key for circuits/certified_custody.circom). */
export type CertificationVerifier = (proof: Groth16Proof, publicSignals: string[]) => Promise<boolean>;

// Checks are cached by what they are about: a busy batch's page does not pair the same proof on every load.
const checked = new Map<string, string | undefined>();
async function cachedCheck(
  verify: CertificationVerifier,
  c: { proof: Groth16Proof; publicSignals: string[]; commitment: string },
  expected: { root: string; digest: string },
): Promise<string | undefined> {
  const k = `${c.commitment}/${expected.root}/${expected.digest}/${JSON.stringify(c.proof.pi_a)}`;
  if (checked.has(k)) return checked.get(k);
  const problem = await checkCertifiedCustody(verify, c, expected);
  if (checked.size >= 10_000) checked.delete(checked.keys().next().value as string);
  checked.set(k, problem);
  return problem;
}

const GENERIC_REASONS: Record<BatchPhase, string> = {
  Complete: 'Every custody step is signed by the party that held the batch.',
  BrokenChain: 'A custody step is missing, or was signed by a party that did not hold the batch.',
  Tampered: 'A signature or the batch record no longer verifies: it was changed after it was signed.',
  Recalled: 'This batch has been recalled.',
  Pending: 'This batch has not been verified yet.',
};

export async function publicVerdict(
  api: ObjectApi,
  verify: CertificationVerifier,
  namespace: string,
  name: string,
): Promise<PublicVerdict> {
  const types = {
    batches: lookupKey(RESOURCES.batches),
    products: lookupKey(RESOURCES.products),
    participants: lookupKey(RESOURCES.participants),
    sets: lookupKey(RESOURCES.certifiedSets),
  };
  const batch = types.batches ? (api.peek(types.batches, namespace, name) as Batch | undefined) : undefined;
  if (!batch)
    return {
      kind: 'BatchVerdict',
      namespace,
      name,
      found: false,
      verified: false,
      phase: 'NotFound',
      reason: 'No batch with this code is registered.',
    };
  const phase = batch.status?.phase ?? 'Pending';
  const disclose = new Set(batch.spec.disclose ?? []);
  const displayName = (p: string) =>
    (types.participants ? (api.peek(types.participants, namespace, p) as Participant | undefined) : undefined)?.spec
      .displayName ?? p;
  const reason =
    phase === 'Recalled'
      ? batch.spec.recall
        ? `Recalled: ${batch.spec.recall.reason}`
        : `Made from a recalled batch${disclose.has('inputs') && batch.status?.recalledBy ? ` (${batch.status.recalledBy})` : ''}.`
      : disclose.has('custody') && phase !== 'Complete'
        ? (batch.status?.reason ?? GENERIC_REASONS[phase])
        : GENERIC_REASONS[phase];
  const verdict: PublicVerdict = {
    kind: 'BatchVerdict',
    namespace,
    name,
    found: true,
    verified: phase === 'Complete',
    phase,
    reason,
  };
  if (disclose.has('product')) {
    const product = types.products
      ? (api.peek(types.products, namespace, batch.spec.product) as Product | undefined)
      : undefined;
    verdict.product = product?.spec.displayName ?? batch.spec.product;
  }
  if (disclose.has('producer')) {
    const p = types.participants
      ? (api.peek(types.participants, namespace, batch.spec.producer) as Participant | undefined)
      : undefined;
    verdict.producer = {
      name: p?.spec.displayName ?? batch.spec.producer,
      ...(p?.spec.location ? { location: p.spec.location } : {}),
    };
  }
  if (disclose.has('quantity')) verdict.quantity = `${batch.spec.quantity} ${batch.spec.unit}`;
  if (disclose.has('inputs')) verdict.inputs = batch.spec.inputs ?? [];
  if (disclose.has('custody'))
    verdict.custody = (batch.status?.custody ?? []).map((c) => ({
      participant: displayName(c.participant),
      action: c.action,
      time: c.time,
      verified: c.verified,
    }));
  if (disclose.has('certified')) {
    const status = batch.status;
    const certified: PublicCertification[] = [];
    for (const c of phase === 'Complete' ? (status?.certifications ?? []) : []) {
      // Checked against the set's root as it is now: a proof against an older membership does not count.
      const set = types.sets ? (api.peek(types.sets, namespace, c.set) as CertifiedSet | undefined) : undefined;
      const root = set?.status?.root ?? c.root;
      const digest = status?.digest ?? '';
      const problem = set ? await cachedCheck(verify, c, { root, digest }) : `certified set ${c.set} no longer exists`;
      certified.push({
        set: set?.spec.displayName ?? c.setDisplayName ?? c.set,
        root,
        digest,
        commitment: c.commitment,
        proof: c.proof,
        publicSignals: c.publicSignals,
        provedAt: c.provedAt,
        verified: !problem,
        ...(problem ? { problem } : {}),
      });
    }
    if (certified.length) verdict.certified = certified;
    else
      verdict.certifiedProblem =
        phase !== 'Complete'
          ? 'Certified custody is shown for verified batches only.'
          : 'No certified-custody proof has been made for this batch yet.';
  }
  return verdict;
}
