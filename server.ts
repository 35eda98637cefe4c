// The EntroOS server: Next.js (dashboard + API route handlers) and socket.io
// on one HTTP port. Run with `npm start` (production) or `npm run dev`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import next from 'next';
import { loadConfig, ConfigError, type Config } from './lib/config.ts';
import { getLogger } from './lib/log.ts';
import { startPlatform, startRouter, stopPlatform } from './lib/start.ts';
import { FORWARDED_HEADER, forwardToLeader, needsLeader } from './lib/router/forward.ts';
import { hostname } from 'node:os';
import { ensureAdmin } from './lib/auth/users.ts';
import { CLIENT_IP_HEADER } from './lib/http/client-ip.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './lib/http/request-id.ts';
import { getMetrics, routeLabel } from './lib/metrics.ts';
import { attachSocketGateway } from './lib/router/gateway.ts';
import { attachAgentTunnel } from './lib/kubelet/tunnel.ts';
import { PATH_HEADER } from './lib/http/path-header.ts';
import { NodeApiRequest, sendWebResponse, toWebRequest } from './lib/http/node-bridge.ts';
import { serveKubeApiFrom } from './lib/http/kube.ts';
import { csrfRefusal, discardBody, isApiPath, malformedPath, writeStatus } from './lib/http/edge.ts';
import { MAX_BACKUP_BYTES, MAX_BODY_BYTES } from './lib/apimachinery/limits.ts';
import { forgetSessionUser } from './lib/auth/users.ts';
import { AUDIT_ID_HEADER } from './lib/audit/trail.ts';
import { attachGraphqlSockets, isGraphqlUpgrade } from './lib/http/graphql-ws.ts';
import { attachExecSockets, isExecUpgrade } from './lib/http/exec-ws.ts';
import { serveGraphql } from './lib/http/graphql.ts';
import { clientAddress } from './lib/auth/client-address.ts';

// Kubernetes API paths go straight to the API handler (no React, no Next
// routing); everything else — dashboard, next-auth, EntroOS routes — to Next.
// The same handler also backs app/api and app/apis, so `next dev` behaves alike.
function kubePath(pathname: string): { root: 'api' | 'apis'; segments: string[] } | null {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] === 'api' && (segments.length === 1 || segments[1] === 'v1'))
    return { root: 'api', segments: segments.slice(1) };
  if (segments[0] === 'apis' && segments[1] !== 'entroos.io') return { root: 'apis', segments: segments.slice(1) };
  return null;
}

const root = dirname(fileURLToPath(import.meta.url));
// How long a stop waits for connections accepted just before it to send their first request.
const FIRST_REQUEST_GRACE_MS = 2_000;

function fail(message: string): never {
  console.error(`EntroOS: ${message}`);
  process.exit(1);
}

