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
  /**
   * For what lives outside namespaces but is shared through them (a stored file): how the thing the request names
   * is shared (undefined: there is no such thing), and the error for one the caller may not see. Replaces the
   * cluster-wide check (guardShared).
   */
  shared?: {
    sharing: (platform: Platform, params: Record<string, string | string[]>) => Sharing | undefined;
    hidden: (params: Record<string, string | string[]>) => Error;
  };
}

type NextContext = { params?: Promise<Record<string, string | string[]>> };
type Handler<Body> = (ctx: RouteContext<Body>) => Promise<Response> | Response;

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
  return admit(req, verb, (platform, principal) => {
    const request = requestFor(verb, resource, scope);
    const decision = platform.authorizer.authorize(subjectOf(principal), request);
    if (!decision.allowed) return { decision, refusal: forbiddenError(principal.username, request) };
    return { decision };
  });
}

/** How a thing outside namespaces is shared through them (a stored file, through the objects that name it). */
export interface Sharing {
  /** Users who may act on it wherever it is shared (its uploaders). */
  owners: readonly string[];
  /** Namespaces it is shared through: `verb` on the resource there allows the request. */
  namespaces: Iterable<string>;
}

/**
 * The guard for things kept outside namespaces but shared through them: allowed for an owner, or where `verb` on
 * `resource` is allowed in one of the namespaces it is shared through (a cluster-wide grant covers them all).
 * Anything else, no such thing included, is `hidden` (a 404 that neither confirms nor denies that it exists).
 */
async function guardShared(
  req: ApiRequest,
  verb: Verb,
  resource: Resource,
  sharing: (platform: Platform) => Sharing | undefined,
  hidden: () => Error,
): Promise<{ platform: Platform; principal: Principal }> {
  return admit(req, verb, (platform, principal) => {
    const shared = sharing(platform);
    if (shared?.owners.includes(principal.username))
      return { decision: { allowed: true, reason: `${principal.username} uploaded it` } };
    const subject = subjectOf(principal);
    for (const namespace of shared?.namespaces ?? []) {
      const decision = platform.authorizer.authorize(subject, requestFor(verb, resource, { namespace }));
      if (decision.allowed) return { decision };
    }
    return { decision: { allowed: false, reason: 'not shared with the user' }, refusal: hidden() };
  });
}

type Admission = { decision: Decision; refusal?: Error };

/**
 * Authenticates, applies impersonation, asks `authorize` for the decision (recorded in the audit trail; a refusal
 * is thrown), and rate-limits one request.
 */
async function admit(
  req: ApiRequest,
  verb: string,
  authorize: (platform: Platform, principal: Principal) => Admission,
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
  const { decision, refusal } = authorize(platform, principal);
  platform.audit?.authorized(auditID, { principal, verb, allowed: decision.allowed, reason: decision.reason });
  if (refusal) throw refusal;
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

/**
 * The one guard around every authenticated route handler: authenticate, authorize, rate-limit, parse, then map any
 * error to a Kubernetes Status.
 */
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
      const { shared } = options;
      const { platform, principal } = shared
        ? await guardShared(
            req,
            options.verb,
            options.resource,
            (p) => shared.sharing(p, params),
            () => shared.hidden(params),
          )
        : await guard(req, options.verb, options.resource, scope);
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
