'use client';

import { useState } from 'react';
import { useEntroos, useList } from '@entroos/react';
import { errorText } from '@/lib/client/api.ts';
import { batchCanonical, type CustodyPredicate } from '@/lib/apps/supply-chain/statement.ts';
import {
  ACTIONS,
  RESOURCES,
  type Attestation,
  type Batch,
  type CustodyAction,
  type Participant,
} from '@/lib/apps/supply-chain/types.ts';
import { readPrivateKey, sha256Hex, signCustodyStep } from './browser-keys';

// Records one custody step from the dashboard: the participant's key file is read and used in this page only
// (WebCrypto), the Statement is signed here, and only the signed envelope is sent, as the SDK examples do. The
// server verifies it on admission like any other attestation; its answer (422 naming the problem) is shown as is.

/** What is sent: the server names it (generateName) and fills the rest of its metadata. */
type NewAttestation = Pick<Attestation, 'spec'> & { metadata: { name?: string; generateName?: string } };

export function RecordStepPanel({ batch }: { batch: Batch }) {
  const namespace = batch.metadata.namespace ?? '';
  const name = batch.metadata.name;
  const participants = useList<string, Participant>(RESOURCES.participants, { namespace });
  const { client } = useEntroos();
  const [participant, setParticipant] = useState('');
  const [action, setAction] = useState<CustodyAction>('handover');
  const [to, setTo] = useState('');
  const [location, setLocation] = useState('');
  const [note, setNote] = useState('');
  const [keyFile, setKeyFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [recorded, setRecorded] = useState('');
  const known = participants.data ?? [];
  const signer = known.find((p) => p.metadata.name === participant);

  const record = async () => {
    setError('');
    setRecorded('');
    if (!signer) return setError('Choose the participant who took this step.');
    if (action === 'handover' && !to) return setError('A handover names who receives the batch.');
    if (!keyFile) return setError(`Choose ${participant}'s private key file (PKCS#8 PEM).`);
    setBusy(true);
    try {
      const key = await readPrivateKey(await keyFile.text());
      if (key.publicKey !== signer.spec.publicKey)
        throw new Error(`This key (${key.keyid.slice(0, 19)}…) is not the key registered for ${participant}.`);
      const predicate: CustodyPredicate = {
        batch: name,
        participant,
        action,
        time: new Date().toISOString(),
        ...(location.trim() ? { location: location.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(action === 'handover' ? { to } : {}),
        // A processing step names what it consumed: exactly the batch's declared inputs.
        ...(action === 'process'
          ? { inputs: (batch.spec.inputs ?? []).map((input) => ({ name: input, digest: { sha256: '' } })) }
          : {}),
      };
      const digest = await sha256Hex(batchCanonical(namespace, name, batch.spec));
      const envelope = await signCustodyStep(key, namespace, digest, predicate);
      const created = await client
        .resource<NewAttestation>(RESOURCES.attestations)
        .create(
          { metadata: { generateName: `${name}-${action}-` }, spec: { batch: name, participant, action, envelope } },
          { namespace },
        );
      setRecorded(created.metadata.name ?? '');
      setNote('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="sc-record">
      <h2 id="sc-record">Record a custody step</h2>
      <p className="muted">
        The step is signed in this page with the participant&apos;s ed25519 key; the key file is never uploaded.
      </p>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void record();
        }}
      >
        <div className="row">
          <div className="field">
            <label htmlFor="sc-step-participant">Participant</label>
            <select id="sc-step-participant" value={participant} onChange={(e) => setParticipant(e.target.value)}>
              <option value="">Choose…</option>
              <ParticipantOptions participants={known} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="sc-step-action">Step</label>
            <select id="sc-step-action" value={action} onChange={(e) => setAction(e.target.value as CustodyAction)}>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          {action === 'handover' && (
            <div className="field">
              <label htmlFor="sc-step-to">Handed to</label>
              <select id="sc-step-to" value={to} onChange={(e) => setTo(e.target.value)}>
                <option value="">Choose…</option>
                <ParticipantOptions participants={known.filter((p) => p.metadata.name !== participant)} />
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="sc-step-location">Location (optional)</label>
            <input
              id="sc-step-location"
              value={location}
              maxLength={200}
              onChange={(e) => setLocation(e.target.value)}
            />
          </div>
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="sc-step-note">Note (optional)</label>
            <input id="sc-step-note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sc-step-key">Private key file (PKCS#8 PEM)</label>
            <input
              id="sc-step-key"
              type="file"
              accept=".pem,.key,application/x-pem-file"
              onChange={(e) => setKeyFile(e.target.files?.[0] ?? null)}
            />
          </div>
          <div className="field">
            <button className="btn btn-primary" type="submit" disabled={busy}>
              {busy ? 'Signing…' : 'Sign and record'}
            </button>
          </div>
        </div>
        {error && (
          <p className="alert alert-error" data-testid="sc-step-error">
            {error}
          </p>
        )}
        {recorded && (
          <p className="alert alert-ok" data-testid="sc-step-recorded">
            Recorded as {recorded}; the timeline shows it once the controller has verified it.
          </p>
        )}
      </form>
    </section>
  );
}

function ParticipantOptions({ participants }: { participants: readonly Participant[] }) {
  return participants.map((p) => (
    <option key={p.metadata.name} value={p.metadata.name}>
      {p.spec.displayName ?? p.metadata.name}
    </option>
  ));
}
