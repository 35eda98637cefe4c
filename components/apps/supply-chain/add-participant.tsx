'use client';

import { useState } from 'react';
import { useEntroos } from '@entroos/react';
import { errorText } from '@/lib/client/api.ts';
import { RESOURCES, type Participant } from '@/lib/apps/supply-chain/types.ts';
import { generateKey } from './browser-keys';

// Registers a participant with a key pair made in this page: the public key goes into the Participant, the private
// key is offered once as a PKCS#8 PEM download for the participant to keep (it signs their custody steps, here or
// with the SDK examples). Nothing but the public key is sent.

type NewParticipant = Pick<Participant, 'spec'> & { metadata: { name: string } };

export function AddParticipant() {
  const { client } = useEntroos();
  const [namespace, setNamespace] = useState('');
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState('');
  const [location, setLocation] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [made, setMade] = useState<{ name: string; keyid: string; url: string } | null>(null);

  const register = async () => {
    setError('');
    if (made) URL.revokeObjectURL(made.url);
    setMade(null);
    setBusy(true);
    try {
      const key = await generateKey();
      const spec: Participant['spec'] = {
        roles: roles
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
        publicKey: key.publicKey,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(location.trim() ? { location: location.trim() } : {}),
      };
      await client
        .resource<NewParticipant>(RESOURCES.participants)
        .create({ metadata: { name: name.trim() }, spec }, { namespace: namespace.trim() });
      const url = URL.createObjectURL(new Blob([key.pem], { type: 'application/x-pem-file' }));
      setMade({ name: name.trim(), keyid: key.keyid, url });
      setName('');
      setDisplayName('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="panel">
      <summary>Register a participant</summary>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void register();
        }}
      >
        <p className="muted">
          A new ed25519 key pair is made in this page. Only the public key is sent; download the private key and keep
          it: it signs this participant&apos;s custody steps and cannot be shown again.
        </p>
        <div className="row">
          <div className="field">
            <label htmlFor="sc-p-namespace">Namespace</label>
            <input id="sc-p-namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sc-p-name">Name</label>
            <input id="sc-p-name" value={name} placeholder="e.g. roaster-2" onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sc-p-display">Display name (optional)</label>
            <input id="sc-p-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sc-p-roles">Roles (comma-separated)</label>
            <input
              id="sc-p-roles"
              value={roles}
              placeholder="e.g. roaster, carrier"
              onChange={(e) => setRoles(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="sc-p-location">Location (optional)</label>
            <input id="sc-p-location" value={location} onChange={(e) => setLocation(e.target.value)} />
          </div>
          <div className="field">
            <button className="btn btn-primary" type="submit" disabled={busy}>
              {busy ? 'Registering…' : 'Make a key and register'}
            </button>
          </div>
        </div>
        {error && (
          <p className="alert alert-error" data-testid="sc-p-error">
            {error}
          </p>
        )}
        {made && (
          <p className="alert alert-ok" data-testid="sc-p-made">
            Registered {made.name} with key {made.keyid.slice(0, 19)}….{' '}
            <a href={made.url} download={`${made.name}.pem`}>
              Download {made.name}.pem
            </a>{' '}
            (the private key; keep it safe).
          </p>
        )}
      </form>
    </details>
  );
}
