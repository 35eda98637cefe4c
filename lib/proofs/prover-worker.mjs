// One prover thread of the pool (lib/proofs/pool.ts). Plain JavaScript so it
// runs in a worker_thread without a TypeScript loader. Keeps each circuit's
// wasm and zkey in memory and proves with snarkjs in single-thread mode:
// the pool, not snarkjs, spreads the work over the cores.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as snarkjs from 'snarkjs';
import { poseidon3 } from 'poseidon-lite';

const files = new Map();
function artifacts(circuit) {
  let loaded = files.get(circuit);
  if (!loaded) {
    const { wasmPath, zkeyPath } = workerData.circuits[circuit];
    loaded = {
      wasm: { type: 'mem', data: new Uint8Array(readFileSync(wasmPath)) },
      zkey: { type: 'mem', data: new Uint8Array(readFileSync(zkeyPath)) },
    };
    files.set(circuit, loaded);
  }
  return loaded;
}

// Commitments left empty by the service are computed here, off the scheduler's
// thread: Poseidon(cpu, memory, salt), as in lib/proofs/placement.ts.
function fillCommitments(input) {
  const commit = (cpu, memory, salt) => String(poseidon3([BigInt(cpu), BigInt(memory), BigInt(salt)]));
  if (Array.isArray(input.commitment))
    input.commitment = input.commitment.map((c, i) => c || commit(input.cpu[i], input.memory[i], input.salt[i]));
  else if (input.commitment === '') input.commitment = commit(input.cpu, input.memory, input.salt);
  return input;
}

parentPort.on('message', async ({ id, circuit, input }) => {
  const started = performance.now();
  try {
    fillCommitments(input);
    const { wasm, zkey } = artifacts(circuit);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, zkey, undefined, undefined, {
      singleThread: true,
    });
    parentPort.postMessage({ id, ok: true, proof, publicSignals, ms: performance.now() - started });
  } catch (err) {
    parentPort.postMessage({
      id,
      ok: false,
      error: String(err?.message ?? err).split('\n')[0],
      ms: performance.now() - started,
    });
  }
});
