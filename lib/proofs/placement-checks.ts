// What every verifier of a placement proof checks itself, beside the Groth16 equation: the public free capacities
// are well-formed quantities and the node had a free pod slot. Version 2 of the placement circuits leaves these to
// the verifier (they are public: the verifier holds the values, so proving them in the circuit added constraints and
// nothing else); version 1 also proved them, and a valid version 1 proof passes the same checks. No Node or curve
// here: the server (records.ts), the browser (lib/client/snarkjs.ts) and `entroos-verify` (verify-cli.ts) share it.

/** Placement circuits, by version. Version 1 (placement, placement_batch) is kept so stored proofs still verify. */
export const PLACEMENT_CIRCUITS = ['placement', 'placement_batch', 'placement_v2', 'placement_batch_v2'] as const;
export type PlacementCircuit = (typeof PLACEMENT_CIRCUITS)[number];

/** The circuits new placements are proved with: a lone binding, and a batch. */
export const CURRENT_PLACEMENT = { single: 'placement_v2', batch: 'placement_batch_v2' } as const;

export const isPlacementCircuit = (circuit: string): circuit is PlacementCircuit =>
  (PLACEMENT_CIRCUITS as readonly string[]).includes(circuit);

/** Widths of the quantities: cpu in millicores below 2^32, memory in bytes and pod slots below 2^48. */
export const MAX_FREE = { freeCpu: 2n ** 32n - 1n, freeMemory: 2n ** 48n - 1n, freePods: 2n ** 48n - 1n } as const;

/** Public signals per placement, laid out field by field: freeCpu, freeMemory, freePods, commitment, bindingId. */
export const SIGNALS_PER_PLACEMENT = 5;

/** Public signals of slot `i` of a placement proof (K slots: its signals' count / 5). */
export function slotSignals(publicSignals: string[], i: number) {
  const k = publicSignals.length / SIGNALS_PER_PLACEMENT;
  const at = (field: number) => publicSignals[field * k + i];
  return { freeCpu: at(0), freeMemory: at(1), freePods: at(2), commitment: at(3), bindingId: at(4) };
}

/**
 * Why a placement proof's public signals cannot stand for a placement, or null when they can. Padding slots
 * (binding id 0) are checked too: the circuit proves nothing about them, so nothing may be hidden there either.
 */
export function placementSignalsProblem(publicSignals: string[]): string | null {
  if (publicSignals.length % SIGNALS_PER_PLACEMENT)
    return `a placement proof has 5 public signals per placement, not ${publicSignals.length}`;
  const k = publicSignals.length / SIGNALS_PER_PLACEMENT;
  for (let i = 0; i < k; i++) {
    const s = slotSignals(publicSignals, i);
    const where = k === 1 ? '' : `slot ${i}: `;
    for (const field of ['freeCpu', 'freeMemory', 'freePods'] as const) {
      let value: bigint;
      try {
        value = BigInt(s[field]);
      } catch {
        return `${where}${field} is not a number`;
      }
      if (value < 0n || value > MAX_FREE[field])
        return `${where}${field} ${s[field]} is out of range (at most ${MAX_FREE[field]})`;
    }
    if (BigInt(s.freePods) < 1n) return `${where}freePods is 0: the node had no free pod slot`;
  }
  return null;
}
