import '#server-only';
import { randomBytes } from 'node:crypto';
import { printSchema } from 'graphql';
import { authenticate } from '../auth/authenticate.ts';
import { auditIdOf } from '../audit/trail.ts';
import { GraphqlContext } from '../graphql/context.ts';
import type { GraphqlDeps } from '../graphql/deps.ts';
import { runHttp } from '../graphql/execute.ts';
import { graphiqlCsp, graphiqlPage } from '../graphql/graphiql.ts';
import { operationBody, paramsFromBody, paramsFromUrl } from '../graphql/params.ts';
import { currentSchema, type SchemaOptions } from '../graphql/schema/index.ts';
import { HISTORY_FIELDS } from '../history/series.ts';
import type { Platform } from '../platform.ts';
import { getPlatform } from '../platform.ts';
import { clientIp } from './client-ip.ts';
import { entroosSources } from './graphql-sources.ts';
import { parseJsonBody } from './parse.ts';
import { withAuth } from './with-auth.ts';

// /graphql over HTTP: the route handler's whole body (app/graphql/route.ts stays one line). Through withAuth like
// every API route — authenticated by session cookie or bearer token, rate-limited, the request audited — then each
// field is authorized on its own (lib/graphql). A browser asking for HTML gets the explorer page.

export const GRAPHQL_SCHEMA_OPTIONS: SchemaOptions = { historyFields: HISTORY_FIELDS };

const DEPS = new WeakMap<Platform, GraphqlDeps>();

/** What the GraphQL layer is handed: the object API, the authorizer, node reads, the entroos.io services, audit. */
export function graphqlDeps(platform: Platform): GraphqlDeps {
  let deps = DEPS.get(platform);
  if (!deps) {
    deps = {
      api: platform.api,
      authorizer: platform.authorizer,
      nodes: platform.nodes,
      sources: entroosSources(platform),
      audit: platform.audit ? (op) => platform.audit?.graphqlOperation(op) : undefined,
      log: platform.log,
    };
    DEPS.set(platform, deps);
  }
  return deps;
}

const serveOperation = withAuth(
  { verb: 'get', resource: 'graphql' },
  async ({ req, url, principal, platform, requestId }) => {
    const params =
      req.method === 'POST'
        ? paramsFromBody(await parseJsonBody(req, operationBody, 'GraphQLRequest'))
        : paramsFromUrl(url);
    const ctx = new GraphqlContext(graphqlDeps(platform), principal, {
      transport: 'http',
      sourceIP: clientIp(req.headers) || undefined,
      userAgent: req.headers.get('user-agent') ?? undefined,
      requestId,
    });
    const { status, body } = await runHttp(currentSchema(GRAPHQL_SCHEMA_OPTIONS), params, req.method, ctx);
    return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
  },
);

/** A browser opening /graphql (Accept: text/html, no query): the explorer, or the login page first. */
async function explorer(req: Request): Promise<Response> {
  const platform = getPlatform();
  const auth = await authenticate(platform, { cookie: req.headers.get('cookie') });
  platform.audit?.authenticated(auditIdOf(req.headers), auth.principal, auth.principal ? undefined : auth.reason);
  if (!auth.principal)
    return new Response(null, { status: 302, headers: { location: '/login?callbackUrl=%2Fgraphql' } });
  const nonce = randomBytes(16).toString('base64');
  return new Response(graphiqlPage(nonce), {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': graphiqlCsp(nonce),
      'cache-control': 'no-store',
    },
  });
}

export async function graphqlGet(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const wantsHtml = /text\/html/.test(req.headers.get('accept') ?? '') && !url.searchParams.has('query');
  return wantsHtml ? explorer(req) : serveOperation(req);
}

export const graphqlPost = (req: Request) => serveOperation(req);

/** What server.ts calls for GET and POST /graphql (app/graphql/route.ts serves the same under `next dev`). */
export const serveGraphql = (req: Request) => (req.method === 'POST' ? graphqlPost(req) : graphqlGet(req));

/** The schema as SDL (the API reference's download): the same for every caller, fields are authorized when run. */
export const graphqlSdl = withAuth(
  { verb: 'get', resource: 'graphql' },
  async () =>
    new Response(printSchema(currentSchema(GRAPHQL_SCHEMA_OPTIONS)), {
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': 'attachment; filename="entroos.graphql"',
        'cache-control': 'no-store',
      },
    }),
);
