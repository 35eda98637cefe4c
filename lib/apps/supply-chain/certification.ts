import { randomBytes } from 'node:crypto';
import type { Prover } from '../../proofs/prover.ts';
import { parsePublicKey } from './attestation.ts';
import { batchElement } from '../../proofs/certified-custody.ts';
import { leafOfKey, merklePath, TREE_DEPTH } from './merkle.ts';
import type { Batch, Certification, CertifiedSet, Participant } from './types.ts';

// Certified custody (circuits/certified_custody.circom): a proof that a batch passed through a facility of a
// CertifiedSet without saying which. The cluster proves it, having verified the facility's signed custody step
// itself — the same trust model as placement proofs — and anyone checks it with the set's root and the batch's
// digest: on the server, in the browser (the public page) and offline (`npx entroos-verify`).

export const CUSTODY_CIRCUIT = 'certified_custody';
const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The facility of `set` that signed a verified custody step of `batch`, if any (the first in the timeline). */
export function certifiedSigner(batch: Batch, set: CertifiedSet): { participant: string; index: number } | undefined {
  const leaves = set.status?.leaves ?? [];
  for (const step of batch.status?.custody ?? []) {
    if (!step.verified) continue;
    const leaf = leaves.find((l) => l.participant === step.participant);
    if (leaf) return { participant: leaf.participant, index: leaf.index };
  }
  return undefined;
}

/** Whether a stored certification still speaks about this batch and this set as they are now. */
export const isCurrent = (c: Certification, batch: Batch, set: CertifiedSet | undefined): boolean =>
  !!set?.status && c.root === set.status.root && c.batch === batchElement(batch.status?.digest ?? '');

/** Proves that `batch` passed through `participant`'s facility of `set`, naming neither in what it publishes. */
export async function proveCertification(
  prover: Prover,
  batch: Batch,
  set: CertifiedSet,
  signer: { index: number },
  participant: Participant,
): Promise<Certification> {
  const status = set.status;
  if (!status) throw new Error(`certified set ${set.metadata.name} has no root yet`);
  const raw = parsePublicKey(participant.spec.publicKey).raw;
  const leaves = status.leaves.map((l) => BigInt(l.leaf));
  if (leaves[signer.index] !== leafOfKey(raw))
    throw new Error(`the key of ${participant.metadata.name} changed since set ${set.metadata.name} was rooted`);
  const { pathElements, pathIndices } = merklePath(leaves, signer.index);
  const batchField = batchElement(batch.status?.digest ?? '');
  const hex = raw.toString('hex');
  const started = Date.now();
  const result = await prover.prove(CUSTODY_CIRCUIT, {
    root: status.root,
    batch: batchField,
    keyHi: BigInt(`0x${hex.slice(0, 32)}`).toString(),
    keyLo: BigInt(`0x${hex.slice(32)}`).toString(),
    salt: (BigInt(`0x${randomBytes(32).toString('hex')}`) % BN254_R).toString(),
    pathElements: pathElements.map(String),
    pathIndices,
  });
  return {
    set: set.metadata.name,
    ...(set.spec.displayName ? { setDisplayName: set.spec.displayName } : {}),
    root: status.root,
    depth: TREE_DEPTH,
    batch: batchField,
    commitment: result.publicSignals[0],
    proof: result.proof,
    publicSignals: result.publicSignals,
    provedAt: new Date().toISOString(),
    proveMs: Date.now() - started,
  };
}
