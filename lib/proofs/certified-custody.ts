import type { Groth16Proof } from 'snarkjs';

// What a certified-custody proof (circuits/certified_custody.circom) claims and how to check it, for every verifier:
// the server and the supply-chain controller, the public page in the browser, and `entroos-verify` offline. The
// public signals are [commitment, root, batch]: the proof is about the certified set with that Merkle root and the
// batch whose content digest starts with `batch` (its first 31 bytes, below 2^248, so one field element names
// exactly one batch).

/** A certified-custody proof as published (a batch's public verdict): what it is about, and the proof. */
export interface CertifiedCustodyClaim {
  /** The certified set, as its owner names it. */
  set: string;
  /** The set's Merkle root (decimal). */
  root: string;
  /** The batch's content digest (sha256 hex); the proof's batch signal is its first 31 bytes. */
  digest: string;
  commitment: string;
  proof: Groth16Proof;
  publicSignals: string[];
}

export const batchElement = (digestHex: string): string => BigInt(`0x${digestHex.slice(0, 62) || '0'}`).toString();

export const certifiedSignals = (signals: string[]) => ({
  commitment: signals[0],
  root: signals[1],
  batch: signals[2],
});

/**
 * Checks a certified-custody proof against what it is said to be about (the set's root, the batch's digest), then
 * the proof itself. Returns the problem, or undefined when it holds.
 */
export async function checkCertifiedCustody(
  verify: (proof: Groth16Proof, publicSignals: string[]) => Promise<boolean>,
  c: { proof: Groth16Proof; publicSignals: string[]; commitment?: string },
  expected: { root: string; digest: string },
): Promise<string | undefined> {
  if (!Array.isArray(c.publicSignals) || c.publicSignals.length !== 3)
    return 'the proof must have 3 public signals: commitment, root, batch';
  const { commitment, root, batch } = certifiedSignals(c.publicSignals);
  if (root !== expected.root) return `the proof is for root ${root}, not the set's root ${expected.root}`;
  if (batch !== batchElement(expected.digest))
    return "the proof is about another batch (or the batch's content changed)";
  if (c.commitment !== undefined && commitment !== c.commitment) return 'the commitment does not match the proof';
  try {
    return (await verify(c.proof, c.publicSignals)) ? undefined : 'the proof does not verify';
  } catch (err) {
    return `the proof is malformed: ${(err as Error).message}`;
  }
}
