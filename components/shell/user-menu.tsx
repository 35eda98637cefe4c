'use client';

import { signOut } from 'next-auth/react';
import { useState } from 'react';

export function UserMenu({ username, role }: { username: string; role: string }) {
  const [pending, setPending] = useState(false);
  return (
    <div className="user-menu">
      <span data-testid="current-user">
        {username} <span className="badge">{role}</span>
      </span>
      <button
        className="btn"
        type="button"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          await signOut({ redirect: false });
          // A full page load on purpose: leaving the session drops every cached query and the socket.
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination
          window.location.assign('/login');
        }}
      >
        {pending ? 'Logging out…' : 'Log out'}
      </button>
    </div>
  );
}
