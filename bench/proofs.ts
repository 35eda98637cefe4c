// npm run bench:proofs — side by side on this machine:
//  (a) one-at-a-time `placement_v2` proofs with snarkjs defaults (its own threads),
//  (b) the prover pool (worker_threads, snarkjs single-threaded) proving
//      placement_batch_v2 (K = 16), in placements proved per second,
//  (c) 100 proofs verified one by one (snarkjs.groth16.verify) vs in one batch,
//  (d) what limits (b): batch proofs in this thread, one at a time, with the
//      witness generated apart from the proof, each timed in CPU (process.cpuUsage)
//      as well as wall-clock time, so the figure holds on a busy machine.
// Issue #22: (b) runs BENCH_RUNS (3) times on one warm pool and gives the median
// with min–max; each phase reports this thread's event-loop delay and GC pauses
// (the pool's threads run their own loops); and a fixed reference workload
// (bench/msm-reference.ts), timed around each repetition of (b), gives (b) and
// (d) also as ratios to it, which do not depend on how fast the machine is.
// Last line: one JSON object of the figures.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as snarkjs from 'snarkjs';
import { loadArtifacts } from '../lib/proofs/artifacts.ts';
import { batchInput, BATCH_SIZE, placementWitness } from '../lib/proofs/placement.ts';
import { CURRENT_PLACEMENT } from '../lib/proofs/placement-checks.ts';
import { ProverPool } from '../lib/proofs/pool.ts';
import { terminateCurve, verifyBatch, type VerifyItem } from '../lib/proofs/verify.ts';
import {
  describePauses,
  describeSpread,
  machine,
  medianPauses,
  pauseKeys,
  round,
  spread,
  watchPauses,
  type PauseFigures,
} from './lib.ts';
import { MSM_REFERENCE_POINTS, startMsmReference, type MsmTiming } from './msm-reference.ts';

const SINGLE_SECONDS = Number(process.env.BENCH_SINGLE_SECONDS ?? 20);
// Batch proofs per repetition of (b).
const BATCHES = Number(process.env.BENCH_BATCHES ?? 16);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
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

interface PoolRun {
  placementsPerSecond: number;
  proveMs: number;
  pauses: PauseFigures;
  /** The reference multi-exponentiation, the mean of its timings just before and just after this repetition. */
  reference: MsmTiming;
}

/** RUNS repetitions of BATCHES batch proofs on one pool, each between two timings of the reference workload. */
async function batched(threads: number) {
  const pool = new ProverPool(circuits, threads);
  const reference = await startMsmReference();
  const runs: PoolRun[] = [];
  try {
    // Warm-up: each thread loads the artifacts and builds its curve once.
    await Promise.all(Array.from({ length: threads }, (_, t) => pool.prove(BATCH, batchInput([witness(t)]))));
    for (let r = 0; r < RUNS; r++) {
      const before = await reference.measure();
      const pauses = watchPauses();
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: BATCHES }, (_, b) =>
          pool.prove(
            BATCH,
            batchInput(Array.from({ length: BATCH_SIZE }, (_, i) => witness((r * BATCHES + b) * BATCH_SIZE + i))),
          ),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const paused = await pausesSince(pauses);
      const after = await reference.measure();
      const run: PoolRun = {
        placementsPerSecond: (BATCHES * BATCH_SIZE) / seconds,
        proveMs: results.reduce((s, x) => s + x.ms, 0) / results.length,
        pauses: paused,
        reference: { ms: (before.ms + after.ms) / 2, cpuMs: (before.cpuMs + after.cpuMs) / 2 },
      };
      console.log(
        `    run ${r + 1}/${RUNS}: ${round(run.placementsPerSecond, 1)} placements/s (a batch proof ${Math.round(run.proveMs)} ms in a thread); ` +
          `reference ${round(run.reference.ms)} ms (${round(run.reference.cpuMs)} ms CPU); this thread: ${describePauses(paused)}`,
      );
      runs.push(run);
    }
  } finally {
    await reference.stop();
    await pool.close();
  }
  return runs;
}

/**
 * This thread's pauses since `watch` started. snarkjs's in-thread work can run to its end without the event loop
 * turning once, and the delay monitor records a block only when its timer finally runs: one turn first records it.
 */
