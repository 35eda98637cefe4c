import '#server-only';
import type { z } from 'zod';
import { authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { can, type Resource, type Verb } from '../auth/rbac.ts';
import { getPlatform, type Platform } from '../platform.ts';
import { forbidden, tooManyRequests, unauthorized } from '../apimachinery/errors.ts';
import { statusResponse, toApiError } from './errors.ts';
import { parseJsonBody } from './parse.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

export interface RouteContext<Body> {
  req: Request;
  url: URL;
  principal: Principal;
  platform: Platform;
  params: Record<string, string | string[]>;
  body: Body;
  requestId: string | undefined;
}

export interface RouteOptions<S extends z.ZodType | undefined> {
  verb: Verb;
  resource: Resource;
  /** Validates the JSON body; the handler receives the parsed value. */
  body?: S;
}

type NextContext = { params?: Promise<Record<string, string | string[]>> };
type Handler<Body> = (ctx: RouteContext<Body>) => Promise<Response> | Response;

/**
 * The one guard around every authenticated route handler: authenticate,
 * authorize, rate-limit, parse, then map any error to a Kubernetes Status.
 */
/**
 * Authenticates, authorizes `verb` on `resource` and rate-limits one request.
 * Throws a 401/403/429 ApiError; used by withAuth and by the Kubernetes API
 * handler, which learns the verb and resource only from the path.
 */
export async function guard(
  req: Request,
  verb: Verb,
  resource: Resource,
): Promise<{ platform: Platform; principal: Principal }> {
  const platform = getPlatform();
  const auth = await authenticate(platform, {
    authorization: req.headers.get('authorization'),
    cookie: req.headers.get('cookie'),
  });
  if (!auth.principal) throw unauthorized(`Unauthorized: ${auth.reason}`);
  const principal = auth.principal;
  if (!can(principal.role, verb, resource)) {
    throw forbidden(`${principal.username} (role ${principal.role}) cannot ${verb} ${resource}`);
  }
  const limit = platform.apiLimiter.take(`user:${principal.userId}`);
  if (!limit.allowed) {
    throw tooManyRequests(
      `rate limit exceeded for ${principal.username}; retry after ${limit.retryAfterSeconds} s`,
      limit.retryAfterSeconds,
    );
  }
  return { platform, principal };
}

export function withAuth<S extends z.ZodType | undefined = undefined>(
  options: RouteOptions<S>,
  handler: Handler<S extends z.ZodType ? z.infer<S> : undefined>,
) {
  return async (req: Request, context?: NextContext): Promise<Response> => {
    const requestId = req.headers.get(REQUEST_ID_HEADER) ?? undefined;
    try {
      const { platform, principal } = await guard(req, options.verb, options.resource);
      const body = options.body ? await parseJsonBody(req, options.body, options.resource) : undefined;
      const params = (await context?.params) ?? {};
      return await handler({ req, url: new URL(req.url), principal, platform, params, body: body as never, requestId });
    } catch (err) {
      return statusResponse(toApiError(err, { requestId, kind: options.resource }));
    }
  };
}

/** The same error mapping for the few public routes (health, version, login). */
export function publicRoute(handler: (req: Request) => Promise<Response> | Response) {
  return async (req: Request): Promise<Response> => {
    try {
      return await handler(req);
    } catch (err) {
      return statusResponse(toApiError(err, { requestId: req.headers.get(REQUEST_ID_HEADER) ?? undefined }));
    }
  };
}
