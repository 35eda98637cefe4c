import { ApiError } from '../apimachinery/errors.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import type { NodeReads } from '../apiserver/node-reads.ts';
import type { NodeFleet } from './fleet.ts';
import type { AgentTunnels, NodeUsageReport } from './tunnel.ts';

// Logs and usage come from the in-process fleet for its nodes and, for a
// standalone agent's nodes, over the tunnel that agent opened.

const podKey = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;
const nodeOf = (pod: KubeObject) => (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

function unreachable(node: string, err: unknown): ApiError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ApiError(
    503,
    'ServiceUnavailable',
    `the node agent of ${node} did not answer (${reason}); is the nko process still running?`,
  );
}

/** `fleet` is null when this server runs no simulated nodes itself (ENTROOS_NODES=0). */
export function createNodeReads(fleet: NodeFleet | null, agents: AgentTunnels): NodeReads {
  return {
    async logs(pod, container, options) {
      const node = nodeOf(pod);
      if (fleet?.has(node)) return fleet.logs(pod, container, options);
      if (!agents.has(node)) return undefined;
      try {
        return await agents.logs(node, {
          namespace: pod.metadata.namespace ?? '',
          name: pod.metadata.name,
          container,
          options,
        });
      } catch (err) {
        throw unreachable(node, err);
      }
    },
    async usage(nodeNames) {
      const remote = nodeNames.filter((n) => !fleet?.has(n) && agents.has(n));
      const reports: Map<string, NodeUsageReport> = remote.length ? await agents.usage(remote) : new Map();
      return {
        node: (name) => (fleet?.has(name) ? fleet.nodeUsage(name) : reports.get(name)?.node),
        pod: (pod) => {
          const node = nodeOf(pod);
          if (fleet?.has(node)) return fleet.podUsage(pod);
          return reports.get(node)?.pods[podKey(pod)];
        },
      };
    },
  };
}
