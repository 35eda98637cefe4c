import '#server-only';
import type { IncomingMessage, Server } from 'node:http';
import { authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { currentSchema } from '../graphql/schema/index.ts';
import { GRAPHQL_PATH, graphqlSockets, type GraphqlSockets } from '../graphql/ws.ts';
import type { Platform } from '../platform.ts';
import { GRAPHQL_SCHEMA_OPTIONS, graphqlDeps } from './graphql.ts';

// GraphQL subscriptions on the server's own port: server.ts hands this the upgrade requests for /graphql. The
// socket proves who it is in connection_init ({ "authorization": "Bearer eos_…" } or { "token": "eos_…" }), else
// by the upgrade request's Authorization header or session cookie, checked by the same authenticate() as every
// request; a session cookie from another site's page is refused (cross-site WebSocket hijacking), as for socket.io.

function credentialsOf(payload: Record<string, unknown> | undefined, request: IncomingMessage) {
  const given = payload?.authorization ?? payload?.Authorization;
  const token = payload?.token;
  const authorization =
    typeof given === 'string' ? given : typeof token === 'string' ? `Bearer ${token}` : request.headers.authorization;
  return { authorization, cookie: request.headers.cookie };
}

function sameSite(origin: string, host: string | undefined, trusted: readonly string[] | undefined): boolean {
  if (trusted?.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function isGraphqlUpgrade(url: string | undefined): boolean {
  return (url ?? '').split('?')[0] === GRAPHQL_PATH;
}

export function attachGraphqlSockets(server: Server, platform: Platform): GraphqlSockets {
  const sockets = graphqlSockets({
    deps: graphqlDeps(platform),
    schema: () => currentSchema(GRAPHQL_SCHEMA_OPTIONS),
    authenticate: async (payload, request): Promise<Principal | null> => {
      try {
        const result = await authenticate(platform, credentialsOf(payload, request));
        if (!result.principal) return null;
        const origin = request.headers.origin;
        if (
          result.principal.via === 'session' &&
          origin &&
          !sameSite(origin, request.headers.host, platform.config.trustedOrigins)
        )
          return null;
        return result.principal;
      } catch (err) {
        platform.log.error({ err }, 'GraphQL socket authentication failed');
        return null;
      }
    },
  });
  server.on('upgrade', (request, socket, head) => {
    if (isGraphqlUpgrade(request.url)) sockets.handleUpgrade(request, socket, head);
  });
  platform.bus.subscribe('user.changed', ({ data }) => sockets.closeSessionsOf(data.userId));
  return sockets;
}
