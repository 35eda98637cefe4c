'use client';

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { commitmentFor, voteWitness, type VoteWitness } from '@/lib/apps/voting/voter.ts';
import type { BallotSummary } from '@/lib/apps/voting/public.ts';
import type { BallotExport } from '@/lib/proofs/ballot-export.ts';
import {
  createIdentity,
  loadIdentity,
  loadReceipt,
  passphraseOf,
  saveIdentity,
  saveReceipt,
  secretOf,
} from './identity';

// The voter application: the identity is made and kept in this browser (exportable as a passphrase), enrolment
// sends only its commitment with an invite code, the vote's proof is made in a Web Worker
// (public/vendor/voting-prover.js) and only the proof and its public signals are sent. The receipt — the vote's
// name, derived from its nullifier — lets the voter find the vote in the ballot's public export.

type Step = { kind: 'idle' } | { kind: 'busy'; what: string; since: number } | { kind: 'error'; message: string };

interface Proved {
  proof: unknown;
  publicSignals: string[];
  ms: number;
}

async function statusMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
  return body?.message ?? `${res.status} ${res.statusText}`;
}

function prove(input: VoteWitness, onStage: (stage: string) => void): Promise<Proved> {
  return new Promise((resolve, reject) => {
    const worker = new Worker('/vendor/voting-prover.js');
    worker.onmessage = (e: MessageEvent<{ type: string; stage?: string; message?: string } & Proved>) => {
      if (e.data.type === 'progress' && e.data.stage) onStage(e.data.stage);
      else {
        worker.terminate();
        if (e.data.type === 'done') resolve(e.data);
        else reject(new Error(e.data.message ?? 'the proof failed'));
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || 'the prover could not start'));
    };
    worker.postMessage({ input });
  });
}

