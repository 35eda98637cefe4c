import * as snarkjs from 'snarkjs';
import type { Groth16Proof } from 'snarkjs';
import type { CircuitArtifacts, CircuitName } from './artifacts.ts';
import { ProveError, type ProveResult } from './pool.ts';
import { verifyOne } from './verify.ts';

// What the platform lends an application that proves its own statements (the supply chain's certified custody):
// the cluster's prover threads, shared with placement proofs, and verification against the manifest's keys.

export interface Prover {
  /** Proves with the cluster's prover pool; rejects with ProveError when the witness does not satisfy the circuit. */
  prove(circuit: CircuitName, input: Record<string, unknown>): Promise<ProveResult>;
  verify(circuit: CircuitName, proof: Groth16Proof, publicSignals: string[]): Promise<boolean>;
}

/** The cluster's prover: `pool` is the proof service's (null when ENTROOS_PROVERS=0: proving is refused, verifying works). */
export function clusterProver(
  circuits: Record<CircuitName, CircuitArtifacts>,
  pool: { proveStatement(circuit: CircuitName, input: Record<string, unknown>): Promise<ProveResult> } | null,
): Prover {
  return {
    prove: (circuit, input) =>
      pool
        ? pool.proveStatement(circuit, input)
        : Promise.reject(new ProveError('this cluster runs no provers (ENTROOS_PROVERS=0)', circuit)),
    verify: (circuit, proof, publicSignals) => verifyOne({ vkey: circuits[circuit].vkey, proof, publicSignals }),
  };
}

/** Proves in this thread with snarkjs (tests, benchmarks and tools that have no prover pool). */
export function inProcessProver(circuits: Record<CircuitName, CircuitArtifacts>): Prover {
  return {
    prove: async (circuit, input) => {
      const started = performance.now();
      const { proof, publicSignals } = await snarkjs.groth16.fullProve(
        input as Parameters<typeof snarkjs.groth16.fullProve>[0],
        circuits[circuit].wasmPath,
        circuits[circuit].zkeyPath,
        undefined,
        undefined,
        { singleThread: true },
      );
      return { proof, publicSignals, ms: performance.now() - started };
    },
    verify: (circuit, proof, publicSignals) => verifyOne({ vkey: circuits[circuit].vkey, proof, publicSignals }),
  };
}
