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
      socket.data.principal = result.principal;
      next();
    } catch (err) {
      platform.log.error({ err }, 'socket authentication failed');
      next(new Error('Unauthorized: authentication is unavailable; try again'));
    }
  };
}
