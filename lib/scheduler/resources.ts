import type { Pod } from '../apimachinery/generated/kinds.ts';
import type { ObjectView } from '../apimachinery/object.ts';
import { milliCpu, parseQuantity } from '../apimachinery/quantity.ts';

// Resource vectors in scheduler units: cpu in millicores, memory in bytes,
// pods as a count, extended resources (e.g. nvidia.com/gpu) as numbers.

export interface Resources {
  cpu: number;
  memory: number;
  pods: number;
  extended: Record<string, number>;
}

export const emptyResources = (): Resources => ({ cpu: 0, memory: 0, pods: 0, extended: {} });

const BASE = new Set(['cpu', 'memory', 'pods', 'ephemeral-storage']);

export function fromQuantities(map: Record<string, unknown> | undefined): Resources {
  const r = emptyResources();
  for (const [name, value] of Object.entries(map ?? {})) {
    if (name === 'cpu') r.cpu = milliCpu(value);
    else if (name === 'memory') r.memory = parseQuantity(value);
    else if (name === 'pods') r.pods = parseQuantity(value);
    else if (!BASE.has(name)) r.extended[name] = parseQuantity(value);
  }
  return r;
}

/**
 * What a pod asks for, as kube-scheduler computes it: the sum of its
 * containers' requests, or the largest init container's if that is more,
 * plus one pod slot.
 */
export function podRequests(pod: Pick<ObjectView<Pod>, 'spec'>): Resources {
  const total = emptyResources();
  for (const c of pod.spec?.containers ?? []) add(total, fromQuantities(c.resources?.requests));
  for (const c of pod.spec?.initContainers ?? []) {
    const r = fromQuantities(c.resources?.requests);
    total.cpu = Math.max(total.cpu, r.cpu);
    total.memory = Math.max(total.memory, r.memory);
    for (const [k, v] of Object.entries(r.extended)) total.extended[k] = Math.max(total.extended[k] ?? 0, v);
  }
  total.pods = 1;
  return total;
}

export function add(into: Resources, r: Resources, sign = 1) {
  into.cpu += sign * r.cpu;
  into.memory += sign * r.memory;
  into.pods += sign * r.pods;
  for (const [k, v] of Object.entries(r.extended)) into.extended[k] = (into.extended[k] ?? 0) + sign * v;
}

// Like kube-scheduler, score a pod without requests as if it asked for
// 100m cpu and 200Mi memory, so best-effort pods still spread.
const DEFAULT_CPU = 100;
const DEFAULT_MEMORY = 200 * 2 ** 20;

export function nonZeroRequests(requests: Resources): Resources {
  return {
    ...requests,
    cpu: requests.cpu || DEFAULT_CPU,
    memory: requests.memory || DEFAULT_MEMORY,
    extended: requests.extended,
  };
}
