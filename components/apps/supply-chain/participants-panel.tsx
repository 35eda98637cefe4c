'use client';

import { useList } from '@entroos/react';
import { errorText } from '@/lib/client/api.ts';
import { RESOURCES, type Participant } from '@/lib/apps/supply-chain/types.ts';
import { AddParticipant } from './add-participant';

/** The registered participants and the ed25519 keys their attestations must be signed with. */
export function ParticipantsPanel({ canWrite }: { canWrite: boolean }) {
  const participants = useList<string, Participant>(RESOURCES.participants);
  return (
    <section className="panel" aria-labelledby="sc-participants">
      <h2 id="sc-participants">Participants and keys</h2>
      {participants.error != null && (
        <p className="alert alert-error">Could not list participants: {errorText(participants.error)}</p>
      )}
      <div style={{ maxHeight: 320, overflow: 'auto' }}>
        <table data-testid="sc-participants">
          <thead>
            <tr>
              <th>Participant</th>
              <th>Namespace</th>
              <th>Roles</th>
              <th>Location</th>
              <th>Public key (ed25519)</th>
            </tr>
          </thead>
          <tbody>
            {(participants.data ?? []).map((p) => (
              <tr key={`${p.metadata.namespace}/${p.metadata.name}`}>
                <td>
                  {p.spec.displayName ?? p.metadata.name} <span className="muted">({p.metadata.name})</span>
                </td>
                <td>{p.metadata.namespace}</td>
                <td>{p.spec.roles.join(', ')}</td>
                <td>{p.spec.location ?? ''}</td>
                <td>
                  <code style={{ fontSize: 12 }}>{p.spec.publicKey}</code>
                </td>
              </tr>
            ))}
            {participants.data && !participants.data.length && (
              <tr>
                <td colSpan={5} className="muted">
                  No participants yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {canWrite && <AddParticipant />}
    </section>
  );
}
