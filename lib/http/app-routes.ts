import '#server-only';
import type { Platform } from '../platform.ts';
import { appApiRoute } from '../apps/index.ts';
import { guard } from './with-auth.ts';

// Endpoints the applications serve under /apis/GROUP/VERSION beside their resources (AppDefinition.apiRoutes:
// webhooks, downloads). The Kubernetes API handler would answer them 404 as unknown resources, so serveKubeApi asks
// here first; the method is checked and the request authorized here, in one place, and the app only serves it.

export function appRoute(
  root: 'api' | 'apis',
  segments: string[],
): ((req: Request, platform: Platform) => Promise<Response>) | undefined {
  const route = root === 'apis' ? appApiRoute(segments) : undefined;
  if (!route) return undefined;
  return async (req, platform) => {
    if (!route.methods.includes(req.method)) return methodNotAllowed(route.methods.join(', '));
    if (route.authorize !== 'self-authenticated') {
      const { verb, resource, ...scope } = route.authorize;
      await guard(req, verb, resource, scope);
    }
    return route.serve(req, { api: platform.api, config: platform.config, clusterKey: platform.clusterKey });
  };
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
