import type { KubeObject } from '../apimachinery/object.ts';
import type { LogOptions, LogResult } from './object-api.ts';

// What only the agent running a node knows — its containers' logs and usage.
// The API server is handed an implementation (lib/kubelet/node-reads.ts) so
// that it never imports the node agent.

export interface ContainerUsage {
  name: string;
  cpuMilli: number;
  memoryBytes: number;
  throttledMilli: number;
}

export interface UsageSnapshot {
  node(name: string): { cpuMilli: number; memoryBytes: number } | undefined;
  pod(pod: KubeObject): ContainerUsage[] | undefined;
}

export interface NodeReads {
  /** A container's log; undefined when no agent runs that container (yet). */
  logs(pod: KubeObject, container: string, options: LogOptions): Promise<LogResult | undefined>;
  /** Usage of the given nodes and their pods, asking every standalone agent once. */
  usage(nodeNames: string[]): Promise<UsageSnapshot>;
}
