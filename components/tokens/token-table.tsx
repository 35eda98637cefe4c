'use client';

import { useRevokeTokenMutation, useTokensQuery } from '@/lib/client/tokens.ts';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function TokenTable({ showOwner, canRevoke }: { showOwner: boolean; canRevoke: boolean }) {
  const tokens = useTokensQuery();
  const revoke = useRevokeTokenMutation();

  return (
    <section className="panel">
      <h2>Tokens</h2>
      {tokens.isPending && <p className="muted">Loading…</p>}
      {tokens.error && (
        <p className="alert alert-error" data-testid="tokens-error">
          {tokens.error.message}
        </p>
      )}
      {revoke.error && <p className="alert alert-error">{revoke.error.message}</p>}
      {tokens.data && tokens.data.length === 0 && <p className="muted">No tokens yet.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <table className="table" data-testid="token-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Token</th>
              {showOwner && <th>User</th>}
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id} data-testid={`token-row-${t.name}`}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                {showOwner && <td>{t.username}</td>}
                <td>{when(t.createdAt)}</td>
                <td>{t.expiresAt ? when(t.expiresAt) : 'never'}</td>
                <td>{when(t.lastUsedAt)}</td>
                <td>
                  <span className={`badge badge-${t.status}`}>{t.status}</span>
                </td>
                <td>
                  {canRevoke && t.status === 'active' && (
                    <button
                      className="btn btn-danger"
                      type="button"
                      disabled={revoke.isPending && revoke.variables === t.id}
                      onClick={() => {
                        if (window.confirm(`Revoke token "${t.name}"? Anything using it will stop working.`))
                          revoke.mutate(t.id);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
