import type { ContainerUsage } from '../apiserver/node-reads.ts';
import type { NodeUsageReport } from './tunnel.ts';
import type { SimNode, SimPod } from './sim-model.ts';

// What `kubectl top` reads, the way cAdvisor would measure it: usage of the
// running containers from their workload model — steady, spiky (±50 % over
// ~20 s) or ramp (grows to the model's value over a minute) — with cpu
// capped at the container's limit, as CFS throttling would.

export type NodeUsage = { cpuMilli: number; memoryBytes: number };

/** Usage of a pod's app containers (stopped ones use nothing). */
export function containerUsage(sim: SimPod): ContainerUsage[] {
  const now = Date.now();
  return sim.containers
    .filter((c) => !c.init)
    .map((c) => {
      if (c.state.kind !== 'running' || !c.model)
        return { name: c.name, cpuMilli: 0, memoryBytes: 0, throttledMilli: 0 };
      const up = now - (c.run?.startedAt ?? now);
      const factor =
        c.model.pattern === 'spiky'
          ? 1 + 0.5 * Math.sin(up / 3000 + c.name.length)
          : c.model.pattern === 'ramp'
            ? Math.min(1, 0.2 + up / 60_000)
            : 1;
      const demand = Math.round(c.model.cpuMilli * factor);
      const cpu = c.cpuLimitMilli !== undefined ? Math.min(demand, c.cpuLimitMilli) : demand;
      const memory = Math.round(c.model.memoryBytes * (c.model.pattern === 'ramp' ? factor : 1));
      return { name: c.name, cpuMilli: cpu, memoryBytes: memory, throttledMilli: demand - cpu };
    });
}

/** A node's usage: its pods plus the node's own overhead (100m cpu, 256Mi); none for a dead node. */
export function nodeUsage(node: SimNode | undefined): NodeUsage | undefined {
  if (!node || !node.heartbeats) return undefined;
  let cpuMilli = 100;
  let memoryBytes = 256 * 2 ** 20;
  for (const sim of node.pods.values()) {
    for (const c of containerUsage(sim)) {
      cpuMilli += c.cpuMilli;
      memoryBytes += c.memoryBytes;
    }
  }
  return { cpuMilli, memoryBytes };
}

/** Node and pod usage of the named nodes (what a standalone agent reports over its tunnel). */
export function usageReport(nodes: ReadonlyMap<string, SimNode>, names: string[]): Record<string, NodeUsageReport> {
  const out: Record<string, NodeUsageReport> = {};
  for (const name of names) {
    const node = nodes.get(name);
    const usage = nodeUsage(node);
    if (!node || !usage) continue;
    const pods: Record<string, ContainerUsage[]> = {};
    for (const [key, sim] of node.pods) pods[key] = containerUsage(sim);
    out[name] = { node: usage, pods };
  }
  return out;
}
