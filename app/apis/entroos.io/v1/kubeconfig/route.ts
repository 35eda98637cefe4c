import { withAuth } from '@/lib/http/with-auth.ts';
import { createToken } from '@/lib/auth/tokens.ts';
import { renderKubeconfig } from '@/lib/auth/kubeconfig.ts';
import { requestOrigin } from '@/lib/http/origin.ts';

/** Issues a fresh API token for the caller and returns a ready kubeconfig (the dashboard's download). */
export const POST = withAuth({ verb: 'create', resource: 'tokens' }, async ({ platform, principal, req }) => {
  const token = await createToken(platform.store, principal, {
    name: `kubeconfig ${new Date().toISOString().slice(0, 19)}`,
  });
  const body = renderKubeconfig({
    server: requestOrigin(req),
    caPem: platform.tls?.ca ?? '',
    token: token.token,
    username: principal.username,
  });
  return new Response(body, {
    status: 201,
    headers: {
      'Content-Type': 'application/yaml',
      'Content-Disposition': 'attachment; filename="entroos-kubeconfig.yaml"',
      'Cache-Control': 'no-store',
    },
  });
});
