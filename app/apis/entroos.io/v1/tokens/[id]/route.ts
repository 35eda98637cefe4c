import { withAuth } from '@/lib/http/with-auth.ts';
import { revokeToken } from '@/lib/auth/tokens.ts';

export const DELETE = withAuth({ verb: 'delete', resource: 'tokens' }, async ({ platform, principal, params }) =>
  Response.json({
    kind: 'Token',
    apiVersion: 'entroos.io/v1',
    ...(await revokeToken(platform.store, principal, String(params.id))),
  }),
);
