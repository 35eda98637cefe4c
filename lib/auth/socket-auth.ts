import type { Socket } from 'socket.io';
import { authenticate, type AuthContext } from './authenticate.ts';

/** The handshake check of every namespace: a session cookie, `Authorization: Bearer`, or `auth.token`. */
export function socketAuth(platform: AuthContext) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    try {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
      const result = await authenticate(platform, {
        authorization: socket.handshake.headers.authorization ?? (token ? `Bearer ${token}` : undefined),
        cookie: socket.handshake.headers.cookie,
      });
      if (!result.principal) return next(new Error(`Unauthorized: ${result.reason}`));
      // A page on another site can open a socket with the user's cookie (cross-site WebSocket hijacking).
      const origin = socket.handshake.headers.origin;
      if (result.principal.via === 'session' && origin && !sameSite(origin, socket.handshake.headers.host, platform))
        return next(new Error(`Forbidden: a session socket from origin "${origin}" is refused; use an API token`));
      socket.data.principal = result.principal;
      next();
    } catch (err) {
      platform.log.error({ err }, 'socket authentication failed');
      next(new Error('Unauthorized: authentication is unavailable; try again'));
    }
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
