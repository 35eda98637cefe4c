import { withAuth } from '@/lib/http/with-auth.ts';
import { updateUser, updateUserSchema } from '@/lib/auth/users.ts';

export const PATCH = withAuth(
  { verb: 'patch', resource: 'users', body: updateUserSchema },
  async ({ platform, principal, params, body }) =>
    Response.json({
      kind: 'User',
      apiVersion: 'entroos.io/v1',
      ...(await updateUser(platform, principal, String(params.id), body)),
    }),
);
