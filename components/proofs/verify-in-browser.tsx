'use client';

import { useState } from 'react';
import { apiFetch } from '@/lib/client/api.ts';
import { verifyInBrowser, type ProofToVerify } from '@/lib/client/snarkjs.ts';

type State =
  | { kind: 'idle' }
  | { kind: 'verifying' }
  | { kind: 'done'; valid: boolean; ms: number; reason?: string }
  | { kind: 'error'; message: string };

/** Fetches a proof and checks it with snarkjs in this tab: the server is not trusted with the answer. */
export function VerifyInBrowser({ proofId }: { proofId: string }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const run = async () => {
    setState({ kind: 'verifying' });
    try {
      const proof = await apiFetch<ProofToVerify>(`/apis/entroos.io/v1/proofs/${encodeURIComponent(proofId)}`);
      setState({ kind: 'done', ...(await verifyInBrowser(proof)) });
    } catch (err) {
      setState({ kind: 'error', message: (err as Error).message });
    }
  };
  return (
    <span className="row" data-testid="verify-in-browser">
      <button className="btn" type="button" onClick={run} disabled={state.kind === 'verifying'}>
        {state.kind === 'verifying' ? 'Verifying…' : 'Verify in browser'}
      </button>
      <span role="status" aria-live="polite" data-testid="verify-result">
        {state.kind === 'done' &&
          (state.valid
            ? `Valid: checked in this browser in ${state.ms.toFixed(0)} ms`
            : `INVALID: ${state.reason ?? 'this proof does not verify'}`)}
        {state.kind === 'error' && <span className="error">{state.message}</span>}
      </span>
    </span>
  );
}
