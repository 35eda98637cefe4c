import { identityCommitment, PoseidonTree, VOTING_TREE_DEPTH } from '../../proofs/poseidon-tree.ts';

// The voter's side, with nothing server-only in it (the voter page, the SDK examples, tests and the benchmark use
// it): an identity is a random 253-bit secret — below 2^253, as the circuit requires, so it names exactly one
// field element — kept by the voter; what leaves the device is its commitment, or a proof.

export const SECRET_BITS = 253n;

export function newSecret(): bigint {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n & ((1n << SECRET_BITS) - 1n);
}

/** Refuses what the circuit cannot prove (a secret of 2^253 or more), rather than letting it wrap. */
export function commitmentFor(secret: bigint): bigint {
  if (secret <= 0n || secret >> SECRET_BITS) throw new Error('an identity secret is a positive integer below 2^253');
  return identityCommitment(secret);
}

export interface VoteWitness {
  root: string;
  ballotId: string;
  vote: number;
  numOptions: number;
  secret: string;
  pathElements: string[];
  pathIndices: number[];
}

/**
 * The circuit input for a vote, from the ballot's frozen group (its members in leaf order, as the export lists
 * them), the voter's secret, the ballot's id, the option and the number of options.
 */
export function voteWitness(
  members: string[],
  secret: bigint,
  ballot: { ballotId: string; root: string; options: number },
  option: number,
): VoteWitness {
  const tree = new PoseidonTree(
    VOTING_TREE_DEPTH,
    members.map((m) => BigInt(m)),
  );
  if (String(tree.root()) !== ballot.root) throw new Error("the group's members do not make the ballot's root");
  const index = tree.indexOf(commitmentFor(secret));
  if (index < 0) throw new Error('this identity is not a member of the ballot’s group');
  const { pathElements, pathIndices } = tree.path(index);
  return {
    root: ballot.root,
    ballotId: ballot.ballotId,
    vote: option,
    numOptions: ballot.options,
    secret: String(secret),
    pathElements: pathElements.map(String),
    pathIndices,
  };
}
