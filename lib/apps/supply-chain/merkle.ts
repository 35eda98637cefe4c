import { poseidon2 } from 'poseidon-lite';

// The Poseidon Merkle tree of a CertifiedSet, hashed exactly as circuits/merkle_inclusion.circom hashes it
// (Poseidon(2) of left, right at every level, depth 20, circomlib's constants — poseidon-lite uses the same), so a
// root computed here is the public input a membership proof is checked against. Empty leaves are 0.

export const TREE_DEPTH = 20;

const zeros: bigint[] = [0n];
for (let i = 0; i < TREE_DEPTH; i++) zeros.push(poseidon2([zeros[i], zeros[i]]));

/** The hash of an empty subtree whose root is at `level` (0 = a leaf). */
export const zeroAt = (level: number): bigint => zeros[level];

/** A participant's leaf: Poseidon of its 32-byte ed25519 public key, as two 128-bit halves (each below the field). */
export function leafOfKey(rawKey: Uint8Array): bigint {
  if (rawKey.length !== 32) throw new Error('an ed25519 public key has 32 bytes');
  const hex = Buffer.from(rawKey).toString('hex');
  return poseidon2([BigInt(`0x${hex.slice(0, 32)}`), BigInt(`0x${hex.slice(32)}`)]);
}

/** Every level of the tree over `leaves` (level 0 = the leaves), holding only the non-empty prefix of each level. */
function levelsOf(leaves: bigint[]): bigint[][] {
  if (leaves.length > 2 ** TREE_DEPTH)
    throw new Error(`a tree of depth ${TREE_DEPTH} holds at most ${2 ** TREE_DEPTH} leaves`);
  const levels = [leaves];
  for (let level = 0; level < TREE_DEPTH; level++) {
    const below = levels[level];
    const above: bigint[] = [];
    for (let i = 0; i < below.length; i += 2) {
      above.push(poseidon2([below[i], i + 1 < below.length ? below[i + 1] : zeroAt(level)]));
    }
    levels.push(above);
  }
  return levels;
}

export function merkleRoot(leaves: bigint[]): bigint {
  return leaves.length ? levelsOf(leaves)[TREE_DEPTH][0] : zeroAt(TREE_DEPTH);
}

/** The merkle_inclusion witness for leaf `index`: siblings bottom-up, and 1 where the node is a right child. */
export function merklePath(leaves: bigint[], index: number): { pathElements: bigint[]; pathIndices: number[] } {
  if (index < 0 || index >= leaves.length) throw new Error(`no leaf ${index} in a tree of ${leaves.length}`);
  const levels = levelsOf(leaves);
  const pathElements: bigint[] = [];
  const pathIndices: number[] = [];
  let at = index;
  for (let level = 0; level < TREE_DEPTH; level++) {
    const sibling = at ^ 1;
    pathElements.push(sibling < levels[level].length ? levels[level][sibling] : zeroAt(level));
    pathIndices.push(at & 1);
    at >>= 1;
  }
  return { pathElements, pathIndices };
}

/** Recomputes the root from a leaf and its path (what the circuit constrains). */
export function rootFromPath(leaf: bigint, pathElements: bigint[], pathIndices: number[]): bigint {
  let node = leaf;
  pathElements.forEach((sibling, i) => {
    node = pathIndices[i] ? poseidon2([sibling, node]) : poseidon2([node, sibling]);
  });
  return node;
}
