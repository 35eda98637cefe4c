import type { Node, Taint } from '../apimachinery/generated/kinds.ts';
import type { ObjectView } from '../apimachinery/object.ts';
import type { SchedulingPod } from './types.ts';
import { add, emptyResources, fromQuantities, nonZeroRequests, podRequests, type Resources } from './resources.ts';

const taintSets = new Map<string, number>();

function taintSetOf(taints: Taint[]): number {
  const key = JSON.stringify(taints.map((t) => [t.key, t.value ?? '', t.effect]));
  let id = taintSets.get(key);
  if (id === undefined) taintSets.set(key, (id = taintSets.size + 1));
  return id;
}

/** What the scheduler knows about one node: capacity, what is requested on it, and its pods. */
export class NodeInfo {
  allocatable: Resources;
  requested: Resources = emptyResources();
  /** Requests counting best-effort pods at the scoring defaults (for utilisation and scores). */
  nonZeroRequested: Resources = emptyResources();
  /** Each pod with its requests, and those with best-effort defaults (so removing it does not recompute them). */
  pods = new Map<string, { pod: SchedulingPod; requests: Resources; nonZero: Resources }>();
  /** Pods that preempted others here and wait for the room: lower-priority pods may not take it. */
  nominated = new Map<string, { priority: number; requests: Resources }>();

  /** Read once per node change, not once per pod per node. */
  taints: Taint[] | null = null;
  /** Nodes with equal taints share this number (0: no taints), so a pod's toleration check runs once per set. */
  taintSet = 0;
  hasPreferNoSchedule = false;
  unschedulable = false;

  constructor(public node: ObjectView<Node>) {
    this.allocatable = NodeInfo.allocatableOf(node);
    this.readSpec();
    this.refresh();
  }

  private readSpec() {
    const taints = this.node.spec?.taints;
    this.taints = taints?.length ? taints : null;
    this.taintSet = this.taints ? taintSetOf(this.taints) : 0;
    this.hasPreferNoSchedule = !!this.taints?.some((t) => t.effect === 'PreferNoSchedule');
    this.unschedulable = !!this.node.spec?.unschedulable;
  }

  static allocatableOf(node: ObjectView<Node>): Resources {
    const r = fromQuantities(node.status?.allocatable ?? node.status?.capacity);
    if (!r.pods) r.pods = 110;
    return r;
  }

  get name(): string {
    return this.node.metadata.name;
  }

  setNode(node: ObjectView<Node>) {
    this.node = node;
    this.allocatable = NodeInfo.allocatableOf(node);
    this.readSpec();
    this.refresh();
  }

  /**
   * Counts a pod here. `requests` may pass podRequests(pod) when the caller has it; a pod already counted
   * whose containers are the ones counted (its binding, confirmed by the watch) keeps its parsed requests.
   */
  addPod(key: string, pod: SchedulingPod, requests?: Resources) {
    const existing = this.pods.get(key);
    if (existing) {
      const spec = existing.pod.spec;
      if (!requests && spec?.containers === pod.spec?.containers && spec?.initContainers === pod.spec?.initContainers)
        requests = existing.requests;
      this.removePod(key);
    }
    requests ??= podRequests(pod);
    const nonZero = existing?.requests === requests ? existing.nonZero : nonZeroRequests(requests);
    this.pods.set(key, { pod, requests, nonZero });
    add(this.requested, requests);
    add(this.nonZeroRequested, nonZero);
    this.refresh();
  }

  /**
   * Takes `pod`'s newer version for a pod counted here whose containers are the ones counted (the watch confirming
   * its binding): nothing to recount, so no change to the node's sums. False when it is not counted so.
   */
  confirmPod(key: string, pod: SchedulingPod): boolean {
    const existing = this.pods.get(key);
    const spec = existing?.pod.spec;
    if (!existing || spec?.containers !== pod.spec?.containers || spec?.initContainers !== pod.spec?.initContainers)
      return false;
    existing.pod = pod;
    return true;
  }

  removePod(key: string) {
    const entry = this.pods.get(key);
    if (!entry) return;
    this.pods.delete(key);
    add(this.requested, entry.requests, -1);
    add(this.nonZeroRequested, entry.nonZero, -1);
    this.refresh();
  }

  /** Utilisation and u·ln(u) at `cpuWeight`, kept current on every change (the entropy plugin's hot path). */
  cachedU = 0;
  cachedULnU = 0;
  private cpuWeight = 0.5;

  setCpuWeight(weight: number) {
    this.cpuWeight = weight;
    this.refresh();
  }

  private refresh() {
    this.cachedU = this.utilisation(this.cpuWeight);
    this.cachedULnU = this.cachedU > 0 ? this.cachedU * Math.log(this.cachedU) : 0;
  }

  /** Requests reserved by nominated pods of at least `priority`, other than `except`. */
  nominatedFor(priority: number, except: string): Resources {
    const total = emptyResources();
    for (const [key, n] of this.nominated) if (key !== except && n.priority >= priority) add(total, n.requests);
    return total;
  }

  /** Utilisation (0..1+) of cpu and memory, weighted; nodes without capacity count as full. `extra` is a pod being placed. */
  utilisation(cpuWeight: number, extra?: Resources, extraIsNonZero = false): number {
    const more = extra ? (extraIsNonZero ? extra : nonZeroRequests(extra)) : undefined;
    const cpu = this.allocatable.cpu > 0 ? (this.nonZeroRequested.cpu + (more?.cpu ?? 0)) / this.allocatable.cpu : 1;
    const memory =
      this.allocatable.memory > 0 ? (this.nonZeroRequested.memory + (more?.memory ?? 0)) / this.allocatable.memory : 1;
    return cpuWeight * cpu + (1 - cpuWeight) * memory;
  }
}
