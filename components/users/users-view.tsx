'use client';

import { useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { FormField } from '@/components/form-field';
import { ApiClientError } from '@/lib/client/api.ts';
import { useCreateUserMutation, useUpdateUserMutation, useUsersQuery } from '@/lib/client/users.ts';
import type { PublicUser } from '@/lib/auth/users.ts';

const ROLES = ['viewer', 'operator', 'admin'] as const;

function UserActions({ user, onError }: { user: PublicUser; onError: (message: string) => void }) {
  const update = useUpdateUserMutation();
  const run = (change: { role?: (typeof ROLES)[number]; disabled?: boolean }) =>
    update.mutate({ id: user.id, ...change }, { onError: (err) => onError(`${user.username}: ${err.message}`) });
  return (
    <span className="row">
      <select
        aria-label={`Role of ${user.username}`}
        value={user.role}
        disabled={update.isPending}
        onChange={(e) => run({ role: e.target.value as (typeof ROLES)[number] })}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button
        className="btn"
        type="button"
        disabled={update.isPending}
        onClick={() =>
          (user.disabled || window.confirm(`Disable ${user.username}? Their sessions and tokens stop working.`)) &&
          run({ disabled: !user.disabled })
        }
      >
        {user.disabled ? 'Enable' : 'Disable'}
      </button>
    </span>
  );
}

/** Admin: the accounts, their roles, enabling/disabling, and creating new ones. */
export function UsersView() {
  const users = useUsersQuery();
  const create = useCreateUserMutation();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const columns: Column<PublicUser>[] = [
    { header: 'User', cell: (u) => u.username },
    {
      header: 'Status',
      cell: (u) => (
        <span className={`badge ${u.disabled ? 'badge-revoked' : 'badge-active'}`}>
          {u.disabled ? 'disabled' : 'active'}
        </span>
      ),
    },
    { header: 'Created', cell: (u) => new Date(u.createdAt).toLocaleString() },
    { header: 'Last login', cell: (u) => (u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : 'never') },
    {
      header: 'Role and access',
      cell: (u) => <UserActions user={u} onError={(text) => setMessage({ text, error: true })} />,
    },
  ];
  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setErrors({});
    setMessage(null);
    create.mutate(
      {
        username: String(f.get('username') ?? ''),
        password: String(f.get('password') ?? ''),
        role: String(f.get('role')) as (typeof ROLES)[number],
      },
      {
        onSuccess: (user) => {
          form.reset();
          setMessage({ text: `Created ${user.username} (${user.role}).`, error: false });
        },
        onError: (err) => {
          if (err instanceof ApiClientError) setErrors(err.fieldErrors());
          setMessage({ text: err.message, error: true });
        },
      },
    );
  };
  if (users.isPending) return <p className="muted">Loading users…</p>;
  if (users.isError)
    return (
      <p className="error" role="alert">
        {users.error.message}
      </p>
    );
  return (
    <>
      <section className="panel">
        <h2>New user</h2>
        <form className="row" onSubmit={submit} noValidate>
          <FormField id="new-username" name="username" label="Username" autoComplete="off" error={errors.username} />
          <FormField
            id="new-password"
            name="password"
            type="password"
            label="Password"
            autoComplete="off"
            error={errors.password}
          />
          <div className="field">
            <label htmlFor="new-role">Role</label>
            <select id="new-role" name="role" defaultValue="viewer">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <button className="btn" type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create user'}
            </button>
          </div>
        </form>
        {message && (
          <p role="status" className={message.error ? 'error' : 'muted'} data-testid="users-message">
            {message.text}
          </p>
        )}
      </section>
      <section className="panel">
        <DataTable rows={users.data} columns={columns} testId="users-table" empty="No users." />
      </section>
    </>
  );
}
