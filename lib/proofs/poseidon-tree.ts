import { poseidon1, poseidon2 } from 'poseidon-lite';

// An append-only Poseidon Merkle tree hashed exactly as circuits/voting.circom (and merkle_inclusion.circom) hash
// it: Poseidon(2) of left, right at every level, empty leaves 0, circomlib's constants (poseidon-lite uses the
// same). Appends only mark what changed; the root is brought up to date when asked for, so k appends cost about
// 2k hashes instead of k × depth (a Poseidon hash is ~0.25 ms in JavaScript: 10,000 enrolments one root at a
// time would take a minute).

export const VOTING_TREE_DEPTH = 20;

/** The BN254 scalar field: commitments, roots and nullifiers are below it. */
export const SNARK_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const zeros: bigint[] = [0n];
for (let i = 0; i < 32; i++) zeros.push(poseidon2([zeros[i], zeros[i]]));

/** An identity's commitment: Poseidon(secret). */
export const identityCommitment = (secret: bigint): bigint => poseidon1([secret]);

/** The nullifier of an identity on a ballot: Poseidon(secret, ballotId). */
export const nullifierOf = (secret: bigint, ballotId: bigint): bigint => poseidon2([secret, ballotId]);

export class PoseidonTree {
  /** levels[0] are the leaves; levels[l][i] is valid for i < the level's clean length. */
  private readonly levels: bigint[][];
  /** The first leaf index whose ancestors are stale. */
  private dirtyFrom = 0;

  constructor(
    readonly depth = VOTING_TREE_DEPTH,
    leaves: Iterable<bigint> = [],
  ) {
    this.levels = Array.from({ length: depth + 1 }, () => []);
    for (const leaf of leaves) this.append(leaf);
  }

  get size(): number {
    return this.levels[0].length;
  }

  append(leaf: bigint): number {
    if (this.size >= 2 ** this.depth)
      throw new Error(`a tree of depth ${this.depth} holds at most ${2 ** this.depth} leaves`);
    if (leaf < 0n || leaf >= SNARK_FIELD) throw new Error('a leaf must be a field element');
    this.levels[0].push(leaf);
    return this.size - 1;
  }

  root(): bigint {
    this.refresh();
    return this.size ? this.levels[this.depth][0] : zeros[this.depth];
  }

  /** The circuit's witness for leaf `index`: siblings bottom-up, and 1 where the node is a right child. */
  path(index: number): { pathElements: bigint[]; pathIndices: number[] } {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new Error(`no leaf ${index} in a tree of ${this.size}`);
    this.refresh();
    const pathElements: bigint[] = [];
    const pathIndices: number[] = [];
    let at = index;
    for (let level = 0; level < this.depth; level++) {
      const row = this.levels[level];
      const sibling = at ^ 1;
      pathElements.push(sibling < row.length ? row[sibling] : zeros[level]);
      pathIndices.push(at & 1);
      at >>= 1;
    }
    return { pathElements, pathIndices };
  }

  indexOf(leaf: bigint): number {
    return this.levels[0].indexOf(leaf);
  }

  /** Rehashes only the ancestors of leaves appended since the last refresh. */
  private refresh() {
    if (this.dirtyFrom >= this.size) return;
    let from = this.dirtyFrom;
    for (let level = 0; level < this.depth; level++) {
      const below = this.levels[level];
      const above = this.levels[level + 1];
      const start = from >> 1;
      const end = Math.ceil(below.length / 2);
      for (let i = start; i < end; i++) {
        const right = 2 * i + 1;
        above[i] = poseidon2([below[2 * i], right < below.length ? below[right] : zeros[level]]);
      }
      above.length = end;
      from = start;
    }
    this.dirtyFrom = this.size;
  }
}

/** Recomputes a root from a leaf and its path (what the circuit constrains). */
export function rootFromPath(leaf: bigint, pathElements: bigint[], pathIndices: number[]): bigint {
  let node = leaf;
  pathElements.forEach((sibling, i) => {
    node = pathIndices[i] ? poseidon2([sibling, node]) : poseidon2([node, sibling]);
  });
  return node;
}
