import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { Platform } from '../platform.ts';

export interface SocketData {
  principal: Principal;
}

/**
 * socket.io on the same HTTP server as Next. Every socket must authenticate
 * in its handshake (session cookie, `Authorization: Bearer`, or `auth.token`).
 */
export function attachSocketGateway(server: HttpServer, platform: Platform): SocketServer {
  const io = new SocketServer<Record<string, never>, Record<string, (...args: unknown[]) => void>, Record<string, never>, SocketData>(server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
    // Leave other upgrade requests (Next's dev HMR) alone instead of destroying them.
    destroyUpgrade: false,
  });
  io.use(async (socket, next) => {
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
  });
  io.on('connection', (socket) => {
    const { username, role } = socket.data.principal;
    socket.emit('hello', { user: username, role, serverTime: new Date().toISOString() });
  });
  return io;
}
