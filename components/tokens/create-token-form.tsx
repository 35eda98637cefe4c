'use client';

import { FormField } from '@/components/form-field';
import { useState } from 'react';
import { ApiClientError } from '@/lib/client/api.ts';
import { useCreateTokenMutation } from '@/lib/client/tokens.ts';

const EXPIRY_CHOICES = [
  { label: 'Never', seconds: 0 },
  { label: '1 day', seconds: 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: '90 days', seconds: 90 * 86_400 },
  { label: '1 year', seconds: 365 * 86_400 },
];

export function CreateTokenForm({ allowOwner }: { allowOwner: boolean }) {
  const create = useCreateTokenMutation();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const error = create.error instanceof ApiClientError ? create.error : null;
  const fieldErrors = error?.fieldErrors() ?? {};

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expires = Number(form.get('expiresInSeconds'));
    const owner = String(form.get('username') ?? '').trim();
    setCreated(null);
    setCopied(false);
    create.mutate(
      {
        name: String(form.get('name') ?? ''),
        ...(expires ? { expiresInSeconds: expires } : {}),
        ...(owner ? { username: owner } : {}),
      },
      {
        onSuccess: (token) => {
          setCreated({ name: token.name, token: token.token });
          (event.target as HTMLFormElement).reset();
        },
      },
    );
  }

  return (
    <section className="panel">
      <h2>Create a token</h2>
      <form onSubmit={onSubmit} noValidate>
        <div className="row">
          <FormField
            id="token-name"
            name="name"
            label="Name"
            placeholder="e.g. laptop kubectl"
            error={fieldErrors.name}
          />
          <div className="field">
            <label htmlFor="token-expiry">Expires</label>
            <select id="token-expiry" name="expiresInSeconds" defaultValue="0">
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.label} value={c.seconds}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          {allowOwner && (
            <FormField
              id="token-owner"
              name="username"
              label="For user (optional)"
              placeholder="yourself"
              error={fieldErrors.username}
            />
          )}
          <div className="field">
            <button className="btn btn-primary" type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create token'}
            </button>
          </div>
        </div>
      </form>
      {error && !Object.keys(fieldErrors).length && (
        <p className="alert alert-error" data-testid="token-error">
          {error.message}
        </p>
      )}
      {created && (
        <div className="alert alert-ok" data-testid="new-token">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
          </p>
          <pre data-testid="new-token-value">{created.token}</pre>
          <button
            className="btn"
            type="button"
            onClick={async () => {
              await navigator.clipboard?.writeText(created.token).catch(() => {});
              setCopied(true);
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
    </section>
  );
}