export function VoterApp({
  namespace,
  ballot,
  code: initialCode,
}: {
  namespace: string;
  ballot: string;
  code?: string;
}) {
  const [summary, setSummary] = useState<BallotSummary>();
  // What this browser keeps is read once the page is hydrated (the server has no localStorage).
  const hydrated = useSyncExternalStore(
    () => () => {},
    () => true,
    () => false,
  );
  const [chosenSecret, setSecret] = useState<bigint>();
  const secret = chosenSecret ?? (hydrated ? loadIdentity() : undefined);
  const [showPassphrase, setShowPassphrase] = useState(false);
  const [importText, setImportText] = useState('');
  const [code, setCode] = useState(initialCode ?? '');
  const [enrolled, setEnrolled] = useState<number>();
  const [option, setOption] = useState<number>();
  const [newReceipt, setReceipt] = useState<string | null>(null);
  const receipt = newReceipt ?? (hydrated ? loadReceipt(namespace, ballot) : null);
  const [counted, setCounted] = useState<boolean>();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [elapsed, setElapsed] = useState(0);
  const base = `/apps/voting/ballots/${encodeURIComponent(namespace)}/${encodeURIComponent(ballot)}`;
  const timer = useRef<ReturnType<typeof setInterval>>(undefined);

  const refresh = useCallback(async () => {
    const res = await fetch(base, { cache: 'no-store' });
    if (res.ok) setSummary((await res.json()) as BallotSummary);
    else setStep({ kind: 'error', message: await statusMessage(res) });
  }, [base]);

  // The ballot's state and vote count, read again every few seconds: the count moves as members vote.
  useEffect(() => {
    let current = true;
    const read = () =>
      fetch(base, { cache: 'no-store' })
        .then(async (res) => {
          if (!current) return;
          if (res.ok) setSummary((await res.json()) as BallotSummary);
          else setStep({ kind: 'error', message: await statusMessage(res) });
        })
        .catch((err: unknown) => current && setStep({ kind: 'error', message: String(err) }));
    void read();
    const every = setInterval(read, 3000);
    return () => {
      current = false;
      clearInterval(every);
    };
  }, [base]);

  useEffect(() => {
    clearInterval(timer.current);
    if (step.kind === 'busy') timer.current = setInterval(() => setElapsed(Date.now() - step.since), 200);
    return () => clearInterval(timer.current);
  }, [step]);

  const busy = (what: string) => setStep({ kind: 'busy', what, since: Date.now() });
  const fail = (err: unknown) => setStep({ kind: 'error', message: err instanceof Error ? err.message : String(err) });

  async function enrol() {
    if (!secret || !summary) return;
    busy('Enrolling');
    try {
      const res = await fetch('/apps/voting/enrol', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ namespace, group: summary.group, code, commitment: String(commitmentFor(secret)) }),
      });
      if (!res.ok) throw new Error(await statusMessage(res));
      setEnrolled(((await res.json()) as { index: number }).index);
      setStep({ kind: 'idle' });
    } catch (err) {
      fail(err);
    }
  }

  async function vote() {
    if (!secret || option === undefined) return;
    busy('Fetching the group');
    try {
      const res = await fetch(`${base}/export`, { cache: 'no-store' });
      if (!res.ok) throw new Error(await statusMessage(res));
      const data = (await res.json()) as BallotExport;
      busy('Building your Merkle path');
      const input = voteWitness(
        data.members,
        secret,
        { ballotId: data.ballot.ballotId, root: data.ballot.root, options: data.ballot.options.length },
        option,
      );
      const since = Date.now();
      setStep({ kind: 'busy', what: 'Proving', since });
      const proved = await prove(input, (stage) => setStep({ kind: 'busy', what: stage, since }));
      busy('Sending the proof');
      const cast = await fetch('/apps/voting/votes', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ namespace, ballot, proof: proved.proof, publicSignals: proved.publicSignals }),
      });
      if (!cast.ok) throw new Error(await statusMessage(cast));
      const { name } = (await cast.json()) as { name: string };
      saveReceipt(namespace, ballot, name);
      setReceipt(name);
      setStep({ kind: 'idle' });
      void refresh();
    } catch (err) {
      fail(err);
    }
  }

  async function checkReceipt() {
    if (!receipt) return;
    busy('Checking the export');
    try {
      const res = await fetch(`${base}/export`, { cache: 'no-store' });
      if (!res.ok) throw new Error(await statusMessage(res));
      const data = (await res.json()) as BallotExport;
      setCounted(data.votes.some((v) => v.name === receipt));
      setStep({ kind: 'idle' });
    } catch (err) {
      fail(err);
    }
  }

  function importIdentity() {
    try {
      const s = secretOf(importText);
      saveIdentity(s);
      setSecret(s);
      setImportText('');
    } catch (err) {
      fail(err);
    }
  }

  const working = step.kind === 'busy';
  return (
    <div style={{ display: 'grid', gap: 16 }}>
      {summary ? (
        <section aria-labelledby="ballot-question">
          <h1 id="ballot-question" style={{ fontSize: 22 }}>
            {summary.question}
          </h1>
          <p className="muted" data-testid="ballot-state">
            {summary.state}
            {summary.closesAt ? ` · closes ${new Date(summary.closesAt).toLocaleString()}` : ''} · {summary.votes}{' '}
            {summary.votes === 1 ? 'vote' : 'votes'}
          </p>
          {summary.tally ? (
            <ul data-testid="ballot-result">
              {summary.options.map((o, i) => (
                <li key={o}>
                  {o}: {summary.tally?.[i] ?? 0}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="identity-heading" className="card" style={{ padding: 12 }}>
        <h2 id="identity-heading" style={{ fontSize: 17 }}>
          Your identity
        </h2>
        <p className="muted">Made and kept in this browser. The server never sees it, only a commitment to it.</p>
        {secret ? (
          <>
            <button type="button" className="btn" onClick={() => setShowPassphrase((v) => !v)}>
              {showPassphrase ? 'Hide the passphrase' : 'Show the passphrase'}
            </button>
            {showPassphrase ? (
              <p>
                <code data-testid="passphrase" style={{ overflowWrap: 'anywhere' }}>
                  {passphraseOf(secret)}
                </code>
              </p>
            ) : null}
          </>
        ) : (
          <button type="button" className="btn" onClick={() => setSecret(createIdentity())}>
            Create my identity
          </button>
        )}
        <details>
          <summary>Use a passphrase from another device</summary>
          <label htmlFor="import-passphrase">Passphrase</label>
          <input id="import-passphrase" value={importText} onChange={(e) => setImportText(e.target.value)} />
          <button type="button" className="btn" onClick={importIdentity} disabled={!importText}>
            Use it
          </button>
        </details>
      </section>

      {secret && summary?.state === 'Draft' ? (
        <section aria-labelledby="enrol-heading" className="card" style={{ padding: 12 }}>
          <h2 id="enrol-heading" style={{ fontSize: 17 }}>
            Enrol
          </h2>
          <label htmlFor="invite-code">Invite code</label>
          <input id="invite-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
          <button type="button" className="btn btn-primary" onClick={enrol} disabled={!code || working}>
            Enrol
          </button>
          {enrolled !== undefined ? <p data-testid="enrolled">Enrolled (member {enrolled + 1}).</p> : null}
        </section>
      ) : null}

      {secret && summary?.state === 'Open' && !receipt ? (
        <section aria-labelledby="vote-heading" className="card" style={{ padding: 12 }}>
          <h2 id="vote-heading" style={{ fontSize: 17 }}>
            Vote
          </h2>
          <fieldset>
            <legend>Your choice</legend>
            {summary.options.map((o, i) => (
              <label key={o} style={{ display: 'block', padding: '6px 0' }}>
                <input type="radio" name="option" checked={option === i} onChange={() => setOption(i)} /> {o}
              </label>
            ))}
          </fieldset>
          <button type="button" className="btn btn-primary" onClick={vote} disabled={option === undefined || working}>
            Cast my vote
          </button>
        </section>
      ) : null}

      {receipt ? (
        <section aria-labelledby="receipt-heading" className="card" style={{ padding: 12 }}>
          <h2 id="receipt-heading" style={{ fontSize: 17 }}>
            Your receipt
          </h2>
          <p>
            <code data-testid="receipt" style={{ overflowWrap: 'anywhere' }}>
              {receipt}
            </code>
          </p>
          <p className="muted">
            It names your vote in the ballot&apos;s export without saying who you are or what you chose.
          </p>
          <button type="button" className="btn" onClick={checkReceipt} disabled={working}>
            Check my vote was counted
          </button>
          {counted !== undefined ? (
            <p data-testid="receipt-check">
              {counted ? 'Your vote is in the export.' : 'Your vote is NOT in the export.'}
            </p>
          ) : null}
          <p>
            <a href={`/apps/voting/verify/${encodeURIComponent(namespace)}/${encodeURIComponent(ballot)}`}>
              Check the whole ballot
            </a>{' '}
            <span className="muted">(every proof and the tally, in your browser)</span>
          </p>
        </section>
      ) : null}

      <div role="status" aria-live="polite" data-testid="voter-status">
        {step.kind === 'busy' ? `${step.what}… ${(elapsed / 1000).toFixed(1)} s` : null}
      </div>
      {step.kind === 'error' ? (
        <p role="alert" data-testid="voter-error">
          {step.message}
        </p>
      ) : null}
    </div>
  );
}
