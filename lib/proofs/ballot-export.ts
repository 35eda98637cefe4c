import { createHash } from 'node:crypto';
import { checkBallot, type BallotCheck, type BallotExport } from './ballot-check.ts';
import { verifyBatch, type VerifyItem } from './verify.ts';

// The offline check of a ballot export (`npx entroos-verify`, the voting benchmark): ballot-check.ts with the
// server's batch verifier; the key's id is printed so it can be compared with the one the cluster publishes.

export { tallyOf, VOTE_SIGNAL, type BallotCheck, type BallotExport, type BallotExportVote } from './ballot-check.ts';

/** The curve's WASM memory holds a multi-pairing of about a thousand proofs: larger sets are checked in chunks. */
const CHUNK = 512;

/** The indexes of the proofs that do not verify, checked a chunk at a time (each chunk one multi-pairing). */
export async function badInBatches(items: VerifyItem[]): Promise<number[]> {
  const bad: number[] = [];
  for (let from = 0; from < items.length; from += CHUNK) {
    const chunk = await verifyBatch(items.slice(from, from + CHUNK));
    bad.push(...chunk.bad.map((i) => i + from));
  }
  return bad;
}

export const verifyBallotExport = (data: BallotExport): Promise<BallotCheck> =>
  checkBallot(data, {
    badProofs: badInBatches,
    keyId: (json) => createHash('sha256').update(json).digest('hex'),
  });
