import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { GraphQLSchema } from 'graphql';
import { MAX_BODY_BYTES } from '../apimachinery/limits.ts';
import type { Principal } from '../auth/principal.ts';
import { GraphqlContext } from './context.ts';
import type { GraphqlDeps } from './deps.ts';
import { prepare, RequestErrors, type OperationParams } from './execute.ts';
import { SharedSubscriptions } from './fanout.ts';

// Subscriptions (and queries and mutations, if a client sends them so) over WebSockets with the
// graphql-transport-ws protocol, on the HTTP server's own port and path. The socket is authenticated once, by its
// connection_init payload (a bearer token) or the upgrade request's session cookie or Authorization header; a socket
// that proves nobody is closed with 4403. Each operation gets its own context (loaders, authorization cache) and
// goes through the same limits as over HTTP. A subscription ends when its client completes it or the socket closes.

export const GRAPHQL_PATH = '/graphql';

export interface WsAuthentication {
  /** Who the socket is: from the connection_init payload, else the upgrade request; a reason when nobody. */
  authenticate(payload: Record<string, unknown> | undefined, request: IncomingMessage): Promise<Principal | null>;
  deps: GraphqlDeps;
  schema: () => GraphQLSchema;
}

type SocketState = {
  principal?: Principal;
};

export interface GraphqlSockets {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes the sockets of `userId`'s browser sessions (the user changed or logged out). */
  closeSessionsOf(userId: string): void;
  close(): Promise<void>;
}

export function graphqlSockets(options: WsAuthentication): GraphqlSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const principals = new WeakMap<WebSocket, Principal>();
  const clientIp = (request: IncomingMessage) => request.socket.remoteAddress ?? undefined;
  const contextFor = (extra: Extra & SocketState) =>
    new GraphqlContext(options.deps, extra.principal as Principal, {
      transport: 'websocket',
      sourceIP: clientIp(extra.request),
      userAgent: extra.request.headers['user-agent'],
    });
  const shared = new SharedSubscriptions(options.deps.log);
  const server = useServer<Record<string, unknown>, SocketState>(
    {
      schema: () => options.schema(),
      // Subscribers asking the same operation with the same authorization share each change's execution.
      subscribe: (args) => shared.subscribe(args),
      onConnect: async (ctx) => {
        const principal = await options.authenticate(ctx.connectionParams, ctx.extra.request);
        if (!principal) return false;
        ctx.extra.principal = principal;
        principals.set(ctx.extra.socket, principal);
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const schema = options.schema();
        const params: OperationParams = {
          query: payload.query,
          variables: payload.variables ?? undefined,
          operationName: payload.operationName,
          extensions: payload.extensions as OperationParams['extensions'],
        };
        try {
          const prepared = prepare(schema, params);
          return {
            schema,
            document: prepared.document,
            operationName: payload.operationName ?? undefined,
            variableValues: payload.variables ?? undefined,
            contextValue: contextFor(ctx.extra),
          };
        } catch (err) {
          if (err instanceof RequestErrors) return err.errors;
          throw err;
        }
      },
      // Errors as over HTTP: an ApiError's Status in extensions, anything else masked.
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        return shared.formatted(result);
      },
    },
    wss,
  );
  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    closeSessionsOf(userId) {
      for (const ws of wss.clients) {
        const principal = principals.get(ws);
        if (principal?.userId === userId && principal.via === 'session') ws.close(4403, 'Forbidden: the session ended');
      }
    },
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'the server is shutting down');
      await server.dispose();
    },
  };
}
