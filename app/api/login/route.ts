import { z } from 'zod';
import { publicRoute } from '@/lib/http/with-auth.ts';
import { parseJsonBody } from '@/lib/http/parse.ts';
import { forbidden } from '@/lib/apimachinery/errors.ts';
import { getPlatform } from '@/lib/platform.ts';
import { checkLogin } from '@/lib/http/login.ts';
import { createToken, createTokenSchema } from '@/lib/auth/tokens.ts';
import { kubeServerUrl } from '@/lib/auth/kubeconfig.ts';
import { requestOrigin } from '@/lib/http/origin.ts';

const loginSchema = z
  .object({
    username: z.string().min(1, 'Required value'),
    password: z.string().min(1, 'Required value'),
    tokenName: createTokenSchema.shape.name.optional(),
    expiresInSeconds: createTokenSchema.shape.expiresInSeconds,
  })
  .strict();

/** Logs in with a username and password and returns a new API token (for kubectl, the CLI and SDKs). */
export const POST = publicRoute(async (req) => {
  const platform = getPlatform();
  const input = await parseJsonBody(req, loginSchema, 'login');
  const user = await checkLogin(platform, req.headers, input.username, input.password);
  if (user.role === 'viewer') throw forbidden('viewers cannot create API tokens; ask an admin to create one for you');
  const principal = { userId: user.id, username: user.username, role: user.role, via: 'session' as const };
  const token = await createToken(platform.store, principal, {
    name: input.tokenName ?? `login ${new Date().toISOString()}`,
    expiresInSeconds: input.expiresInSeconds,
  });
  // What a kubeconfig needs besides the token: the HTTPS address and its CA.
  const kubernetes = platform.tls
    ? {
        server: kubeServerUrl(requestOrigin(req)),
        certificateAuthorityData: Buffer.from(platform.tls.ca).toString('base64'),
      }
    : undefined;
  return Response.json({ kind: 'Token', apiVersion: 'entroos.io/v1', ...token, kubernetes }, { status: 201 });
});
