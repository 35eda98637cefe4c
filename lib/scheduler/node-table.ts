import type { NodeInfo } from './node-info.ts';
import { StateClasses } from './state-classes.ts';

// The nodes' scheduling state as structure-of-arrays, one slot per node in the
// scheduler's node order: the batch plugins read a pod's candidates from these
// typed arrays in one pass per plugin instead of one call per node. A slot is
// rewritten from its NodeInfo on every change (bind, unbind, node update,
// nomination), so a pod costs O(1) upkeep and O(N) reads.

export const UNSCHEDULABLE = 1;
export const TAINTED = 2;
export const PREFER_NO_SCHEDULE = 4;
/** Pods nominated here after preempting: the fit check must count their reservations. */
export const NOMINATED = 8;

export class NodeTable {
  infos: NodeInfo[] = [];
  size = 0;
  allocCpu = new Float64Array(0);
  allocMemory = new Float64Array(0);
  allocPods = new Float64Array(0);
  requestedCpu = new Float64Array(0);
  requestedMemory = new Float64Array(0);
  requestedPods = new Float64Array(0);
  /** Requests with best-effort defaults (for utilisation and scores). */
  nonZeroCpu = new Float64Array(0);
  nonZeroMemory = new Float64Array(0);
  /** Each node's utilisation and u·ln(u), as NodeInfo caches them. */
  u = new Float64Array(0);
  uLnU = new Float64Array(0);
  flags = new Uint8Array(0);
  /** NodeInfo.taintSet of each node. */
  taintSet = new Int32Array(0);
  /** Each node's resource state class (state-classes.ts): nodes in one class score alike. */
  stateClass = new Int32Array(0);
  readonly classes = new StateClasses();
  /** How many nodes have each flag bit set: a filter whose nodes of interest are flagged skips its pass when none is. */
  private flagged = new Int32Array(8);
  private slots = new Map<NodeInfo, number>();

  /** Lays out `infos` (in this order) afresh. */
  rebuild(infos: NodeInfo[]) {
    this.infos = infos;
    this.size = infos.length;
    if (this.u.length < infos.length) {
      const n = Math.max(16, infos.length * 2);
      this.allocCpu = new Float64Array(n);
      this.allocMemory = new Float64Array(n);
      this.allocPods = new Float64Array(n);
      this.requestedCpu = new Float64Array(n);
      this.requestedMemory = new Float64Array(n);
      this.requestedPods = new Float64Array(n);
      this.nonZeroCpu = new Float64Array(n);
      this.nonZeroMemory = new Float64Array(n);
      this.u = new Float64Array(n);
      this.uLnU = new Float64Array(n);
      this.flags = new Uint8Array(n);
      this.taintSet = new Int32Array(n);
      this.stateClass = new Int32Array(n);
    }
    this.classes.clear();
    this.stateClass.fill(-1, 0, infos.length);
    this.flags.fill(0, 0, infos.length);
    this.flagged.fill(0);
    this.slots.clear();
    for (let i = 0; i < infos.length; i++) {
      this.slots.set(infos[i], i);
      this.write(i, infos[i]);
    }
  }

  /** Whether any node has one of `flags` set. */
  anyFlagged(flags: number): boolean {
    for (let bit = 0; bit < 8; bit++) if (flags & (1 << bit) && this.flagged[bit] > 0) return true;
    return false;
  }

  slotOf(info: NodeInfo): number | undefined {
    return this.slots.get(info);
  }

  /** Re-reads one node after a change to it. */
  update(info: NodeInfo) {
    const slot = this.slots.get(info);
    if (slot !== undefined) this.write(slot, info);
  }

  private write(i: number, info: NodeInfo) {
    this.allocCpu[i] = info.allocatable.cpu;
    this.allocMemory[i] = info.allocatable.memory;
    this.allocPods[i] = info.allocatable.pods;
    this.requestedCpu[i] = info.requested.cpu;
    this.requestedMemory[i] = info.requested.memory;
    this.requestedPods[i] = info.requested.pods;
    this.nonZeroCpu[i] = info.nonZeroRequested.cpu;
    this.nonZeroMemory[i] = info.nonZeroRequested.memory;
    this.u[i] = info.cachedU;
    this.uLnU[i] = info.cachedULnU;
    let flags = 0;
    if (info.unschedulable) flags |= UNSCHEDULABLE;
    if (info.taints) flags |= TAINTED;
    if (info.hasPreferNoSchedule) flags |= PREFER_NO_SCHEDULE;
    if (info.nominated.size) flags |= NOMINATED;
    const changed = this.flags[i] ^ flags;
    if (changed)
      for (let bit = 0; bit < 8; bit++) if (changed & (1 << bit)) this.flagged[bit] += flags & (1 << bit) ? 1 : -1;
    this.flags[i] = flags;
    this.taintSet[i] = info.taintSet;
    const cpu = this.allocCpu[i];
    const memory = this.allocMemory[i];
    const nonZeroCpu = this.nonZeroCpu[i];
    const nonZeroMemory = this.nonZeroMemory[i];
    const u = this.u[i];
    const previous = this.stateClass[i];
    if (previous >= 0) {
      if (this.classes.is(previous, cpu, memory, nonZeroCpu, nonZeroMemory, u)) return;
      this.classes.release(previous);
    }
    this.stateClass[i] = this.classes.acquire(cpu, memory, nonZeroCpu, nonZeroMemory, u);
  }
}