async function pausesSince(watch: () => PauseFigures): Promise<PauseFigures> {
  await new Promise((r) => setTimeout(r, 2));
  return watch();
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
  // This thread's pauses in each phase. (a), (c) and (d) run snarkjs's witness code or its single-threaded prover
  // here, so long delays there are the work itself; in (b) this thread only hands out batches.
  let pauses = watchPauses();
  const a = await single();
  const singlePauses = await pausesSince(pauses);
  console.log(`    ${round(a.perSecond, 2)} proofs/s; this thread: ${describePauses(singlePauses)}`);
  const threads = availableParallelism();
  console.log(
    `(b) prover pool: ${threads} threads, ${RUNS} × ${BATCHES} ${BATCH} proofs of ${BATCH_SIZE}; reference: a fixed G1 multi-exponentiation in this thread`,
  );
  const runs = await batched(threads);
  const rates = runs.map((r) => r.placementsPerSecond);
  // Placements proved per second over the reference's rate on as many cores (threads × 1000 / its ms): how many
  // placements the pool proves in the time each core does one reference multi-exponentiation.
  const ratios = runs.map((r) => (r.placementsPerSecond * r.reference.ms) / 1000 / threads);
  const b = {
    placementsPerSecond: spread(rates),
    pauses: medianPauses(runs.map((r) => r.pauses)),
    referenceMs: spread(runs.map((r) => r.reference.ms)).median,
    referenceCpuMs: spread(runs.map((r) => r.reference.cpuMs)).median,
    ratio: spread(ratios),
  };
  console.log(
    `    median (min–max) of ${RUNS}: ${describeSpread(rates)} placements/s; ${round(b.placementsPerSecond.median / a.perSecond, 1)}× (a); ` +
      `${describeSpread(ratios, 3)} placements per reference multi-exponentiation per thread`,
  );

  const items = Array.from({ length: VERIFY }, (_, i) => a.proofs[i % a.proofs.length]);
  console.log(`(c) verifying ${VERIFY} placement proofs`);
  pauses = watchPauses();
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
  const verifyPauses = await pausesSince(pauses);
  console.log(
    `    one by one ${Math.round(oneByOne)} ms, one batch ${Math.round(batchMs)} ms: ${round(oneByOne / batchMs, 1)}× faster; this thread: ${describePauses(verifyPauses)}`,
  );
  await terminateCurve();
  console.log(`(d) what limits (b): ${CPU_BATCHES} ${BATCH} proofs in this thread, one at a time`);
  pauses = watchPauses();
  const d = await limits();
  const limitsPauses = await pausesSince(pauses);
  const constraints = circuits[BATCH].constraints;
  const cpuPerPlacement = (d.witnessCpuMs + d.proveCpuMs) / BATCH_SIZE;
  // With every core proving and nothing else running, placements/s cannot exceed this.
  const cpuBound = (threads * 1000) / cpuPerPlacement;
  console.log(
    `    ${BATCH}: ${constraints} constraints, ${round(constraints / BATCH_SIZE, 1)} per placement; per batch: witness ${Math.round(d.witnessMs)} ms (${Math.round(d.witnessCpuMs)} ms CPU), proof ${Math.round(d.proveMs)} ms (${Math.round(d.proveCpuMs)} ms CPU)`,
  );
  console.log(
    `    ${round(cpuPerPlacement, 1)} ms CPU per placement: at most ${round(cpuBound, 1)} placements/s on ${threads} idle cores; (b) reached ${round((100 * b.placementsPerSecond.median) / cpuBound, 0)} % of that (the rest went to other processes on this machine)`,
  );
  console.log(
    `    ${round(cpuPerPlacement / b.referenceCpuMs, 3)} reference multi-exponentiations of CPU per placement (reference ${round(b.referenceCpuMs)} ms CPU); this thread: ${describePauses(limitsPauses)}`,
  );
  const figures = {
    single_proofs_per_s: round(a.perSecond, 2),
    batched_placements_per_s: round(b.placementsPerSecond.median, 1),
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
    // Issue #22: (b) as the median of its runs with their range, and against the fixed reference workload.
    runs: RUNS,
    batches_per_run: BATCHES,
    batched_placements_per_s_range: [round(b.placementsPerSecond.min, 1), round(b.placementsPerSecond.max, 1)],
    reference_msm_points: MSM_REFERENCE_POINTS,
    reference_msm_ms: round(b.referenceMs, 1),
    reference_msm_cpu_ms: round(b.referenceCpuMs, 1),
    batched_vs_reference: round(b.ratio.median, 3),
    batched_vs_reference_range: [round(b.ratio.min, 3), round(b.ratio.max, 3)],
    // CPU per placement in reference multi-exponentiations: both in CPU time, so it holds on a busy machine too.
    cpu_per_placement_vs_reference: round(cpuPerPlacement / b.referenceCpuMs, 3),
    ...pauseKeys('single', singlePauses),
    ...pauseKeys('pool', b.pauses),
    ...pauseKeys('verify', verifyPauses),
    ...pauseKeys('in_thread', limitsPauses),
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
