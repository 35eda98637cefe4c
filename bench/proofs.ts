// npm run bench:proofs — side by side on this machine:
//  (a) one-at-a-time `placement_v2` proofs with snarkjs defaults (its own threads),
//  (b) the prover pool (worker_threads, snarkjs single-threaded) proving
//      placement_batch_v2 (K = 16), in placements proved per second,
//  (c) 100 proofs verified one by one (snarkjs.groth16.verify) vs in one batch,
//  (d) what limits (b): batch proofs in this thread, one at a time, with the
//      witness generated apart from the proof, each timed in CPU (process.cpuUsage)
//      as well as wall-clock time, so the figure holds on a busy machine.
// Last line: one JSON object of the figures.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as snarkjs from 'snarkjs';
import { loadArtifacts } from '../lib/proofs/artifacts.ts';
import { batchInput, BATCH_SIZE, placementWitness } from '../lib/proofs/placement.ts';
import { CURRENT_PLACEMENT } from '../lib/proofs/placement-checks.ts';
import { ProverPool } from '../lib/proofs/pool.ts';
import { terminateCurve, verifyBatch, type VerifyItem } from '../lib/proofs/verify.ts';
import { machine, round } from './lib.ts';

const SINGLE_SECONDS = Number(process.env.BENCH_SINGLE_SECONDS ?? 20);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 24);
const VERIFY = Number(process.env.BENCH_VERIFY ?? 100);
const CPU_BATCHES = Number(process.env.BENCH_CPU_BATCHES ?? 3);
const circuits = loadArtifacts();
// BENCH_PLACEMENT=v1 measures the version 1 circuits (kept for stored proofs) on the same machine, for comparison.
const V1 = process.env.BENCH_PLACEMENT === 'v1';
const SINGLE = V1 ? 'placement' : CURRENT_PLACEMENT.single;
const BATCH = V1 ? 'placement_batch' : CURRENT_PLACEMENT.batch;
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
      circuits[SINGLE].wasmPath,
      circuits[SINGLE].zkeyPath,
    );
    proofs.push({ vkey: circuits[SINGLE].vkey, proof, publicSignals });
    n++;
  }
  return { perSecond: n / ((performance.now() - started) / 1000), proofs };
}

async function batched(threads: number) {
  const pool = new ProverPool(circuits, threads);
  // Warm-up: each thread loads the artifacts and builds its curve once.
  await Promise.all(Array.from({ length: threads }, (_, t) => pool.prove(BATCH, batchInput([witness(t)]))));
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: BATCHES }, (_, b) =>
      pool.prove(BATCH, batchInput(Array.from({ length: BATCH_SIZE }, (_, i) => witness(b * BATCH_SIZE + i)))),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return {
    placementsPerSecond: (BATCHES * BATCH_SIZE) / seconds,
    proveMs: results.reduce((s, r) => s + r.ms, 0) / results.length,
  };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Batch proofs in this thread, one at a time: witness generation and proving timed apart, in CPU and wall time. */
async function limits() {
  const { wasmPath, zkeyPath } = circuits[BATCH];
  const wasm = { type: 'mem' as const, data: new Uint8Array(readFileSync(wasmPath)) };
  const zkey = { type: 'mem' as const, data: new Uint8Array(readFileSync(zkeyPath)) };
  const run = async (b: number) => {
    const input = batchInput(Array.from({ length: BATCH_SIZE }, (_, i) => witness(b * BATCH_SIZE + i)));
    const wtns = { type: 'mem' as const };
    let cpu = process.cpuUsage();
    let t = performance.now();
    await snarkjs.wtns.calculate(input, wasm, wtns);
    const witnessMs = performance.now() - t;
    const witnessCpuMs = cpuMs(cpu);
    cpu = process.cpuUsage();
    t = performance.now();
    await snarkjs.groth16.prove(zkey, wtns, undefined, { singleThread: true });
    return { witnessMs, witnessCpuMs, proveMs: performance.now() - t, proveCpuMs: cpuMs(cpu) };
  };
  await run(0); // warm-up: builds the curve and compiles the witness generator
  const runs: { witnessMs: number; witnessCpuMs: number; proveMs: number; proveCpuMs: number }[] = [];
  for (let b = 1; b <= CPU_BATCHES; b++) runs.push(await run(b));
  const mean = (key: keyof (typeof runs)[number]) => runs.reduce((sum, r) => sum + r[key], 0) / runs.length;
  return {
    witnessMs: mean('witnessMs'),
    witnessCpuMs: mean('witnessCpuMs'),
    proveMs: mean('proveMs'),
    proveCpuMs: mean('proveCpuMs'),
  };
}

async function main() {
  console.log(`bench:proofs on ${machine()}`);
  console.log(`(a) single placement proofs, snarkjs defaults, for ${SINGLE_SECONDS} s`);
  const a = await single();
  console.log(`    ${round(a.perSecond, 2)} proofs/s`);
  const threads = availableParallelism();
  console.log(`(b) prover pool: ${threads} threads, ${BATCHES} ${BATCH} proofs of ${BATCH_SIZE}`);
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
  console.log(`(d) what limits (b): ${CPU_BATCHES} ${BATCH} proofs in this thread, one at a time`);
  const d = await limits();
  const constraints = circuits[BATCH].constraints;
  const cpuPerPlacement = (d.witnessCpuMs + d.proveCpuMs) / BATCH_SIZE;
  // With every core proving and nothing else running, placements/s cannot exceed this.
  const cpuBound = (threads * 1000) / cpuPerPlacement;
  console.log(
    `    ${BATCH}: ${constraints} constraints, ${round(constraints / BATCH_SIZE, 1)} per placement; per batch: witness ${Math.round(d.witnessMs)} ms (${Math.round(d.witnessCpuMs)} ms CPU), proof ${Math.round(d.proveMs)} ms (${Math.round(d.proveCpuMs)} ms CPU)`,
  );
  console.log(
    `    ${round(cpuPerPlacement, 1)} ms CPU per placement: at most ${round(cpuBound, 1)} placements/s on ${threads} idle cores; (b) reached ${round((100 * b.placementsPerSecond) / cpuBound, 0)} % of that (the rest went to other processes on this machine)`,
  );
  const figures = {
    single_proofs_per_s: round(a.perSecond, 2),
    batched_placements_per_s: round(b.placementsPerSecond, 1),
    verify_one_by_one_ms: Math.round(oneByOne),
    verify_batch_ms: Math.round(batchMs),
    verify_speedup: round(oneByOne / batchMs, 1),
    circuit: BATCH,
    batch_size: BATCH_SIZE,
    constraints_per_placement: round(constraints / BATCH_SIZE, 1),
    witness_ms_per_batch: Math.round(d.witnessMs),
    witness_cpu_ms_per_batch: Math.round(d.witnessCpuMs),
    prove_ms_per_batch: Math.round(d.proveMs),
    prove_cpu_ms_per_placement: round(d.proveCpuMs / BATCH_SIZE, 1),
    cpu_ms_per_placement: round(cpuPerPlacement, 1),
    cpu_bound_placements_per_s: round(cpuBound, 1),
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
