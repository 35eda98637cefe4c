import { buildBn128 } from 'ffjavascript';
import type { Bn128 } from '../lib/proofs/verify.ts';

// The fixed reference workload for bench:proofs (issue #22): one multi-exponentiation in BN254's G1 of POINTS fixed
// points by fixed scalars, with ffjavascript single-threaded in the bench's own thread. That operation is most of a
// Groth16 proof's cost, but nothing of ours (circuits, prover pool, witness) is in it, so its time in the same run
// tells how fast the machine is at that moment, and the benchmark's figures set against it do not depend on the
// machine. Keep POINTS, the points and the scalars unchanged, or the ratios of older runs stop being comparable.

export const MSM_REFERENCE_POINTS = 1 << 13;
const POINTS = MSM_REFERENCE_POINTS;
/** Multi-exponentiations per measurement; the measurement is their median. */
const TIMES = 3;

/** The curve as the reference uses it: ffjavascript's WasmCurve also has G1's generator. */
type Curve = Bn128 & { G1: Bn128['G1'] & { g: Uint8Array } };

export interface MsmTiming {
  /** Wall-clock and CPU (user + system) time of one multi-exponentiation, ms. */
  ms: number;
  cpuMs: number;
}

export interface MsmReference {
  measure(): Promise<MsmTiming>;
  stop(): Promise<void>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Builds the curve, the points (1·G, 2·G, …) and the scalars (xorshift32 from a fixed seed), and warms up once. */
export async function startMsmReference(): Promise<MsmReference> {
  const curve = (await buildBn128(true)) as Curve;
  const { G1, Fr } = curve;
  const n8 = G1.F.n8 * 2;
  const points = new Uint8Array(n8 * POINTS);
  let p = G1.g;
  for (let i = 0; i < POINTS; i++) {
    points.set(G1.toAffine(p), i * n8);
    p = G1.add(p, G1.g);
  }
  const scalars = new Uint8Array(Fr.n8 * POINTS);
  let x = 0x9e3779b9;
  for (let i = 0; i < scalars.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    scalars[i] = x & 0xff;
  }
  // Little-endian: the top byte of each scalar below 0x20 keeps it under the group order (0x3064…).
  for (let i = Fr.n8 - 1; i < scalars.length; i += Fr.n8) scalars[i] &= 0x1f;
  const once = async (): Promise<MsmTiming> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await G1.multiExpAffine(points, scalars);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  };
  await once();
  return {
    measure: async () => {
      const runs: MsmTiming[] = [];
      for (let i = 0; i < TIMES; i++) runs.push(await once());
      return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)) };
    },
    stop: () => curve.terminate(),
  };
}
