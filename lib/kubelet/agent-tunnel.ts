import { io, type Socket } from 'socket.io-client';
import type { Logger } from 'pino';
import type { NodeFleet } from './fleet.ts';
import { AGENT_NAMESPACE, type LogRequest } from './tunnel.ts';

// The agent's end of the tunnel (see tunnel.ts): it connects out to the
// server, so agents behind NAT work too, announces its nodes after every
// (re)connect, and answers the server's logs and usage requests from its fleet.

/**
 * Opens the tunnel to `server`. A follower instance answers with the
 * leader's address: the agent then connects there, and goes back to
 * `server` (which names the current leader again) if that connection drops.
 */
export function openAgentTunnel(
  server: string,
  token: string,
  fleet: NodeFleet,
  nodes: string[],
  log: Logger,
): { close(): void } {
  let socket: Socket | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = (url: string, redirected: boolean) => {
    const current = io(`${url.replace(/\/$/, '')}${AGENT_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelayMax: 10_000,
      reconnection: !redirected,
    });
    socket = current;
    current.on('connect', () => {
      current.emit('nodes', nodes, (answer: { error?: string }) => {
        if (answer?.error) log.warn({ error: answer.error }, 'the server refused the node list');
      });
    });
    current.on('connect_error', (err: Error & { data?: { leader?: unknown } }) => {
      const leader = typeof err.data?.leader === 'string' ? err.data.leader : undefined;
      if (leader && !redirected) {
        current.close();
        log.info({ leader }, 'the server is a follower; opening the tunnel to the leader');
        connect(leader, true);
      } else if (redirected) again(current, `the leader at ${url} refused the tunnel (${err.message})`);
      else log.warn({ err: err.message }, 'tunnel to the server is down; kubectl logs/top for these nodes wait for it');
    });
    if (redirected) current.on('disconnect', () => again(current, `the tunnel to the leader at ${url} dropped`));
    current.on('logs', (request: LogRequest, ack: (answer: unknown) => void) => {
      const pod = { metadata: { namespace: request?.namespace, name: request?.name } };
      ack(fleet.logs(pod, String(request?.container), request?.options ?? {}) ?? null);
    });
    current.on('usage', (names: unknown, ack: (answer: unknown) => void) =>
      ack(fleet.usageReport(Array.isArray(names) ? names.map(String) : [])),
    );
  };
  /** Back to the configured server, which names the leader of the moment. */
  const again = (from: Socket, why: string) => {
    if (closed || socket !== from || retry) return;
    from.close();
    log.warn(why + '; asking the server for the leader again');
    retry = setTimeout(() => {
      retry = undefined;
      if (!closed) connect(server, false);
    }, 1000);
  };
  connect(server, false);
  return {
    close: () => {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}
