// npm run bench:proofs — side by side on this machine:
//  (a) one-at-a-time `placement` proofs with snarkjs defaults (its own threads),
//  (b) the prover pool (worker_threads, snarkjs single-threaded) proving
//      placement_batch (K = 16), in placements proved per second,
//  (c) 100 proofs verified one by one (snarkjs.groth16.verify) vs in one batch.
// Last line: one JSON object of the figures.
import { availableParallelism } from 'node:os';
import * as snarkjs from 'snarkjs';
import { loadArtifacts } from '../lib/proofs/artifacts.ts';
import { batchInput, BATCH_SIZE, placementWitness } from '../lib/proofs/placement.ts';
import { ProverPool } from '../lib/proofs/pool.ts';
import { terminateCurve, verifyBatch, type VerifyItem } from '../lib/proofs/verify.ts';
import { machine, round } from './lib.ts';

const SINGLE_SECONDS = Number(process.env.BENCH_SINGLE_SECONDS ?? 20);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 24);
const VERIFY = Number(process.env.BENCH_VERIFY ?? 100);
const circuits = loadArtifacts();
const witness = (i: number) =>
  placementWitness(
    { cpu: 100 + (i % 900), memory: 64 * 2 ** 20, freeCpu: 8000, freeMemory: 32 * 2 ** 30, freePods: 110 },
    BigInt(i + 1),
  );

async function single() {
  const started = performance.now();
  let n = 0;
  const proofs: VerifyItem[] = [];
  while (performance.now() - started < SINGLE_SECONDS * 1000) {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { ...witness(n) },
      circuits.placement.wasmPath,
      circuits.placement.zkeyPath,
    );
    proofs.push({ vkey: circuits.placement.vkey, proof, publicSignals });
    n++;
  }
  return { perSecond: n / ((performance.now() - started) / 1000), proofs };
}

async function batched(threads: number) {
  const pool = new ProverPool(circuits, threads);
  // Warm-up: each thread loads the artifacts and builds its curve once.
  await Promise.all(Array.from({ length: threads }, (_, t) => pool.prove('placement_batch', batchInput([witness(t)]))));
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: BATCHES }, (_, b) =>
      pool.prove(
        'placement_batch',
        batchInput(Array.from({ length: BATCH_SIZE }, (_, i) => witness(b * BATCH_SIZE + i))),
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return {
    placementsPerSecond: (BATCHES * BATCH_SIZE) / seconds,
    proveMs: results.reduce((s, r) => s + r.ms, 0) / results.length,
  };
}

async function main() {
  console.log(`bench:proofs on ${machine()}`);
  console.log(`(a) single placement proofs, snarkjs defaults, for ${SINGLE_SECONDS} s`);
  const a = await single();
  console.log(`    ${round(a.perSecond, 2)} proofs/s`);
  const threads = availableParallelism();
  console.log(`(b) prover pool: ${threads} threads, ${BATCHES} placement_batch proofs of ${BATCH_SIZE}`);
  const b = await batched(threads);
  console.log(
    `    ${round(b.placementsPerSecond, 1)} placements/s (one batch proof takes ${Math.round(b.proveMs)} ms in a thread); ${round(b.placementsPerSecond / a.perSecond, 1)}× (a)`,
  );

  const items = Array.from({ length: VERIFY }, (_, i) => a.proofs[i % a.proofs.length]);
  console.log(`(c) verifying ${VERIFY} placement proofs`);
  await snarkjs.groth16.verify(items[0].vkey, items[0].publicSignals, items[0].proof); // warm-up
  let t = performance.now();
  for (const item of items)
    if (!(await snarkjs.groth16.verify(item.vkey, item.publicSignals, item.proof)))
      throw new Error('a valid proof failed verification');
  const oneByOne = performance.now() - t;
  await verifyBatch(items.slice(0, 2)); // warm-up
  t = performance.now();
  const batch = await verifyBatch(items);
  const batchMs = performance.now() - t;
  if (!batch.ok) throw new Error('the batch of valid proofs failed verification');
  console.log(
    `    one by one ${Math.round(oneByOne)} ms, one batch ${Math.round(batchMs)} ms: ${round(oneByOne / batchMs, 1)}× faster`,
  );
  await terminateCurve();
  const figures = {
    single_proofs_per_s: round(a.perSecond, 2),
    batched_placements_per_s: round(b.placementsPerSecond, 1),
    verify_one_by_one_ms: Math.round(oneByOne),
    verify_batch_ms: Math.round(batchMs),
    verify_speedup: round(oneByOne / batchMs, 1),
  };
  console.log(
    `targets: batched ≥ 50 placements/s ${figures.batched_placements_per_s >= 50 ? 'met' : 'NOT met'}; batch verify ≥ 5× ${figures.verify_speedup >= 5 ? 'met' : 'NOT met'}`,
  );
  console.log(JSON.stringify(figures));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
