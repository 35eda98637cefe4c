import type { Server as SocketServer, Socket } from 'socket.io';
import { can } from '../auth/rbac.ts';
import type { Principal } from '../auth/principal.ts';
import type { LogOptions, LogResult } from '../apiserver/object-api.ts';
import type { AuthContext } from '../auth/authenticate.ts';
import type { ContainerUsage } from '../apiserver/node-reads.ts';
import { recordRefusals, socketAuth, type HandshakeAudit } from '../auth/socket-auth.ts';
import type { ClientAddress } from '../auth/client-address.ts';

// Standalone agents (`npx nko`) run their containers in another process, so
// logs and usage live there. Like the Kubernetes API server reaching a
// kubelet through Konnectivity, the server asks over a socket the agent
// opened: an agent connects to the /nko namespace with an admin token,
// announces its nodes, and answers `logs` and `usage` requests.

export const AGENT_NAMESPACE = '/nko';
const ASK_TIMEOUT_MS = 5000;
const MAX_NODES_PER_AGENT = 5000;

export interface LogRequest {
  namespace: string;
  name: string;
  container: string;
  options: LogOptions;
}

export interface NodeUsageReport {
  node: { cpuMilli: number; memoryBytes: number };
  /** By "namespace/name". */
  pods: Record<string, ContainerUsage[]>;
}

export class AgentTunnels {
  private byNode = new Map<string, Socket>();

  has(node: string | undefined): boolean {
    return !!node && this.byNode.has(node);
  }

  get size() {
    return this.byNode.size;
  }

  register(socket: Socket, nodes: string[]) {
    for (const n of nodes) this.byNode.set(n, socket);
  }

  drop(socket: Socket) {
    for (const [n, s] of this.byNode) if (s === socket) this.byNode.delete(n);
  }

  async logs(node: string, request: LogRequest): Promise<LogResult | undefined> {
    const socket = this.byNode.get(node);
    if (!socket) return undefined;
    return ((await socket.timeout(ASK_TIMEOUT_MS).emitWithAck('logs', request)) as LogResult | null) ?? undefined;
  }

  /** Usage of the given nodes, one request per agent; nodes whose agent does not answer are left out. */
  async usage(nodes: string[]): Promise<Map<string, NodeUsageReport>> {
    const byAgent = new Map<Socket, string[]>();
    for (const n of nodes) {
      const socket = this.byNode.get(n);
      if (socket) byAgent.set(socket, [...(byAgent.get(socket) ?? []), n]);
    }
    const out = new Map<string, NodeUsageReport>();
    await Promise.all(
      [...byAgent].map(async ([socket, names]) => {
        try {
          const reports = (await socket.timeout(ASK_TIMEOUT_MS).emitWithAck('usage', names)) as Record<
            string,
            NodeUsageReport
          >;
          for (const [n, r] of Object.entries(reports ?? {})) if (names.includes(n)) out.set(n, r);
        } catch {
          // a slow or gone agent: its nodes have no metrics this time, as with an unreachable kubelet
        }
      }),
    );
    return out;
  }
}

/** Where agents' tunnels end: `router` tells a follower to send agents to the leader. */
export interface TunnelDeps extends AuthContext {
  agents: AgentTunnels;
  /** Records refused handshakes (null when auditing is off). */
  audit?: HandshakeAudit | null;
  router: { role: string; leader: { address: string } | null };
}

export function attachAgentTunnel(io: SocketServer, platform: TunnelDeps) {
  const tunnels = platform.agents;
  const nsp = io.of(AGENT_NAMESPACE);
  const refused = recordRefusals(platform.audit);
  nsp.use(socketAuth(platform, refused));
  nsp.use((socket, next) => {
    // Node agents must be admins (nodes are cluster resources).
    const principal = socket.data.principal as Principal | undefined;
    if (!principal) return next(new Error('Unauthorized: no credentials'));
    if (!can(principal.role, 'update', 'nodes')) {
      const reason = `${principal.username} (role ${principal.role}) cannot run node agents`;
      refused?.({
        path: socket.handshake.url.split('?')[0],
        client: socket.data.client as ClientAddress,
        userAgent: socket.handshake.headers['user-agent'],
        principal,
        code: 403,
        reason,
      });
      return next(new Error(`Forbidden: ${reason}`));
    }
    next();
  });
  nsp.use((socket, next) => {
    // Logs and usage requests are served by the leader (the follower forwards
    // them there), so an agent's tunnel must end at the leader: a follower
    // names it, and the agent reconnects there.
    const leader = platform.router.role === 'follower' ? platform.router.leader?.address : undefined;
    if (!leader) return next();
    next(
      Object.assign(new Error(`this instance is a follower; node agents connect to the leader at ${leader}`), {
        data: { leader },
      }),
    );
  });
  nsp.on('connection', (socket) => {
    socket.on('nodes', (nodes: unknown, ack?: (answer: unknown) => void) => {
      const valid =
        Array.isArray(nodes) &&
        nodes.length <= MAX_NODES_PER_AGENT &&
        nodes.every((n) => typeof n === 'string' && n.length > 0 && n.length <= 253);
      if (!valid) return ack?.({ error: `nodes must be a list of at most ${MAX_NODES_PER_AGENT} node names` });
      tunnels.register(socket, nodes as string[]);
      ack?.({ ok: true });
    });
    socket.on('disconnect', () => tunnels.drop(socket));
  });
}
