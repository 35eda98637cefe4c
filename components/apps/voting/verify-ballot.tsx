'use client';

import { useState } from 'react';
import { snarkjsVerifier } from '@entroos/react';
import { checkBallot, type BallotCheck, type BallotExport } from '@/lib/proofs/ballot-check.ts';

// A ballot checked in this browser, as `npx entroos-verify` checks it offline: the export is fetched, the group's
// root recomputed from its members, every vote's proof checked with snarkjs in this tab against the key the export
// carries, nullifiers unique and the tally recounted. The key's id is compared with the one this cluster publishes
// in /zk/manifest.json, so a file with a key of its own does not pass unnoticed.

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

export function VerifyBallot({ namespace, ballot }: { namespace: string; ballot: string }) {
  const [state, setState] = useState<
    | { step: 'idle' }
    | { step: 'busy'; what: string }
    | { step: 'done'; data: BallotExport; check: BallotCheck; published?: string }
    | { step: 'error'; message: string }
  >({ step: 'idle' });

  const run = async () => {
    try {
      setState({ step: 'busy', what: 'Downloading the export' });
      const base = `/apps/voting/ballots/${encodeURIComponent(namespace)}/${encodeURIComponent(ballot)}`;
      const res = await fetch(`${base}/export`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`the export could not be downloaded (${res.status})`);
      const data = (await res.json()) as BallotExport;
      setState({ step: 'busy', what: `Checking ${data.votes.length} votes` });
      const verify = snarkjsVerifier('', { vkey: async () => data.vkey.vkey });
      const check = await checkBallot(data, {
        badProofs: async (items) => {
          const bad: number[] = [];
          for (const [i, item] of items.entries())
            if (!(await verify({ circuit: 'voting', proof: item.proof, publicSignals: item.publicSignals })).valid)
              bad.push(i);
          return bad;
        },
        keyId: async (json) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(json))),
      });
      const manifest = (await fetch('/zk/manifest.json').then((r) => (r.ok ? r.json() : undefined))) as
        { circuits?: Record<string, { vkey?: { sha256?: string } }> } | undefined;
      setState({ step: 'done', data, check, published: manifest?.circuits?.voting?.vkey?.sha256 });
    } catch (err) {
      setState({ step: 'error', message: `Could not check the ballot: ${(err as Error).message}` });
    }
  };

  return (
    <div>
      <button type="button" className="btn btn-primary" onClick={() => void run()} disabled={state.step === 'busy'}>
        Check this ballot in my browser
      </button>
      <div role="status" aria-live="polite" data-testid="verify-status">
        {state.step === 'busy' ? `${state.what}…` : null}
      </div>
      {state.step === 'error' && (
        <p className="alert alert-error" data-testid="verify-error">
          {state.message}
        </p>
      )}
      {state.step === 'done' && <Result {...state} />}
    </div>
  );
}

function Result({ data, check, published }: { data: BallotExport; check: BallotCheck; published?: string }) {
  const valid = check.votes - check.badVotes.length;
  const keyMatches = published !== undefined && published === check.vkeyId;
  return (
    <section className="panel" data-testid="verify-result" style={{ marginTop: 12 }}>
      <p style={{ fontWeight: 600, color: check.ok && keyMatches ? 'var(--ok)' : 'var(--danger)' }}>
        {check.ok ? '✓ The ballot checks out' : '✗ The ballot does not check out'}
        {check.ok && !keyMatches ? ', but with a key this cluster does not publish' : ''}.
      </p>
      <p data-testid="verify-summary">
        {valid} of {check.votes} votes valid; the group root of {data.ballot.groupSize} members{' '}
        {check.problems.some((p) => p.includes('root')) ? 'does not match' : 'matches'}; checked in {check.ms} ms.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Option</th>
            <th>Recounted</th>
            <th>Published</th>
          </tr>
        </thead>
        <tbody data-testid="verify-tally">
          {data.ballot.options.map((option, i) => (
            <tr key={option}>
              <td data-label="Option">{option}</td>
              <td data-label="Recounted">{check.tally[i]}</td>
              <td data-label="Published">{data.tally[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {[...check.problems, ...check.badVotes.map((b) => `vote ${b.name}: ${b.problem}`)].map((p) => (
        <p key={p} className="alert alert-error">
          {p}
        </p>
      ))}
      <p className="muted" style={{ overflowWrap: 'anywhere' }}>
        Key {check.vkeyId.slice(0, 16)}…{' '}
        {keyMatches
          ? '(the one this cluster publishes)'
          : `(this cluster publishes ${published?.slice(0, 16) ?? '—'}…)`}
      </p>
    </section>
  );
}
