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
    /** Proves from a witness already computed (wtns.calculate): bench:proofs times the two apart. */
    prove(
      zkey: string | MemFile,
      witness: string | MemFile,
      logger?: unknown,
      options?: { singleThread?: boolean },
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
  };
  /** An in-memory file, as snarkjs's fastfile reads and writes them. */
  export interface MemFile {
    type: 'mem';
    data?: Uint8Array;
  }
  export const wtns: {
    calculate(input: Record<string, unknown>, wasm: string | MemFile, out: string | MemFile): Promise<void>;
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
