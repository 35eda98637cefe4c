import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { canDo } from '@/lib/http/resource-access.ts';
import { UsersView } from '@/components/users/users-view';

export const metadata: Metadata = { title: 'Users' };
export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Users</h1>
      {canDo(user, 'list', 'users') ? (
        <UsersView />
      ) : (
        <p className="error">Only admins manage users; ask an admin to change your role or create an account.</p>
      )}
    </>
  );
}
