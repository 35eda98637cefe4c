'use client';

import { useState } from 'react';
import { signIn } from 'next-auth/react';

const MESSAGES: Record<string, string> = {
  CredentialsSignin: 'Invalid username or password.',
  Configuration: 'The server could not process the login; see the server log.',
};

// Server messages are lower-case clauses ("invalid username or password"); show them as sentences.
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');

export function LoginForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', {
        username: String(form.get('username') ?? ''),
        password: String(form.get('password') ?? ''),
        redirect: false,
      });
      if (!result || result.error) {
        setError(MESSAGES[result?.error ?? ''] ?? sentence(result?.error ?? 'login failed'));
        setPending(false);
        return;
      }
      window.location.assign(callbackUrl);
    } catch {
      setError('Cannot reach the server. Check that EntroOS is running.');
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {notice && !error && (
        <p className="alert alert-ok" data-testid="login-notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="alert alert-error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required autoFocus />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button className="btn btn-primary" type="submit" disabled={pending}>
        {pending ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
