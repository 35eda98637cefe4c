'use client';

import { useState } from 'react';
import { snarkjsVerifier } from '@entroos/react';
import { batchElement, certifiedSignals } from '@/lib/proofs/certified-custody.ts';
import type { PublicCertification } from '@/lib/apps/supply-chain/public.ts';

// Repeats the server's check of a certified-custody proof in this tab, so the answer does not rest on trusting the
// server: the proof's public signals must be the set's root and this batch's digest, then snarkjs checks the proof
// against the circuit's key.

const verify = snarkjsVerifier();

export function CertifiedCheck({ c }: { c: PublicCertification }) {
  const [state, setState] = useState<{ busy?: boolean; result?: string; ok?: boolean }>({});
  const check = async () => {
    setState({ busy: true });
    const { root, batch } = certifiedSignals(c.publicSignals);
    if (root !== c.root) return setState({ ok: false, result: "The proof is not against the set's root." });
    if (batch !== batchElement(c.digest)) return setState({ ok: false, result: 'The proof is about another batch.' });
    try {
      const { valid, ms } = await verify({
        circuit: 'certified_custody',
        proof: c.proof,
        publicSignals: c.publicSignals,
      });
      setState(
        valid
          ? { ok: true, result: `✓ Proof verified in this browser (${Math.round(ms)} ms).` }
          : { ok: false, result: '✗ The proof does not verify.' },
      );
    } catch (err) {
      setState({ ok: false, result: `Could not check here: ${(err as Error).message}` });
    }
  };
  return (
    <div>
      <button type="button" className="btn" onClick={() => void check()} disabled={state.busy}>
        {state.busy ? 'Checking…' : 'Check the proof in this browser'}
      </button>
      {state.result && (
        <p data-testid="sc-certified-browser" style={{ color: state.ok ? 'var(--ok)' : 'var(--danger)' }}>
          {state.result}
        </p>
      )}
    </div>
  );
}
