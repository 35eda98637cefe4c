import '#server-only';
import type { z } from 'zod';
import type { ApiRequest } from '../apimachinery/api-request.ts';
import { authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { Resource, Verb } from '../auth/rbac.ts';
import { subjectOf, type Decision } from '../auth/authorizer.ts';
import { impersonate } from '../auth/impersonation.ts';
import { forbiddenError, requestFor, type AuthorizeScope } from '../auth/policy-rules.ts';
import { getPlatform, type Platform } from '../platform.ts';
import { tooManyRequests, unauthorized } from '../apimachinery/errors.ts';
import { statusResponse, toApiError } from './errors.ts';
import { parseJsonBody } from './parse.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { auditIdOf } from '../audit/trail.ts';

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
  /** The namespace the request acts in, when the route has one (RoleBindings there then count). */
  namespace?: (url: URL, params: Record<string, string | string[]>) => string | undefined;
  /** Authorize as this non-resource URL instead (`get /metrics`, as RBAC's nonResourceURLs name it). */
  path?: string;
}

type NextContext = { params?: Promise<Record<string, string | string[]>> };
type Handler<Body> = (ctx: RouteContext<Body>) => Promise<Response> | Response;

/**
 * The one guard around every authenticated route handler: authenticate,
 * authorize, rate-limit, parse, then map any error to a Kubernetes Status.
 */
/**
 * Authenticates, applies impersonation (Impersonate-* headers), authorizes `verb` on `resource` (in `scope`: the
 * namespace, object and API group when the route knows them) with the RBAC authorizer, and rate-limits one
 * request. Throws a 401/403/429 ApiError; used by withAuth and by the Kubernetes API handler, which learns the
 * verb and resource only from the path.
 */
export async function guard(
  req: ApiRequest,
  verb: Verb | (string & {}),
  resource: Resource,
  scope?: AuthorizeScope,
): Promise<{ platform: Platform; principal: Principal; decision: Decision }> {
  const platform = getPlatform();
  const auth = await authenticate(platform, {
    authorization: req.headers.get('authorization'),
    cookie: req.headers.get('cookie'),
  });
  const auditID = auditIdOf(req.headers);
  if (!auth.principal) {
    platform.audit?.authenticated(auditID, null, auth.reason);
    throw unauthorized(`Unauthorized: ${auth.reason}`);
  }
  platform.audit?.authenticated(auditID, auth.principal);
  const caller = auth.principal;
  const principal = await impersonate(platform.impersonation, caller, req.headers);
  const request = requestFor(verb, resource, scope);
  const decision = platform.authorizer.authorize(subjectOf(principal), request);
  platform.audit?.authorized(auditID, { principal, verb, allowed: decision.allowed, reason: decision.reason });
  if (!decision.allowed) throw forbiddenError(principal.username, request);
  // The caller is limited, whoever they act as.
  const limit = platform.apiLimiter.take(`user:${caller.userId}`);
  if (!limit.allowed) {
    throw tooManyRequests(
      `rate limit exceeded for ${caller.username}; retry after ${limit.retryAfterSeconds} s`,
      limit.retryAfterSeconds,
    );
  }
  return { platform, principal, decision };
}

export function withAuth<S extends z.ZodType | undefined = undefined>(
  options: RouteOptions<S>,
  handler: Handler<S extends z.ZodType ? z.infer<S> : undefined>,
) {
  return async (req: Request, context?: NextContext): Promise<Response> => {
    const requestId = req.headers.get(REQUEST_ID_HEADER) ?? undefined;
    try {
      const url = new URL(req.url);
      const params = (await context?.params) ?? {};
      const scope = options.path ? { path: options.path } : { namespace: options.namespace?.(url, params) };
      const { platform, principal } = await guard(req, options.verb, options.resource, scope);
      const body = options.body ? await parseJsonBody(req, options.body, options.resource) : undefined;
      const response = await handler({ req, url, principal, platform, params, body: body as never, requestId });
      platform.audit?.responded(auditIdOf(req.headers), response, { body });
      return response;
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
