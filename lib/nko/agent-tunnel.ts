import { io, type Socket } from 'socket.io-client';
import type { Logger } from 'pino';
import type { NodeFleet } from './fleet.ts';
import { AGENT_NAMESPACE, type LogRequest } from './tunnel.ts';

// The agent's end of the tunnel (see tunnel.ts): it connects out to the
// server, so agents behind NAT work too, announces its nodes after every
// (re)connect, and answers the server's logs and usage requests from its fleet.

export function openAgentTunnel(server: string, token: string, fleet: NodeFleet, nodes: string[], log: Logger): Socket {
  const socket = io(`${server.replace(/\/$/, '')}${AGENT_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnectionDelayMax: 10_000 });
  socket.on('connect', () => {
    socket.emit('nodes', nodes, (answer: { error?: string }) => {
      if (answer?.error) log.warn({ error: answer.error }, 'the server refused the node list');
    });
  });
  socket.on('connect_error', (err) => log.warn({ err: err.message }, 'tunnel to the server is down; kubectl logs/top for these nodes wait for it'));
  socket.on('logs', (request: LogRequest, ack: (answer: unknown) => void) => {
    const pod = { metadata: { namespace: request?.namespace, name: request?.name } };
    ack(fleet.logs(pod, String(request?.container), request?.options ?? {}) ?? null);
  });
  socket.on('usage', (names: unknown, ack: (answer: unknown) => void) => ack(fleet.usageReport(Array.isArray(names) ? names.map(String) : [])));
  return socket;
}
