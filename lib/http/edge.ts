import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SESSION_COOKIES, parseCookies } from '../auth/session.ts';

// Checks server.ts makes on every request before routing it (Next route
// handlers, the Kubernetes handler and the dashboard alike), so no route can
// forget them.

/** True when a path segment holds a percent-escape that does not decode (`/%`, `/a%zz`, `/%C0`). */
export function malformedPath(pathname: string): boolean {
  if (!pathname.includes('%')) return false;
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/** Paths whose clients expect a Kubernetes Status rather than a page. */
export const isApiPath = (pathname: string) =>
  /^\/(api|apis|openapi|metrics|version|healthz|livez|readyz|graphql)(\/|$)/.test(pathname);

export function writeStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const originOf = (url: string): string | null => {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
};

/**
 * Why a request must be refused as a cross-site request forgery, or null.
 *
 * Only state changes authenticated by the session cookie alone are at risk (a
 * browser attaches the cookie to any site's form post or no-cors fetch); a
 * bearer token is never sent by a browser on its own. The browser says where
 * the request comes from in Origin (every POST, and every cross-origin
 * request, carries it), else in Sec-Fetch-Site or Referer; a request carrying
 * none of them is not a browser's and passes.
 */
export function csrfRefusal(
  method: string,
  headers: IncomingHttpHeaders,
  ownOrigin: string,
  trustedOrigins: readonly string[] = [],
): string | null {
  if (!STATE_CHANGING.has(method.toUpperCase())) return null;
  if (headers.authorization) return null;
  const cookies = parseCookies(headers.cookie);
  const hasSession = [...cookies.keys()].some((name) =>
    SESSION_COOKIES.some((session) => name === session || name.startsWith(`${session}.`)),
  );
  if (!hasSession) return null;
  // The host alone is compared: behind a proxy that ends TLS, the browser's https origin arrives over http.
  const ownHost = originOf(ownOrigin) ? new URL(ownOrigin).host : ownOrigin;
  const allowed = (origin: string) => new URL(origin).host === ownHost || trustedOrigins.includes(origin);
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  if (origin !== undefined) {
    const parsed = originOf(origin);
    return parsed && allowed(parsed)
      ? null
      : `cross-site request refused: Origin "${origin}" is not this dashboard's (${ownOrigin}); send an API token in "Authorization: Bearer" to call the API from elsewhere`;
  }
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string') {
    return site === 'same-origin' || site === 'none'
      ? null
      : `cross-site request refused: Sec-Fetch-Site is "${site}"; send an API token in "Authorization: Bearer" to call the API from elsewhere`;
  }
  const referer = typeof headers.referer === 'string' ? headers.referer : undefined;
  if (referer !== undefined) {
    const parsed = originOf(referer);
    return parsed && allowed(parsed)
      ? null
      : `cross-site request refused: the Referer is not this dashboard's (${ownOrigin}); send an API token in "Authorization: Bearer" to call the API from elsewhere`;
  }
  return null;
}

/**
 * Reads and discards the rest of a request body (at most `limit` more bytes, for at most `timeoutMs`), so
 * a response sent before the body was read reaches a client that is still sending it: closing a socket
 * with unread data makes the kernel answer with a reset, and the client sees ECONNRESET instead of the
 * response. Resolves true when the body was read to its end.
 */
export function discardBody(req: IncomingMessage, limit: number, timeoutMs = 5_000): Promise<boolean> {
  if (req.complete || req.destroyed) return Promise.resolve(req.complete);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (!complete) req.pause();
      resolve(complete);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    const onClose = () => finish(req.complete);
    const timer = setTimeout(() => finish(false), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    req.resume();
  });
}
