import { randomBytes } from 'node:crypto';
import { buildBn128 } from 'ffjavascript';
import type { Groth16Proof } from 'snarkjs';
import type { VerificationKey } from './artifacts.ts';
import { FIELD_ORDER } from './placement.ts';
import { checkShape, type VerifyItem } from './proof-shape.ts';

export { checkShape, ProofFormatError, type VerifyItem } from './proof-shape.ts';

// Groth16 verification, one proof at a time or many at once.
//
// Batch verification checks n proofs with ONE multi-pairing instead of n:
// each proof i gets a secret random 128-bit scalar r_i, and
//   Π e(-r_i·A_i, B_i) · Π_keys [ e(Σr_i·α, β) · e(Σr_i·vk_x_i, γ) · e(Σr_i·C_i, δ) ] = 1
// holds for all proofs together with overwhelming probability only if each
// e(A_i, B_i) = e(α, β)·e(vk_x_i, γ)·e(C_i, δ) holds (a forger would have to
// guess the r_i: success chance about 2^-128). That is n + 3 Miller loops per
// key and a single final exponentiation, instead of 4n loops and n
// exponentiations; vk_x for the whole batch is one multi-exponentiation of
// the key's IC points by Σ r_i·input_ij. A failing batch is bisected to name
// the bad proofs.

/** A curve point in ffjavascript's WASM form: its coordinates' bytes. */
type Point = Uint8Array;

/** One of the curve's groups, as far as the verifier uses it (ffjavascript's WasmCurve). */
interface CurveGroup {
  fromObject(coordinates: bigint[] | bigint[][]): Point;
  isValid(p: Point): boolean;
  neg(p: Point): Point;
  add(a: Point, b: Point): Point;
  timesScalar(p: Point, scalar: bigint): Point;
  toAffine(p: Point): Point;
  multiExpAffine(points: Uint8Array, scalars: Uint8Array): Promise<Point>;
  zero: Point;
  F: { n8: number };
}

/** ffjavascript's BN254 curve, as far as the verifier uses it (the package ships no types). */
export interface Bn128 {
  G1: CurveGroup;
  G2: CurveGroup;
  Fr: { n8: number };
  /** Whether the product of the pairings of the (G1, G2) argument pairs is one. */
  pairingEq(...pairs: Point[]): Promise<boolean>;
  terminate(): Promise<void>;
}

let curvePromise: Promise<Bn128> | null = null;
/** The BN254 curve (ffjavascript, WASM with worker threads), built once per process. */
export function getCurve(): Promise<Bn128> {
  curvePromise ??= buildBn128() as Promise<Bn128>;
  return curvePromise;
}

export async function terminateCurve(): Promise<void> {
  const curve = await curvePromise;
  curvePromise = null;
  await curve?.terminate();
}

const g1 = (curve: Bn128, p: string[]) => curve.G1.fromObject(p.map(BigInt));
const g2 = (curve: Bn128, p: string[][]) => curve.G2.fromObject(p.map((c) => c.map(BigInt)));

/** Writes `value` little-endian in `n8` bytes (multiExpAffine's scalar format). */
function writeLE(into: Uint8Array, offset: number, value: bigint, n8: number) {
  let v = value;
  for (let i = 0; i < n8; i++) {
    into[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Verifies one proof (the same check as snarkjs.groth16.verify, shapes checked first). */
export async function verifyOne(item: VerifyItem): Promise<boolean> {
  return (await verifyBatch([item])).ok;
}

/** Random-linear-combination check of all items at once; `ok` is true only if every proof is valid. */
async function combinedCheck(curve: Bn128, items: VerifyItem[]): Promise<boolean> {
  const { G1, Fr } = curve;
  const args: Point[] = [];
  const byKey = new Map<VerificationKey, { sumR: bigint; coeffs: bigint[]; sumC: Point }>();
  for (const item of items) {
    const A = g1(curve, item.proof.pi_a);
    const B = g2(curve, item.proof.pi_b);
    const C = g1(curve, item.proof.pi_c);
    if (!G1.isValid(A) || !curve.G2.isValid(B) || !G1.isValid(C)) return false;
    // 128 random bits from the OS; never zero.
    const r = BigInt(`0x${randomBytes(16).toString('hex')}`) | 1n;
    args.push(G1.neg(G1.timesScalar(A, r)), B);
    let acc = byKey.get(item.vkey);
    if (!acc)
      byKey.set(item.vkey, (acc = { sumR: 0n, coeffs: Array<bigint>(item.vkey.nPublic).fill(0n), sumC: G1.zero }));
    acc.sumR = (acc.sumR + r) % FIELD_ORDER;
    const { coeffs } = acc;
    item.publicSignals.forEach((s, j) => (coeffs[j] = (coeffs[j] + r * BigInt(s)) % FIELD_ORDER));
    acc.sumC = G1.add(acc.sumC, G1.timesScalar(C, r));
  }
  for (const [vkey, acc] of byKey) {
    const n8 = curve.G1.F.n8 * 2;
    const points = new Uint8Array(n8 * vkey.nPublic);
    const scalars = new Uint8Array(Fr.n8 * vkey.nPublic);
    for (let j = 0; j < vkey.nPublic; j++) {
      points.set(G1.toAffine(g1(curve, vkey.IC[j + 1])), j * n8);
      writeLE(scalars, j * Fr.n8, acc.coeffs[j], Fr.n8);
    }
    let vkX = vkey.nPublic ? await G1.multiExpAffine(points, scalars) : G1.zero;
    vkX = G1.add(vkX, G1.timesScalar(g1(curve, vkey.IC[0]), acc.sumR));
    const alpha = G1.timesScalar(g1(curve, vkey.vk_alpha_1), acc.sumR);
    args.push(alpha, g2(curve, vkey.vk_beta_2), vkX, g2(curve, vkey.vk_gamma_2), acc.sumC, g2(curve, vkey.vk_delta_2));
  }
  return curve.pairingEq(...args);
}

/**
 * Verifies many proofs (possibly for different keys) with one pairing check;
 * when it fails, bisects to find exactly which proofs are bad.
 * Shapes are checked first: a malformed item throws ProofFormatError.
 */
export async function verifyBatch(items: VerifyItem[]): Promise<{ ok: boolean; bad: number[] }> {
  for (const item of items) checkShape(item.vkey, item.proof, item.publicSignals);
  if (!items.length) return { ok: true, bad: [] };
  const curve = await getCurve();
  const bad: number[] = [];
  const search = async (from: number, to: number): Promise<void> => {
    if (await combinedCheck(curve, items.slice(from, to))) return;
    if (to - from === 1) {
      bad.push(from);
      return;
    }
    const mid = (from + to) >> 1;
    await search(from, mid);
    await search(mid, to);
  };
  await search(0, items.length);
  return { ok: bad.length === 0, bad };
}

/** A check of one circuit's proofs against its key (no prover threads needed: route handlers on any instance). */
export const verifierFor =
  (artifacts: { vkey: VerificationKey }) =>
  (proof: Groth16Proof, publicSignals: string[]): Promise<boolean> =>
    verifyOne({ vkey: artifacts.vkey, proof, publicSignals });
