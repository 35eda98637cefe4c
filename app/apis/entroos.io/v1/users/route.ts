import { withAuth } from '@/lib/http/with-auth.ts';
import { createUser, createUserSchema, listUsers } from '@/lib/auth/users.ts';

export const GET = withAuth({ verb: 'list', resource: 'users' }, async ({ platform }) =>
  Response.json({ kind: 'UserList', apiVersion: 'entroos.io/v1', items: await listUsers(platform.store) }),
);

export const POST = withAuth(
  { verb: 'create', resource: 'users', body: createUserSchema },
  async ({ platform, body }) =>
    Response.json(
      { kind: 'User', apiVersion: 'entroos.io/v1', ...(await createUser(platform.store, body)) },
      { status: 201 },
    ),
);

export const dynamic = 'force-dynamic';
