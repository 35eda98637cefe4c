// snarkjs, ffjavascript and circom's runtime ship without TypeScript types;
// these declare the parts EntroOS uses.
declare module 'snarkjs' {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol?: string;
    curve?: string;
  }
  export const groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasm: string | Uint8Array,
      zkey: string | Uint8Array,
      logger?: unknown,
      wtnsCalcOptions?: unknown,
      proverOptions?: { singleThread?: boolean },
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: unknown, publicSignals: string[], proof: Groth16Proof, logger?: unknown): Promise<boolean>;
  };
  export const curves: { getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<any> };
  export const powersOfTau: any;
  export const zKey: any;
}

declare module 'ffjavascript' {
  export function buildBn128(singleThread?: boolean): Promise<any>;
  export const Scalar: any;
  export const utils: any;
}
