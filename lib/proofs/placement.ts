import { createHash, randomBytes } from 'node:crypto';
import { poseidon3 } from 'poseidon-lite';
import type { PlacementFacts } from '../scheduler/decisions.ts';
import { MAX_FREE } from './placement-checks.ts';

// Witness inputs for the placement circuits. Field elements travel as
// decimal strings (what snarkjs expects and JSON can carry).

/** The BN254 scalar field order: every public signal must be below it. */
export { FIELD_ORDER } from './proof-shape.ts';
export { slotSignals } from './placement-checks.ts';
/** Placements per batch proof (K of placement_batch and placement_batch_v2). */
export const BATCH_SIZE = 16;
/** A request beyond every circuit's width: it cannot be proved, and it stays far below the field order. */
const TOO_LARGE = 2n ** 64n;

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

const clamp = (n: number, max: bigint) => {
  const v = BigInt(Math.max(0, Math.floor(n)));
  return v > max ? max : v;
};

/**
 * The witness for one binding. A negative free capacity (an over-committed
 * node) becomes 0 and cannot be proved; one beyond its width is stated as the
 * widest value (less than the node has, so the statement stays true). A
 * request beyond its width is not narrowed (that would prove a smaller
 * request): it cannot be proved. With `commit: false` the commitment is
 * left empty for the prover thread to fill in: a Poseidon hash costs ~0.6 ms in
 * JavaScript, too much for the scheduler's thread at thousands of bindings/s.
 */
export function placementWitness(
  facts: PlacementFacts,
  bindingId: bigint,
  salt = randomSalt(),
  { commit = true } = {},
): PlacementWitness {
  const cpu = clamp(facts.cpu, TOO_LARGE);
  const memory = clamp(facts.memory, TOO_LARGE);
  return {
    freeCpu: String(clamp(facts.freeCpu, MAX_FREE.freeCpu)),
    freeMemory: String(clamp(facts.freeMemory, MAX_FREE.freeMemory)),
    freePods: String(clamp(facts.freePods, MAX_FREE.freePods)),
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
