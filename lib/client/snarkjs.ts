'use client';

import { isPlacementCircuit, placementSignalsProblem } from '../proofs/placement-checks.ts';

// snarkjs in the browser: its self-contained UMD build, served from
// /vendor/snarkjs.min.js (a copy of node_modules/snarkjs/build/snarkjs.min.js,
// checked by a test), loaded on first use only.

interface BrowserSnarkjs {
  groth16: { verify(vkey: unknown, publicSignals: string[], proof: unknown): Promise<boolean> };
}

let loading: Promise<BrowserSnarkjs> | null = null;

export function loadSnarkjs(): Promise<BrowserSnarkjs> {
  const existing = (window as unknown as { snarkjs?: BrowserSnarkjs }).snarkjs;
  if (existing) return Promise.resolve(existing);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/snarkjs.min.js';
    script.async = true;
    script.onload = () => resolve((window as unknown as { snarkjs: BrowserSnarkjs }).snarkjs);
    script.onerror = () => {
      loading = null;
      reject(new Error('could not load the verifier (snarkjs) from the server'));
    };
    document.head.appendChild(script);
  });
  return loading;
}

export interface ProofToVerify {
  circuit: string;
  vkeyId: string;
  proof: unknown;
  publicSignals: string[];
}

/**
 * Verifies in this browser with the circuit's public verification key; the server only supplies data. A placement
 * proof's public free capacities are checked here too (placement-checks.ts): version 2 circuits leave that to the
 * verifier. `reason` says why an invalid proof is invalid.
 */
export async function verifyInBrowser(p: ProofToVerify): Promise<{ valid: boolean; ms: number; reason?: string }> {
  const problem = isPlacementCircuit(p.circuit) ? placementSignalsProblem(p.publicSignals) : null;
  if (problem) return { valid: false, ms: 0, reason: problem };
  const snarkjs = await loadSnarkjs();
  const response = await fetch(`/zk/${encodeURIComponent(p.circuit)}.vkey.json`);
  if (!response.ok) throw new Error(`no verification key for circuit ${p.circuit}`);
  const vkey = await response.json();
  const started = performance.now();
  const valid = await snarkjs.groth16.verify(vkey, p.publicSignals, p.proof);
  return { valid, ms: performance.now() - started, ...(valid ? {} : { reason: 'the proof does not verify' }) };
}
