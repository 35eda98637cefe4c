import '#server-only';
import type { Platform } from '../platform.ts';
import { ciRoute, serveArtifactContent, serveWebhook, signerInfo } from '../apps/ci/http.ts';
import { guard } from './with-auth.ts';

// Endpoints the applications serve under /apis/GROUP/VERSION beside their resources (webhooks, downloads): the
// Kubernetes API handler would answer them 404 as unknown resources, so serveKubeApi asks here first. Each
// handler is thin; the logic is the app's (lib/apps/NAME).

export function appApiRoute(
  root: 'api' | 'apis',
  segments: string[],
): ((req: Request, platform: Platform) => Promise<Response>) | undefined {
  if (root !== 'apis') return undefined;
  const ci = ciRoute(segments);
  if (!ci) return undefined;
  switch (ci.kind) {
    case 'webhook':
      // Authenticated by the delivery's HMAC signature, not a user's credentials (GitHub sends none).
      return async (req, platform) => {
        if (req.method !== 'POST') return methodNotAllowed('POST');
        return serveWebhook(platform.api, ci.provider, req);
      };
    case 'content':
      return async (req, platform) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed('GET');
        await guard(req, 'get', 'artifacts', {
          apiGroup: 'ci.entroos.io',
          namespace: ci.namespace,
          name: ci.name,
          subresource: 'content',
        });
        return serveArtifactContent(platform.api, platform.config.backupDir, ci.namespace, ci.name);
      };
    case 'signer':
      return async (req, platform) => {
        await guard(req, 'get', 'artifacts', { apiGroup: 'ci.entroos.io' });
        return Response.json(signerInfo(platform.clusterKey.publicKeyPem));
      };
  }
}

const methodNotAllowed = (allow: string) =>
  Response.json(
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `the method is not allowed here (${allow})`,
      reason: 'MethodNotAllowed',
      code: 405,
    },
    { status: 405, headers: { allow } },
  );
