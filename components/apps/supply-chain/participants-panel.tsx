'use client';

import { useResourceList } from '@/lib/client/watch.ts';
import { RESOURCES, type Participant } from '@/lib/apps/supply-chain/types.ts';

/** The registered participants and the ed25519 keys their attestations must be signed with. */
export function ParticipantsPanel() {
  const participants = useResourceList<Participant>(RESOURCES.participants);
  return (
    <section className="panel" aria-labelledby="sc-participants">
      <h2 id="sc-participants">Participants and keys</h2>
      {participants.isError && (
        <p className="alert alert-error">Could not list participants: {participants.error.message}</p>
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
            {(participants.data?.items ?? []).map((p) => (
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
            {participants.data && !participants.data.items.length && (
              <tr>
                <td colSpan={5} className="muted">
                  No participants yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
