import { createHash } from 'node:crypto';

// The names that make the voting rules hold by construction: a vote is named by its ballot and nullifier (a second
// vote of the same member on the same ballot is a 409 from the store, whatever the route), a member by its group
// and leaf index (two enrolments cannot take the same leaf).

/** A ballot's id in the circuit: 248 bits of sha256 of its namespace, name and uid (below the field). */
export function ballotIdOf(namespace: string, name: string, uid: string): bigint {
  const digest = createHash('sha256').update(`voting.entroos.io/v1/${namespace}/${name}/${uid}`).digest('hex');
  return BigInt(`0x${digest.slice(0, 62)}`);
}

export const nullifierHex = (nullifier: bigint | string): string => BigInt(nullifier).toString(16).padStart(64, '0');

export const voteName = (ballot: string, nullifier: bigint | string): string => `${ballot}-${nullifierHex(nullifier)}`;

/** Up to 2^20 leaves: seven digits keep a group's members in index order when listed by name. */
export const memberName = (group: string, index: number): string => `${group}-${String(index).padStart(7, '0')}`;

/** What a group stores of an invite code. */
export const inviteHash = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

/** A canonical field element in decimal: no leading zeros, below the BN254 scalar field. */
export const DECIMAL_FIELD = /^(0|[1-9]\d{0,76})$/;

// Stored objects are never changed in place (a write stores a new one), so a group's invite set is computed once
// per version of it: enrolling 10,000 members does not scan 10,000 hashes each time.
const invites = new WeakMap<object, Set<string>>();

/** The invite hashes of a group, as a set. */
export function inviteSet(group: { spec: { inviteCodeHashes?: string[] } }): Set<string> {
  let set = invites.get(group);
  if (!set) invites.set(group, (set = new Set(group.spec.inviteCodeHashes ?? [])));
  return set;
}
