import type { Platform } from '../platform.ts';
import { typeByKey } from './registry.ts';
import { milliCpu, parseQuantity } from './quantity.ts';

// A snapshot of the cluster for the dashboard's overview page.

export interface ClusterOverview {
  nodes: { total: number; ready: number; cordoned: number };
  pods: Record<string, number>;
  deployments: { total: number; available: number };
  capacity: { cpuMilli: number; memoryBytes: number };
  requested: { cpuMilli: number; memoryBytes: number };
  entropy: number | null;
  events: { type: string; reason: string; object: string; message: string; at: string }[];
}

export function clusterOverview(platform: Platform): ClusterOverview {
  const api = platform.orchestrator!.api;
  const nodes = api.cache.list(typeByKey('nodes').key).items as any[];
  const pods = api.cache.list(typeByKey('pods').key).items as any[];
  const deployments = api.cache.list(typeByKey('deployments.apps').key).items as any[];
  const events = api.cache.list(typeByKey('events').key).items as any[];
  const phases: Record<string, number> = { Pending: 0, Running: 0, Succeeded: 0, Failed: 0 };
  const requested = { cpuMilli: 0, memoryBytes: 0 };
  for (const p of pods) {
    const phase = p.status?.phase ?? 'Pending';
    phases[phase] = (phases[phase] ?? 0) + 1;
    if (!p.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') continue;
    for (const c of p.spec.containers ?? []) {
      requested.cpuMilli += milliCpu(c.resources?.requests?.cpu ?? 0) || 0;
      requested.memoryBytes += parseQuantity(c.resources?.requests?.memory ?? 0) || 0;
    }
  }
  const capacity = { cpuMilli: 0, memoryBytes: 0 };
  for (const n of nodes) {
    capacity.cpuMilli += milliCpu(n.status?.allocatable?.cpu ?? 0) || 0;
    capacity.memoryBytes += parseQuantity(n.status?.allocatable?.memory ?? 0) || 0;
  }
  const latest = [...events].sort((a, b) => String(b.lastTimestamp ?? '').localeCompare(String(a.lastTimestamp ?? ''))).slice(0, 10);
  return {
    nodes: {
      total: nodes.length,
      ready: nodes.filter((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length,
      cordoned: nodes.filter((n) => n.spec?.unschedulable).length,
    },
    pods: phases,
    deployments: { total: deployments.length, available: deployments.filter((d) => (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1)).length },
    capacity,
    requested,
    entropy: platform.scheduler ? Math.round(platform.scheduler.clusterEntropy() * 10) / 10 : null,
    events: latest.map((e) => ({
      type: e.type,
      reason: e.reason,
      object: `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      message: e.message,
      at: e.lastTimestamp ?? e.metadata.creationTimestamp,
    })),
  };
}
