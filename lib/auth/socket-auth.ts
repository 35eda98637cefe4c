import type { Socket } from 'socket.io';
import { authenticate, type AuthContext } from './authenticate.ts';
import { clientAddress, type ClientAddress } from './client-address.ts';
import type { Principal } from './principal.ts';

/** A handshake the check refused: for the audit trail, which records it like a refused request. */
export interface HandshakeRefusal {
  /** The handshake's path (its query is not kept). */
  path: string;
  /** Where it came from (behind trusted proxies, X-Forwarded-For's client). */
  client: ClientAddress;
  userAgent?: string;
  /** Whom valid credentials named (a session socket refused for its origin). */
  principal?: Principal;
  /** 401 without valid credentials, 403 for a session socket from another site, 503 when authentication failed. */
  code: 401 | 403 | 503;
  reason: string;
}

/** What records refused handshakes: the audit trail (lib/audit/trail.ts), handed in by the socket gateway. */
export interface HandshakeAudit {
  handshakeRefused(h: {
    path: string;
    sourceIPs: string[];
    unverifiedForwardedFor?: string[];
    userAgent?: string;
    principal?: Principal;
    code: number;
    reason: string;
  }): void;
}

/** The refusals of socketAuth, recorded by `audit` (nothing when auditing is off). */
export function recordRefusals(audit: HandshakeAudit | null | undefined) {
  return audit
    ? ({ client, ...refusal }: HandshakeRefusal) =>
        audit.handshakeRefused({ ...refusal, sourceIPs: client.sourceIPs, unverifiedForwardedFor: client.unverified })
    : undefined;
}

/**
 * The handshake check of every namespace: a session cookie, `Authorization: Bearer`, or `auth.token`. The client's
 * address is kept in `socket.data.client` (the subscriptions' audit records name it); each refusal is reported to
 * `refused`.
 */
export function socketAuth(platform: AuthContext, refused?: (refusal: HandshakeRefusal) => void) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    const { handshake } = socket;
    const client = clientAddress(
      handshake.address,
      handshake.headers['x-forwarded-for'],
      platform.config.trustedProxies,
    );
    socket.data.client = client;
    let refusal: { code: HandshakeRefusal['code']; reason: string; message: string; principal?: Principal };
    try {
      const token = typeof handshake.auth?.token === 'string' ? handshake.auth.token : undefined;
      const result = await authenticate(platform, {
        authorization: handshake.headers.authorization ?? (token ? `Bearer ${token}` : undefined),
        cookie: handshake.headers.cookie,
      });
      // A page on another site can open a socket with the user's cookie (cross-site WebSocket hijacking).
      const origin = handshake.headers.origin;
      if (!result.principal) refusal = { code: 401, reason: result.reason, message: `Unauthorized: ${result.reason}` };
      else if (result.principal.via === 'session' && origin && !sameSite(origin, handshake.headers.host, platform)) {
        const reason = `a session socket from origin "${origin}" is refused; use an API token`;
        refusal = { code: 403, reason, message: `Forbidden: ${reason}`, principal: result.principal };
      } else {
        socket.data.principal = result.principal;
        return next();
      }
    } catch (err) {
      platform.log.error({ err }, 'socket authentication failed');
      const reason = 'authentication is unavailable; try again';
      refusal = { code: 503, reason, message: `Unauthorized: ${reason}` };
    }
    try {
      refused?.({
        path: handshake.url.split('?')[0],
        client,
        userAgent: handshake.headers['user-agent'],
        principal: refusal.principal,
        code: refusal.code,
        reason: refusal.reason,
      });
    } catch (err) {
      platform.log.error({ err }, 'a refused socket handshake could not be recorded');
    }
    next(new Error(refusal.message));
  };
}

function sameSite(origin: string, host: string | undefined, platform: AuthContext): boolean {
  if (platform.config.trustedOrigins?.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
