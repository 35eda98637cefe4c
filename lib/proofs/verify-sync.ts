import { buildBn128 } from 'ffjavascript';
import type { VerificationKey } from './artifacts.ts';
import { checkShape, type Bn128 } from './verify.ts';

// Groth16 verification without awaiting, for admission: the object API checks a write synchronously between
// reading the stored state and committing, so a vote's proof is checked inside that step (a few milliseconds of
// WASM: four Miller loops and one final exponentiation on a single-threaded curve, no worker round trips).
// The curve is built once, asynchronously; `ready` says whether it is there yet.

/** ffjavascript's synchronous pairing primitives (the package ships no types). */
interface SyncPairing extends Bn128 {
  prepareG1(p: Uint8Array): Uint8Array;
  prepareG2(p: Uint8Array): Uint8Array;
  millerLoop(p: Uint8Array, q: Uint8Array): Uint8Array;
  finalExponentiation(a: Uint8Array): Uint8Array;
  Gt: { mul(a: Uint8Array, b: Uint8Array): Uint8Array; eq(a: Uint8Array, b: Uint8Array): boolean; one: Uint8Array };
  G1: Bn128['G1'] & { toJacobian(p: Uint8Array): Uint8Array };
  G2: Bn128['G2'] & { toJacobian(p: Uint8Array): Uint8Array };
}

export class SyncVerifier {
  private curve: SyncPairing | undefined;
  private building: Promise<void> | undefined;

  /** Starts building the curve (idempotent); resolves once `verify` can run. */
  start(): Promise<void> {
    this.building ??= (buildBn128(true) as Promise<SyncPairing>).then((c) => {
      this.curve = c;
    });
    return this.building;
  }

  get ready(): boolean {
    return this.curve !== undefined;
  }

  /** Whether the proof verifies for the key and public signals; throws ProofFormatError on a malformed one. */
  verify(vkey: VerificationKey, proof: unknown, publicSignals: unknown): boolean {
    const curve = this.curve;
    if (!curve) throw new Error('the verifier is not ready');
    const item = checkShape(vkey, proof, publicSignals);
    const { G1, G2 } = curve;
    const g1 = (p: string[]) => G1.fromObject(p.map(BigInt));
    const g2 = (p: string[][]) => G2.fromObject(p.map((c) => c.map(BigInt)));
    const A = g1(item.proof.pi_a);
    const B = g2(item.proof.pi_b);
    const C = g1(item.proof.pi_c);
    if (!G1.isValid(A) || !G2.isValid(B) || !G1.isValid(C)) return false;
    let vkX = g1(vkey.IC[0]);
    item.publicSignals.forEach((s, i) => {
      vkX = G1.add(vkX, G1.timesScalar(g1(vkey.IC[i + 1]), BigInt(s)));
    });
    const pairs: [Uint8Array, Uint8Array][] = [
      [G1.neg(A), B],
      [g1(vkey.vk_alpha_1), g2(vkey.vk_beta_2)],
      [vkX, g2(vkey.vk_gamma_2)],
      [C, g2(vkey.vk_delta_2)],
    ];
    let acc = curve.Gt.one;
    for (const [p, q] of pairs) {
      const loop = curve.millerLoop(curve.prepareG1(G1.toJacobian(p)), curve.prepareG2(G2.toJacobian(q)));
      acc = curve.Gt.mul(acc, loop);
    }
    return curve.Gt.eq(curve.finalExponentiation(acc), curve.Gt.one);
  }

  async stop(): Promise<void> {
    const curve = this.curve;
    this.curve = undefined;
    this.building = undefined;
    await curve?.terminate();
  }
}
