import '#server-only';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, badRequest, forbidden, notFound } from '../apimachinery/errors.ts';
import type { Pod } from '../apimachinery/generated/kinds.ts';
import type { Stored } from '../apimachinery/object.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { execRequest, type ExecRequest } from '../apiserver/http/exec.ts';
import { AUDIT_ID_HEADER } from '../audit/trail.ts';
import { clientAddress } from '../auth/client-address.ts';
import type { Principal } from '../auth/principal.ts';
import type { ExecTarget } from '../kubelet/exec-target.ts';
import { ShellSession } from '../kubelet/runtime/shell/session.ts';
import type { Platform } from '../platform.ts';
import { toApiError } from './errors.ts';
import { CLIENT_IP_HEADER } from './client-ip.ts';
import {
  EXEC_PROTOCOLS,
  ERROR,
  STDERR,
  STDOUT,
  exitStatus,
  frame,
  parseClientMessage,
  pickProtocol,
} from './exec-protocol.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';
import { guard } from './with-auth.ts';

// `kubectl exec` and the pod page's terminal: WebSocket upgrades of /api/v1/namespaces/NS/pods/NAME/exec, handed
// here by server.ts. Before the upgrade the request goes through what every API request does — authentication
// (bearer token or session cookie; a session cookie from another site's page is refused), impersonation, the RBAC
// authorizer (`create` on `pods/exec`, as kube-apiserver asks for WebSocket exec), the rate limit and the audit
// trail — and every refusal is a Status response kubectl prints. The container answers with the mock runtime's
// simulated shell; only in-process nodes serve it.

const PODS = typeByKey('pods');
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
/** How often a session checks that its container still runs (it ends, as exec does, when the container stops). */
const WATCH_MS = 1_000;
/** What a shell killed with its container exits with (SIGKILL). */
const KILLED = 137;

export function isExecUpgrade(url: string | undefined): boolean {
  return EXEC_PATH.test((url ?? '').split('?')[0]);
}

export interface ExecSockets {
  close(): Promise<void>;
}

