import type { ContainerUsage } from '../apiserver/node-reads.ts';
import type { NodeUsageReport } from './tunnel.ts';
import type { SimNode, SimPod } from './sim-model.ts';

// What `kubectl top` reads, the way cAdvisor would measure it: usage of the
// running containers from their workload model — steady, spiky (±50 % over
// ~20 s) or ramp (grows to the model's value over a minute) — with cpu
// capped at the container's limit, as CFS throttling would.

export type NodeUsage = { cpuMilli: number; memoryBytes: number };

type SimContainer = SimPod['containers'][number];

/** A running container's cpu demand (before its limit) and memory at `now`; undefined when it is not running. */
function demandOf(c: SimContainer, now: number): { demand: number; memory: number } | undefined {
  if (c.state.kind !== 'running' || !c.model) return undefined;
  const up = now - (c.run?.startedAt ?? now);
  const factor =
    c.model.pattern === 'spiky'
      ? 1 + 0.5 * Math.sin(up / 3000 + c.name.length)
      : c.model.pattern === 'ramp'
        ? Math.min(1, 0.2 + up / 60_000)
        : 1;
  const demand = Math.round(c.model.cpuMilli * factor);
  const memory = Math.round(c.model.memoryBytes * (c.model.pattern === 'ramp' ? factor : 1));
  return { demand, memory };
}

const cpuOf = (c: SimContainer, demand: number) =>
  c.cpuLimitMilli !== undefined ? Math.min(demand, c.cpuLimitMilli) : demand;

/** Usage of a pod's app containers (stopped ones use nothing). */
export function containerUsage(sim: SimPod, now = Date.now()): ContainerUsage[] {
  return sim.containers
    .filter((c) => !c.init)
    .map((c) => {
      const d = demandOf(c, now);
      if (!d) return { name: c.name, cpuMilli: 0, memoryBytes: 0, throttledMilli: 0 };
      const cpu = cpuOf(c, d.demand);
      return { name: c.name, cpuMilli: cpu, memoryBytes: d.memory, throttledMilli: d.demand - cpu };
    });
}

/**
 * A node's usage: its pods plus the node's own overhead (100m cpu, 256Mi); none for a dead node. The history
 * sampler asks this of every node every 10 s, so it sums the containers without building containerUsage's rows.
 */
export function nodeUsage(node: SimNode | undefined, now = Date.now()): NodeUsage | undefined {
  if (!node || !node.heartbeats) return undefined;
  let cpuMilli = 100;
  let memoryBytes = 256 * 2 ** 20;
  for (const sim of node.pods.values()) {
    for (const c of sim.containers) {
      if (c.init) continue;
      const d = demandOf(c, now);
      if (!d) continue;
      cpuMilli += cpuOf(c, d.demand);
      memoryBytes += d.memory;
    }
  }
  return { cpuMilli, memoryBytes };
}

/** Node and pod usage of the named nodes (what a standalone agent reports over its tunnel). */
export function usageReport(nodes: ReadonlyMap<string, SimNode>, names: string[]): Record<string, NodeUsageReport> {
  const out: Record<string, NodeUsageReport> = {};
  const now = Date.now();
  for (const name of names) {
    const node = nodes.get(name);
    const usage = nodeUsage(node, now);
    if (!node || !usage) continue;
    const pods: Record<string, ContainerUsage[]> = {};
    for (const [key, sim] of node.pods) pods[key] = containerUsage(sim, now);
    out[name] = { node: usage, pods };
  }
  return out;
}