function notLeader(res: ServerResponse, message: string) {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: 'ServiceUnavailable',
      details: { retryAfterSeconds: 2 },
      code: 503,
    }),
  );
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  process.env.LOG_LEVEL = config.logLevel;
  const log = getLogger();

  const platform = await startPlatform(config).catch((err: Error) =>
    fail(
      err.message.startsWith('cannot reach Redis') ||
        err.name === 'ArtifactError' ||
        err.name === 'TlsFileError' ||
        err.name === 'PolicyError'
        ? err.message
        : `cannot open the database at ${redactUrl(config.databaseUrl)}: ${err.message.split('\n').filter(Boolean).pop()}`,
    ),
  );
  const admin = await ensureAdmin(platform.store, config.adminPassword);
  // next-auth derives its URLs from the Host header, which server.ts vouches for below.
  process.env.AUTH_TRUST_HOST = '1';

  const dev = process.env.NODE_ENV !== 'production';
  // Next adds an upgrade listener of its own to the server it is given (else to the first request's), which ends
  // upgrades of paths it routes (/graphql): server.ts routes every upgrade itself (socket.io, /graphql, HMR in
  // dev, below), so Next is given a server that never listens.
  const app = next({ dev, dir: root, hostname: config.host, port: config.port, httpServer: createServer() });
  await app.prepare();
  const handle = app.getRequestHandler();
  const metrics = getMetrics();

  let inFlight = 0;
  let stopping = false;
  // Connections accepted but whose first request has not been read yet: a stop gives them a moment to send it
  // (they came before the listener closed) instead of closing them as idle, which resets the client.
  const unsent = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    unsent.delete(req.socket);
    const started = process.hrtime.bigint();
    const id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    // Headers the app trusts are set here, never taken from the client.
    req.headers[REQUEST_ID_HEADER] = id;
    // The client's address: the connection's, or behind a trusted proxy what its X-Forwarded-For says.
    const from = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustedProxies);
    req.headers[CLIENT_IP_HEADER] = from.ip;
    req.headers['x-forwarded-proto'] = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    req.headers[PATH_HEADER] = req.url ?? '/';
    delete req.headers['x-forwarded-host'];
    res.setHeader(REQUEST_ID_HEADER, id);
    // API requests are audited (the policy decides which are kept): the ID ties the later steps to this one.
    const audit = platform.audit && isApiPath((req.url ?? '/').split('?')[0]) ? platform.audit : null;
    const auditID = audit?.begin({
      method: req.method ?? 'GET',
      uri: req.url ?? '/',
      sourceIPs: from.sourceIPs,
      unverifiedForwardedFor: from.unverified,
      userAgent: req.headers['user-agent'],
    });
    if (auditID) {
      req.headers[AUDIT_ID_HEADER] = auditID;
      res.setHeader('Audit-Id', auditID);
    } else delete req.headers[AUDIT_ID_HEADER];
    if (stopping) res.setHeader('Connection', 'close');
    inFlight++;
    res.on('close', () => {
      inFlight--;
      audit?.end(auditID, res.statusCode);
      const pathname = (req.url ?? '/').split('?')[0];
      const route = routeLabel(pathname);
      const labels = { method: req.method ?? 'GET', route, code: String(res.statusCode) };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      const entry = {
        requestId: id,
        method: req.method,
        path: pathname,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
      };
      if (route === 'static' || route === 'page') log.debug(entry, 'request');
      else log.info(entry, 'request');
    });
    const pathname = (req.url ?? '/').split('?')[0];
    const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    if (malformedPath(pathname)) {
      const message = `the path ${JSON.stringify(pathname.slice(0, 200))} holds a malformed percent-escape (% must be followed by two hex digits of valid UTF-8)`;
      if (isApiPath(pathname)) writeStatus(res, 400, 'BadRequest', message);
      else {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`400 Bad Request: ${message}\n`);
      }
      return;
    }
    const forged = csrfRefusal(
      req.method ?? 'GET',
      req.headers,
      `${scheme}://${req.headers.host ?? 'localhost'}`,
      config.trustedOrigins,
    );
    // Refused before the body is read: read (and drop) what the client sends first, then close (see discardBody).
    const refuse = (code: number, reason: string, message: string) => {
      if (!req.complete) res.setHeader('Connection', 'close');
      void discardBody(req, 4 * MAX_BODY_BYTES).then(() => writeStatus(res, code, reason, message));
    };
    if (forged) {
      audit?.refused(auditID, forged);
      return refuse(403, 'Forbidden', forged);
    }
    // A restore's body is a whole backup file; its route reads it with its own limit. An upload's chunks stream to
    // disk, bounded by the conversion app's quota instead.
    const bodyLimit =
      pathname === '/apis/entroos.io/v1/restores'
        ? MAX_BACKUP_BYTES
        : pathname.startsWith('/apis/entroos.io/v1/files/uploads/')
          ? Infinity
          : MAX_BODY_BYTES;
    if (Number(req.headers['content-length'] ?? 0) > bodyLimit)
      return refuse(413, 'RequestEntityTooLarge', `the request body is larger than the limit of ${bodyLimit} bytes`);
    const kube = kubePath(pathname);
    // GraphQL over HTTP: app/graphql's handler, called here without Next's router like the Kubernetes API.
    const graphql = pathname === '/graphql' && (req.method === 'GET' || req.method === 'POST');
    const leader =
      platform.router.role === 'follower' && needsLeader(req.method ?? 'GET', pathname)
        ? platform.router.leader?.address
        : undefined;
    if (leader) audit?.drop(auditID); // the leader records it
    const served = leader
      ? req.headers[FORWARDED_HEADER]
        ? Promise.resolve(notLeader(res, 'this instance is no longer the leader; retry'))
        : forwardToLeader(req, res, leader, platform.router.address, platform.store.objects)
      : kube
        ? (async () => {
            const origin = `${scheme}://${req.headers.host ?? 'localhost'}`;
            const request = new NodeApiRequest(req, res, origin, bodyLimit);
            const toRequest = () => toWebRequest(req, origin);
            await sendWebResponse(await serveKubeApiFrom(request, kube.root, kube.segments, toRequest), res, req);
          })()
        : graphql
          ? (async () => {
              const origin = `${scheme}://${req.headers.host ?? 'localhost'}`;
              await sendWebResponse(await serveGraphql(toWebRequest(req, origin)), res, req);
            })()
          : handle(req, res);
    served.catch((err: unknown) => {
      log.error({ err, requestId: id }, 'unhandled error serving request');
      audit?.end(auditID, 500, 'Panic');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `an internal error occurred (request id ${id})`,
            reason: 'InternalError',
            code: 500,
          }),
        );
      } else res.end();
    });
  });
  // Node's default (5 s) is about undici's (4 s): a client reusing a connection just as the server closes it
  // gets "other side closed". Headers must be allowed longer than the keep-alive, as Node's docs advise.
  server.on('connection', (socket: Socket) => {
    unsent.add(socket);
    socket.once('close', () => unsent.delete(socket));
  });
  server.prependListener('upgrade', (req: IncomingMessage) => unsent.delete(req.socket));
  server.keepAliveTimeout = config.httpKeepAliveSeconds * 1000;
  server.headersTimeout = server.keepAliveTimeout + 5_000;
  const io = attachSocketGateway(server, platform);
  // A user changed or logged out (here or on another instance): drop the cached session user, and close
  // the sockets their browser sessions opened (they reconnect, and a dead session is refused).
  platform.bus.subscribe('user.changed', ({ data }) => {
    forgetSessionUser(data.userId);
    for (const socket of io.of('/').sockets.values()) {
      const principal = (socket.data as { principal?: { userId: string; via: string } }).principal;
      if (principal?.userId === data.userId && principal.via === 'session') socket.disconnect(true);
    }
  });
  attachAgentTunnel(io, platform);
  // GraphQL subscriptions: WebSocket upgrades of /graphql (graphql-transport-ws).
  const graphqlSockets = attachGraphqlSockets(server, platform);
  // kubectl exec and the pod page's terminal: WebSocket upgrades of pods/NAME/exec.
  const execSockets = attachExecSockets(server, platform);
  if (dev) {
    const upgrade = app.getUpgradeHandler();
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket.io') && !isGraphqlUpgrade(req.url) && !isExecUpgrade(req.url))
        upgrade(req, socket, head);
    });
  }

  // One port, two protocols: a TLS handshake starts with byte 0x16, so each
  // new connection is routed to TLS or to plain HTTP by its first byte, and
  // both end up in the same HTTP server (and socket.io).
  const { tls } = platform;
  const tlsServer = createTlsServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ['http/1.1'] }, (secure) =>
    server.emit('connection', secure),
  );
  tlsServer.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));
  // No Nagle: the http server would turn it off on sockets it accepts itself, but these come from this listener,
  // and a small write (a watch event, a short response) held for the client's delayed ACK costs ~40 ms.
  const listener = createNetServer({ noDelay: true }, (socket: Socket) => {
    socket.on('error', () => socket.destroy()); // a client that vanishes mid-handshake is not our error
    unsent.add(socket);
    socket.once('close', () => unsent.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      // Plain HTTP: tracked again by the HTTP server's 'connection'; TLS: its socket is, once the handshake ends.
      unsent.delete(socket);
      (first[0] === 0x16 ? tlsServer : server).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });

  listener.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') fail(`port ${config.port} on ${config.host} is in use; set PORT to another port`);
    if (err.code === 'EACCES') fail(`no permission to listen on port ${config.port}; use a port above 1023`);
    fail(`the server failed: ${err.message}`);
  });
  listener.listen(config.port, config.host, async () => {
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const reachable =
      config.host === '0.0.0.0' || config.host === '::'
        ? hostname()
        : config.host.includes(':')
          ? `[${config.host}]`
          : config.host;
    try {
      await startRouter(platform, config.advertiseUrl ?? `http://${reachable}:${port}`);
    } catch (err) {
      fail((err as Error).message);
    }
    const shown =
      config.host === '0.0.0.0' || config.host === '::'
        ? 'localhost'
        : config.host === '127.0.0.1'
          ? 'localhost'
          : config.host;
    const role = platform.router.multiInstance
      ? `, ${platform.router.role}${platform.router.role === 'follower' ? ` of ${platform.router.leader?.address}` : ''}`
      : '';
    log.info(
      {
        port,
        host: config.host,
        database: platform.store.provider,
        migrationsApplied: platform.store.migrations.applied,
        role: platform.router.role,
      },
      'listening',
    );
    const lines = [
      `EntroOS is ready at http://${shown}:${port}  (listening on ${config.host}:${port}, ${platform.store.provider} store${role})`,
      `  Kubernetes API (kubectl): https://${shown}:${port}  — get a kubeconfig from Settings → API tokens or \`npm run -s kubeconfig\``,
    ];
    if (admin.created && admin.generated) {
      lines.push(
        `  Log in as "admin" with password: ${admin.password}`,
        '  This password is shown only once. Change it with `npm run admin:password`.',
      );
    } else if (admin.created) {
      lines.push('  Log in as "admin" with the password from ENTROOS_ADMIN_PASSWORD.');
    } else {
      lines.push('  Log in with your account (lost the admin password? `npm run admin:password` sets a new one).');
    }
    console.log(lines.join('\n'));
  });

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, inFlight }, 'shutting down');
    const force = setTimeout(() => {
      log.error({ inFlight }, 'shutdown timed out; exiting with requests still open');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    listener.close();
    platform.stopping.abort();
    io.disconnectSockets(true);
    await graphqlSockets.close();
    await execSockets.close();
    const grace = Date.now() + FIRST_REQUEST_GRACE_MS;
    while (unsent.size > 0 && Date.now() < grace) await new Promise((r) => setTimeout(r, 10));
    server.close(); // and with it every idle keep-alive connection
    server.closeIdleConnections();
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 25));
    server.closeAllConnections();
    await stopPlatform();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  getLogger().fatal({ err }, 'start-up failed');
  fail(`start-up failed: ${(err as Error).message}`);
});