function sameSite(origin: string, host: string | undefined, trusted: readonly string[] | undefined): boolean {
  if (trusted?.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A refusal before the upgrade: the Status kubectl decodes and prints. */
function refuse(socket: Duplex, error: ApiError, requestId: string) {
  const body = JSON.stringify(error.toStatus());
  const retry = error.details?.retryAfterSeconds;
  socket.end(
    `HTTP/1.1 ${error.code} ${REASONS[error.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n' +
      `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
      (retry ? `Retry-After: ${retry}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const HOP_HEADERS = /^(connection|upgrade|sec-websocket-.*|content-length|transfer-encoding)$/;

/** The request as guard() reads it: its headers (credentials, impersonation, the audit ID) and URL. */
function webRequest(request: IncomingMessage, auditID: string | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === AUDIT_ID_HEADER || HOP_HEADERS.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  if (auditID) headers.set(AUDIT_ID_HEADER, auditID);
  const scheme = (request.socket as TLSSocket).encrypted ? 'https' : 'http';
  return new Request(`${scheme}://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`, { headers });
}

/** The running container to exec into, or the Status saying why it cannot be. */
function targetOf(platform: Platform, pod: Stored<Pod>, exec: ExecRequest): Extract<ExecTarget, { ok: true }> {
  const node = pod.spec?.nodeName ?? '';
  const { fleet, agents, router } = platform;
  if (!fleet?.has(node)) {
    if (agents.has(node))
      throw badRequest(
        `exec is only available for pods on this server's in-process simulated nodes; node ${node} is run by a standalone agent (nko)`,
      );
    if (router.role === 'follower')
      throw new ApiError(
        503,
        'ServiceUnavailable',
        `exec is served by the instance that runs the simulated nodes: connect to the leader${router.leader?.address ? ` (${router.leader.address})` : ''}`,
        { retryAfterSeconds: 1 },
      );
    throw new ApiError(503, 'ServiceUnavailable', `no node agent of this server runs node ${node}`);
  }
  const target = fleet.execTarget(pod, exec.container, exec.tty);
  if (!target.ok) throw badRequest(`unable to upgrade connection: ${target.message}`);
  return target;
}

export function attachExecSockets(server: Server, platform: Platform): ExecSockets {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    handleProtocols: (offered) => pickProtocol(offered) ?? false,
  });
  const open = new Map<WebSocket, { principal: Principal; end: () => void }>();

  const serve = (ws: WebSocket, pod: Stored<Pod>, exec: ExecRequest, target: Extract<ExecTarget, { ok: true }>) => {
    let ended = false;
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
    };
    const finish = (code: number) => {
      if (ended) return;
      ended = true;
      clearInterval(watch);
      send(ERROR, exitStatus(code));
      ws.close(1000);
    };
    const session = new ShellSession(target.context, exec.command, {
      tty: exec.tty,
      stdin: exec.stdin,
      stdout: (data) => exec.stdout && send(STDOUT, data),
      stderr: (data) => exec.stderr && send(STDERR, data),
      exit: finish,
    });
    // The container stopped (or its pod went away): the exec'd process dies with it.
    const watch = setInterval(() => {
      const now = platform.fleet?.execTarget(pod, exec.container, false);
      if (now?.ok && now.containerID === target.containerID) return;
      session.kill();
      finish(KILLED);
    }, WATCH_MS);
    watch.unref();
    ws.on('message', (data: Buffer) => {
      const message = parseClientMessage(data);
      if (message.kind === 'stdin' && exec.stdin) session.input(message.data);
      else if (message.kind === 'resize') session.resize(message.width, message.height);
      else if (message.kind === 'close' && message.channel === 0) session.endInput();
    });
    ws.on('close', () => {
      ended = true;
      clearInterval(watch);
      session.kill();
    });
    ws.on('error', () => ws.terminate());
    session.start();
    return () => {
      session.kill();
      finish(KILLED);
    };
  };

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    const from = clientAddress(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      platform.config.trustedProxies,
    );
    request.headers[CLIENT_IP_HEADER] = from.ip;
    const audit = platform.audit;
    const auditID = audit?.begin({
      method: request.method ?? 'GET',
      uri: request.url ?? '/',
      sourceIPs: from.sourceIPs,
      unverifiedForwardedFor: from.unverified,
      userAgent: request.headers['user-agent'],
    });
    try {
      const [, namespace, name] = (EXEC_PATH.exec((request.url ?? '').split('?')[0]) ?? []).map(decodeURIComponent);
      const { principal } = await guard(webRequest(request, auditID), 'create', 'pods', {
        namespace,
        name,
        subresource: 'exec',
      });
      const origin = request.headers.origin;
      if (
        principal.via === 'session' &&
        origin &&
        !sameSite(origin, request.headers.host, platform.config.trustedOrigins)
      )
        throw forbidden('a session cookie from another site cannot open an exec stream');
      const pod = platform.api.peek(PODS, namespace, name) as Stored<Pod> | undefined;
      if (!pod) throw notFound(`pods "${name}" not found`, { name, kind: 'pods' });
      const url = new URL(request.url ?? '/', 'http://localhost');
      const exec = execRequest(pod, url);
      if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        throw badRequest(
          `exec is served over WebSocket only (${EXEC_PROTOCOLS.join(', ')}); SPDY is not supported by this server`,
        );
      const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!pickProtocol(offered))
        throw badRequest(
          `the requested subprotocols are not supported: [${offered.filter(Boolean).join(' ')}]; supported: ${EXEC_PROTOCOLS.join(', ')}`,
        );
      const target = targetOf(platform, pod, exec);
      wss.handleUpgrade(request, socket, head, (ws) => {
        const end = serve(ws, pod, exec, target);
        open.set(ws, { principal, end });
        ws.once('close', () => {
          open.delete(ws);
          audit?.end(auditID, 101);
        });
      });
    } catch (err) {
      const error = toApiError(err, { requestId });
      if (error.code >= 500 && error.reason === 'InternalError') platform.log.error({ err, requestId }, 'exec failed');
      audit?.end(auditID, error.code);
      refuse(socket, error, requestId);
    }
  };

  server.on('upgrade', (request, socket, head) => {
    if (isExecUpgrade(request.url)) void upgrade(request, socket, head);
  });
  platform.bus.subscribe('user.changed', ({ data }) => {
    for (const [, entry] of open)
      if (entry.principal.userId === data.userId && entry.principal.via === 'session') entry.end();
  });

  return {
    async close() {
      for (const [, entry] of open) entry.end();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
