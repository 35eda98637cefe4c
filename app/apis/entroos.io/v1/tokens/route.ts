import { withAuth } from '@/lib/http/with-auth.ts';
import { createToken, createTokenSchema, listTokens } from '@/lib/auth/tokens.ts';

export const GET = withAuth({ verb: 'list', resource: 'tokens' }, async ({ platform, principal }) =>
  Response.json({ kind: 'TokenList', apiVersion: 'entroos.io/v1', items: await listTokens(platform.store, principal) }),
);

export const POST = withAuth(
  { verb: 'create', resource: 'tokens', body: createTokenSchema },
  async ({ platform, principal, body }) =>
    Response.json(
      { kind: 'Token', apiVersion: 'entroos.io/v1', ...(await createToken(platform.store, principal, body)) },
      { status: 201 },
    ),
);

export const dynamic = 'force-dynamic';
