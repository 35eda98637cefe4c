import type { Groth16Proof } from 'snarkjs';
import type { VerificationKey } from './artifacts.ts';

// What a Groth16 proof and its public signals must look like before any curve arithmetic, without Node or the
// curve: shared by the server's verifier (verify.ts) and checks that run in the browser (ballot-check.ts).

/** The BN254 scalar field: public signals must be below it. */
export const FIELD_ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The BN254 base field: proof coordinates must be below it. */
const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export class ProofFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofFormatError';
  }
}

export interface VerifyItem {
  vkey: VerificationKey;
  proof: Groth16Proof;
  publicSignals: string[];
}

const DECIMAL = /^\d{1,78}$/;

function coordinate(value: unknown, where: string): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value))
    throw new ProofFormatError(`${where} must be a decimal string`);
  const n = BigInt(value);
  if (n >= BASE_FIELD) throw new ProofFormatError(`${where} is not below the field modulus`);
  return n;
}

/** Checks a proof's and its public signals' shape against the key; throws ProofFormatError naming the first problem. */
export function checkShape(
  vkey: VerificationKey,
  proof: unknown,
  publicSignals: unknown,
): { proof: Groth16Proof; publicSignals: string[] } {
  if (typeof proof !== 'object' || proof === null)
    throw new ProofFormatError('proof must be an object with pi_a, pi_b and pi_c');
  const p = proof as Record<string, unknown>;
  if (p.protocol !== undefined && p.protocol !== 'groth16')
    throw new ProofFormatError(`proof.protocol must be "groth16" (got ${JSON.stringify(p.protocol)})`);
  if (p.curve !== undefined && p.curve !== 'bn128')
    throw new ProofFormatError(`proof.curve must be "bn128" (got ${JSON.stringify(p.curve)})`);
  const g1 = (name: string) => {
    const v = p[name];
    if (!Array.isArray(v) || v.length !== 3)
      throw new ProofFormatError(`proof.${name} must be an array of 3 decimal strings`);
    v.forEach((c, i) => coordinate(c, `proof.${name}[${i}]`));
  };
  g1('pi_a');
  g1('pi_c');
  const b = p.pi_b;
  if (!Array.isArray(b) || b.length !== 3 || b.some((pair) => !Array.isArray(pair) || pair.length !== 2))
    throw new ProofFormatError('proof.pi_b must be 3 pairs of decimal strings');
  b.forEach((pair: unknown[], i) => pair.forEach((c, j) => coordinate(c, `proof.pi_b[${i}][${j}]`)));
  if (!Array.isArray(publicSignals)) throw new ProofFormatError('publicSignals must be an array of decimal strings');
  if (publicSignals.length !== vkey.nPublic)
    throw new ProofFormatError(
      `publicSignals has ${publicSignals.length} values; this circuit's key expects ${vkey.nPublic}`,
    );
  publicSignals.forEach((s, i) => {
    if (typeof s !== 'string' || !DECIMAL.test(s))
      throw new ProofFormatError(`publicSignals[${i}] must be a decimal string`);
    if (BigInt(s) >= FIELD_ORDER) throw new ProofFormatError(`publicSignals[${i}] is not below the scalar field order`);
  });
  return { proof: p as unknown as Groth16Proof, publicSignals: publicSignals as string[] };
}
