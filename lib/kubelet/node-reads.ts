import { ApiError } from '../apimachinery/errors.ts';
import type { LogOptions, LogResult } from '../apiserver/object-api.ts';
import type { Platform } from '../platform.ts';
import type { ContainerUsage } from './fleet.ts';
import type { NodeUsageReport } from './tunnel.ts';

// What only the agent running a node knows — its containers' logs and usage —
// asked of the in-process fleet or, for a standalone agent, over its tunnel.

const podKey = (pod: any) => `${pod.metadata.namespace}/${pod.metadata.name}`;

function unreachable(node: string, err: unknown): ApiError {
  return new ApiError(503, 'ServiceUnavailable', `the node agent of ${node} did not answer (${(err as Error).message}); is the nko process still running?`);
}

/** A container's log; undefined when no agent runs that container (yet). */
export async function readPodLogs(platform: Platform, pod: any, container: string, options: LogOptions): Promise<LogResult | undefined> {
  const node = pod.spec?.nodeName;
  if (platform.fleet?.has(node)) return platform.fleet.logs(pod, container, options);
  if (platform.agents?.has(node)) {
    try {
      return await platform.agents.logs(node, { namespace: pod.metadata.namespace, name: pod.metadata.name, container, options });
    } catch (err) {
      throw unreachable(node, err);
    }
  }
  return undefined;
}

export interface UsageSnapshot {
  node(name: string): { cpuMilli: number; memoryBytes: number } | undefined;
  pod(pod: any): ContainerUsage[] | undefined;
}

/** Usage of the given nodes and their pods, asking every standalone agent once. */
export async function usageSnapshot(platform: Platform, nodeNames: string[]): Promise<UsageSnapshot> {
  const fleet = platform.fleet;
  const remote = platform.agents ? nodeNames.filter((n) => !fleet?.has(n) && platform.agents!.has(n)) : [];
  const reports: Map<string, NodeUsageReport> = remote.length ? await platform.agents!.usage(remote) : new Map();
  return {
    node: (name) => (fleet?.has(name) ? fleet.nodeUsage(name) : reports.get(name)?.node),
    pod: (pod) => {
      const node = pod.spec?.nodeName;
      if (fleet?.has(node)) return fleet.podUsage(pod);
      return reports.get(node)?.pods[podKey(pod)];
    },
  };
}
