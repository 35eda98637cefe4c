import { createHash, randomBytes } from 'node:crypto';
import { poseidon3 } from 'poseidon-lite';
import type { PlacementFacts } from '../scheduler/decisions.ts';

// Witness inputs for the placement circuits. Field elements travel as
// decimal strings (what snarkjs expects and JSON can carry).

/** The BN254 scalar field order: every public signal must be below it. */
export { FIELD_ORDER } from './proof-shape.ts';
export const BATCH_SIZE = 16;
const MAX_QUANTITY = 2n ** 48n - 1n;

export interface PlacementWitness {
  freeCpu: string;
  freeMemory: string;
  freePods: string;
  commitment: string;
  bindingId: string;
  cpu: string;
  memory: string;
  salt: string;
}

/** A random field element (248 bits, so always below the field order). */
export const randomSalt = (): bigint => BigInt(`0x${randomBytes(31).toString('hex')}`);

/** The binding's id as a field element: sha256 of pod uid, node and time, cut to 248 bits. */
export function bindingIdFor(podUid: string, node: string, at: string): bigint {
  return BigInt(`0x${createHash('sha256').update(`${podUid}\n${node}\n${at}`).digest('hex').slice(0, 62)}`);
}

export const commitmentOf = (cpu: bigint, memory: bigint, salt: bigint): bigint => poseidon3([cpu, memory, salt]);

const clamp = (n: number) => {
  const v = BigInt(Math.max(0, Math.floor(n)));
  return v > MAX_QUANTITY ? MAX_QUANTITY : v;
};

/**
 * The witness for one binding. A negative free capacity (an over-committed
 * node) becomes 0 and cannot be proved. With `commit: false` the commitment is
 * left empty for the prover thread to fill in: a Poseidon hash costs ~0.6 ms in
 * JavaScript, too much for the scheduler's thread at thousands of bindings/s.
 */
export function placementWitness(
  facts: PlacementFacts,
  bindingId: bigint,
  salt = randomSalt(),
  { commit = true } = {},
): PlacementWitness {
  const cpu = clamp(facts.cpu);
  const memory = clamp(facts.memory);
  return {
    freeCpu: String(clamp(facts.freeCpu)),
    freeMemory: String(clamp(facts.freeMemory)),
    freePods: String(clamp(facts.freePods)),
    commitment: commit ? String(commitmentOf(cpu, memory, salt)) : '',
    bindingId: String(bindingId),
    cpu: String(cpu),
    memory: String(memory),
    salt: String(salt),
  };
}

/** The neutral slot that pads a partial batch (binding id 0). */
export const PADDING: PlacementWitness = {
  freeCpu: '0',
  freeMemory: '0',
  freePods: '1',
  commitment: String(commitmentOf(0n, 0n, 0n)),
  bindingId: '0',
  cpu: '0',
  memory: '0',
  salt: '0',
};

const FIELDS = ['freeCpu', 'freeMemory', 'freePods', 'commitment', 'bindingId', 'cpu', 'memory', 'salt'] as const;

/** Circuit input for placement_batch: each field as an array of K values, padded. */
export function batchInput(slots: PlacementWitness[]): Record<(typeof FIELDS)[number], string[]> {
  if (slots.length > BATCH_SIZE) throw new Error(`a batch holds at most ${BATCH_SIZE} placements`);
  const padded = [...slots, ...Array(BATCH_SIZE - slots.length).fill(PADDING)];
  return Object.fromEntries(FIELDS.map((f) => [f, padded.map((s) => s[f])])) as Record<
    (typeof FIELDS)[number],
    string[]
  >;
}

/** Public signals of slot `i` in a placement_batch proof (they are laid out field by field, K each). */
export function slotSignals(publicSignals: string[], i: number) {
  const at = (field: number) => publicSignals[field * BATCH_SIZE + i];
  return { freeCpu: at(0), freeMemory: at(1), freePods: at(2), commitment: at(3), bindingId: at(4) };
}
