import * as snarkjs from 'snarkjs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

// Proves a vote with the committed voting circuit (single-threaded, as the prover pool does).

export const VOTING_WASM = join(ROOT, 'public', 'zk', 'voting.wasm');
export const VOTING_ZKEY = join(ROOT, 'public', 'zk', 'voting.zkey');

export async function proveVote(input: Record<string, unknown>) {
  return snarkjs.groth16.fullProve(input, VOTING_WASM, VOTING_ZKEY, undefined, undefined, { singleThread: true });
}
