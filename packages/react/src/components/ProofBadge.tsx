import { useProofVerification } from '../hooks.ts';
import type { ProofToVerify } from '../proof.ts';

export interface ProofBadgeProps {
  /** A proof id (fetched from the server) or the proof itself. */
  proofId?: string;
  proof?: ProofToVerify;
  /** Verify on mount instead of on click. */
  auto?: boolean;
}

/**
 * A placement proof's state, checked in this browser (snarkjs, the circuit's public key): the server only supplies
 * the data, so "valid" does not rest on trusting it.
 */
export function ProofBadge({ proofId, proof, auto }: ProofBadgeProps) {
  const check = useProofVerification(proof ?? proofId, { auto });
  const text =
    check.state === 'verifying'
      ? 'Verifying…'
      : check.state === 'valid'
        ? `Valid proof · checked here in ${Math.round(check.ms ?? 0)} ms`
        : check.state === 'invalid'
          ? 'INVALID proof: it does not verify'
          : check.state === 'error'
            ? `Could not verify: ${(check.error as Error)?.message ?? 'unknown error'}`
            : 'Not verified yet';
  return (
    <span className={`eos-proof eos-proof--${check.state}`} data-state={check.state}>
      <span className="eos-proof__icon" aria-hidden="true">
        {check.state === 'valid' ? '✔' : check.state === 'invalid' || check.state === 'error' ? '✖' : '◌'}
      </span>
      <span role="status" aria-live="polite">
        {text}
      </span>
      {check.state !== 'verifying' && (
        <button type="button" className="eos-button eos-button--quiet" onClick={check.verify}>
          {check.state === 'idle' ? 'Verify in browser' : 'Verify again'}
        </button>
      )}
    </span>
  );
}
