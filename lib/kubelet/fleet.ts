import type { Logger } from 'pino';
import type { LogOptions, LogResult } from '../apiserver/object-api.ts';
import type { ContainerUsage } from '../apiserver/node-reads.ts';
import type { NodeBackend, PodObject } from './backend.ts';
import { ImageRegistry } from './runtime/registry.ts';
import type { NodeSpec } from './profiles.ts';
import type { NodeUsageReport } from './tunnel.ts';
import { LeaseSchedule, registerNode, simNode } from './node-registration.ts';
import { admitPod } from './admission.ts';
import { beginTermination, finishDeletion } from './termination.ts';
import { syncContainers } from './pod-worker.ts';
import type { LifecycleSettings } from './container-lifecycle.ts';
import { StatusManager } from './status-manager.ts';
import { TICK_MS, TimerWheel } from './timer-wheel.ts';
import { containerUsage, nodeUsage, usageReport, type NodeUsage } from './usage.ts';
import { containerLogs } from './container-logs.ts';
import { execTarget, type ExecTarget } from './exec-target.ts';
import { currentPod, dueTimes, podEvents, podKey } from './sim-model.ts';
import type { PodEvents, PodRef, SimNode, SimPod } from './sim-model.ts';
import { DEFAULT_FLEET_OPTIONS, type FleetOptions } from './fleet-options.ts';
import { EXECUTOR_NODE_LABEL } from './executor.ts';

// An in-process fleet of simulated nodes (NKO): each registers its Node,
// renews its Lease, and runs the pods bound to it through a mock container
// runtime, reporting pod status as a kubelet would. This class owns the
// nodes and pods and routes watch events, timer ticks and chaos faults to
// the modules that act on them (one shared timer; status batched per tick).
// A transition that is due at once (a start whose image is present, the exit
// of a 0 s container) does not wait for the next tick: a pass runs as soon as
// the previous pass's status writes are done, so each step is still its own
// status write (Running is reported before Succeeded) without the tick's wait.

export { DEFAULT_FLEET_OPTIONS, type FleetOptions };
export type { ContainerUsage };

type RunningContainer = { namespace: string; pod: string; container: string };

export class NodeFleet {
  private nodes = new Map<string, SimNode>();
  private pods = new Map<string, SimPod>();
  private wheel = new TimerWheel();
  private leases = new LeaseSchedule(this.nodes);
  private status: StatusManager;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private options: FleetOptions;
  /** The options plus where containers' Secrets and ConfigMaps are read from. */
  private settings: FleetOptions & LifecycleSettings;
  private ticking = false;
  /** Pods with a transition due now, for the next pass (see `reschedule`). */
  private dueNow = new Set<string>();
  private passQueued = false;
  private renewedAt = 0;
  private stopped = false;

  constructor(
    private backend: NodeBackend,
    private log: Logger,
    options: Partial<FleetOptions> = {},
  ) {
    this.options = { ...DEFAULT_FLEET_OPTIONS, registry: new ImageRegistry(), ...options };
    this.settings = {
      ...this.options,
      lookupConfig: backend.lookupConfig,
      wake: (sim) => {
        if (this.pods.get(sim.key) === sim) this.reschedule(sim);
      },
    };
    this.status = new StatusManager(backend, log, this.pods);
  }

  get size() {
    return this.nodes.size;
  }

  has(nodeName: string): boolean {
    return this.nodes.has(nodeName);
  }

  runs(nodeName: string): boolean {
    const node = this.nodes.get(nodeName);
    return !!node && node.heartbeats;
  }

  /** The fleet's node names, sorted (chaos picks from these). */
  nodeNames(): string[] {
    return [...this.nodes.keys()].sort();
  }

  /** Running app containers, sorted, so a seeded pick is repeatable. */
  runningContainers(): RunningContainer[] {
    const out: RunningContainer[] = [];
    for (const key of [...this.pods.keys()].sort()) {
      const [namespace, pod] = key.split('/');
      for (const c of this.pods.get(key)?.containers ?? []) {
        if (!c.init && c.state.kind === 'running') out.push({ namespace, pod, container: c.name });
      }
    }
    return out;
  }

  /** Registers the nodes and starts running pods bound to them. */
  async start(specs: NodeSpec[]) {
    const now = Date.now();
    // Pods that need a named executor select its label, so the scheduler only binds them where it runs.
    const offered = Object.fromEntries(
      (this.options.executors ?? []).flatMap((e) => (e.name ? [[`${EXECUTOR_NODE_LABEL}${e.name}`, 'true']] : [])),
    );
    specs.forEach((spec, i) =>
      this.nodes.set(
        spec.name,
        simNode({ ...spec, labels: { ...spec.labels, ...offered } }, i, now, this.options.leaseSeconds),
      ),
    );
    for (const spec of specs) {
      const node = this.nodes.get(spec.name);
      if (!node) continue;
      await registerNode(this.backend, node);
      this.leases.due(node);
    }
    for (const pod of this.backend.listPods()) this.observe(pod);
    this.unsubscribe = this.backend.watchPods((e) =>
      e.type === 'DELETED' ? this.forget(podKey(e.pod)) : this.observe(e.pod),
    );
    this.backend.setHooks?.({ nodeRunsPods: (n) => this.runs(n) });
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.status.flush();
  }

  /** Chaos: cut a node off from the API (or reconnect it); its containers keep running meanwhile. */
  setPartitioned(nodeName: string, partitioned: boolean) {
    const node = this.nodes.get(nodeName);
    if (!node) return;
    node.partitioned = partitioned;
    node.heartbeats = !partitioned;
    if (!partitioned) {
      node.nextLeaseAt = 0;
      this.leases.due(node);
      for (const key of node.pods.keys()) this.status.mark(key); // report what happened meanwhile
      for (const pod of this.backend.listPods()) {
        if (pod.spec?.nodeName === nodeName && !this.pods.has(podKey(pod))) this.observe(pod);
      }
    }
  }

  /** Chaos: slow (or restore, with undefined) a node's image pulls. */
  setPullBandwidth(nodeName: string, bytesPerSecond: number | undefined) {
    const node = this.nodes.get(nodeName);
    if (node) node.pullBytesPerSecond = bytesPerSecond;
  }

  /**
   * Chaos: make a running container exit now with its exit code, or be
   * OOM-killed. Returns false if it is not running here.
   */
  failContainer(namespace: string, name: string, container: string | undefined, how: 'fail' | 'oom'): boolean {
    const sim = this.pods.get(`${namespace}/${name}`);
    const c = sim?.containers.find(
      (x) => !x.init && (!container || x.name === container) && x.state.kind === 'running',
    );
    if (!sim || !c) return false;
    // Only this exit: the next start runs the container's own workload again.
    c.exitCause = how;
    c.next = 'exit';
    c.nextAt = Date.now();
    this.reschedule(sim);
    return true;
  }

  /** Chaos: stop (false) or resume (true) a node's heartbeats. */
  setHeartbeats(nodeName: string, on: boolean) {
    const node = this.nodes.get(nodeName);
    if (!node) return;
    node.heartbeats = on;
    if (on) {
      node.nextLeaseAt = 0; // renew at the next tick
      this.leases.due(node);
      // Back up: like a restarted kubelet, start the pods still bound here.
      for (const pod of this.backend.listPods()) if (pod.spec?.nodeName === nodeName) this.observe(pod);
    } else {
      // A dead node's containers stop with it; its pods are evicted by the node controller.
      for (const key of [...node.pods.keys()]) this.forget(key);
    }
  }

  /** Simulated usage of a pod's running containers (see usage.ts). */
  podUsage(pod: PodRef): ContainerUsage[] | undefined {
    const sim = this.pods.get(podKey(pod));
    return sim && containerUsage(sim);
  }

  /** A node's usage: its pods plus the node's own overhead. */
  nodeUsage(nodeName: string): NodeUsage | undefined {
    return nodeUsage(this.nodes.get(nodeName));
  }

  /** Node and pod usage of the given nodes (what a standalone agent reports over its tunnel). */
  usageReport(nodeNames: string[]): Record<string, NodeUsageReport> {
    return usageReport(this.nodes, nodeNames);
  }

  /** The pod/log subresource (see container-logs.ts). */
  logs(pod: PodRef, container: string, opts: LogOptions): LogResult | undefined {
    return containerLogs(this.pods.get(podKey(pod)), container, opts);
  }

  /** A running container to exec into, or why there is none (see exec-target.ts). */
  execTarget(pod: PodRef, container: string, tty: boolean): ExecTarget {
    return execTarget(this.pods.get(podKey(pod)), container, tty);
  }

  private observe(pod: PodObject) {
    const key = podKey(pod);
    const sim = this.pods.get(key);
    if (sim && sim.uid !== pod.metadata.uid) this.forget(key);
    const node = this.nodes.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const tracked = this.pods.get(key);
    if (!tracked) {
      if (pod.metadata.deletionTimestamp) return void finishDeletion(this.backend, this.log, pod);
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      this.admit(pod, node);
    } else if (pod.metadata.deletionTimestamp && tracked.deletingAt === undefined) {
      const grace = pod.metadata.deletionGracePeriodSeconds;
      beginTermination(tracked, grace, Date.now(), this.eventsOn(pod, node));
      this.reschedule(tracked);
    }
  }

  /** Events on the version of the pod the watch just delivered (admission has not filed it yet). */
  private eventsOn(pod: PodObject, node: SimNode): PodEvents {
    return (type, reason, message) => this.backend.recordEvent(pod, type, reason, message, node.spec.name);
  }

  private admit(pod: PodObject, node: SimNode) {
    const sim = admitPod(pod, node, this.options, this.eventsOn(pod, node));
    this.pods.set(sim.key, sim);
    node.pods.set(sim.key, sim);
    this.reschedule(sim);
    this.status.mark(sim.key);
  }

  private forget(key: string) {
    const sim = this.pods.get(key);
    if (!sim) return;
    this.pods.delete(key);
    for (const c of sim.containers) c.execution?.abort();
    sim.node.pods.delete(key);
    sim.node.usedIps.delete(Number(sim.ip.split('.').pop()));
    this.status.forget(key);
  }

  /**
   * Puts the pod in the wheel slots of its containers' next transitions (and its deletion). After a change
   * (`moved`), a transition already due goes to the next pass instead, which runs without waiting for the tick;
   * a pod that did not move waits for the wheel, so nothing stuck can spin.
   */
  private reschedule(sim: SimPod, moved = true) {
    const times = dueTimes(sim);
    this.wheel.schedule(sim.key, times);
    if (!moved) return;
    const now = Date.now();
    if (!times.some((t) => t <= now)) return;
    this.dueNow.add(sim.key);
    this.queuePass();
  }

  /** A pass right after the current one (or at once when none runs), for the pods due now. */
  private queuePass() {
    if (this.passQueued || this.ticking) return;
    this.passQueued = true;
    setImmediate(() => {
      this.passQueued = false;
      void this.tick();
    });
  }

  /** A pass: the leases and wheel slots that came due, and the pods due now (the interval's ticks run it too). */
  private async tick() {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const now = Date.now();
      // Once a tick's time, by whichever pass comes: passes back to back would otherwise starve the renewals,
      // and the renewals of one tick's time go out together (one group commit).
      const renew = now - this.renewedAt >= TICK_MS;
      if (renew) this.renewedAt = now;
      const renewals = renew ? this.leases.renewDue(now, this.options.leaseSeconds, this.backend, this.log) : [];
      const due = this.wheel.takeDue(now);
      for (const key of this.dueNow) due.add(key);
      this.dueNow.clear();
      for (const key of due) {
        const sim = this.pods.get(key);
        if (!sim) continue;
        const moved = this.advance(sim, now);
        if (this.pods.has(key)) this.reschedule(sim, moved);
      }
      await Promise.all([this.status.flush(), ...renewals]);
    } finally {
      this.ticking = false;
      if (this.dueNow.size) this.queuePass();
    }
  }

  /** Takes the pod's due transitions; true if anything of it changed. */
  private advance(sim: SimPod, now: number): boolean {
    if (sim.deletingAt === undefined) {
      let moved = false;
      syncContainers(sim, now, this.settings, podEvents(this.backend, sim), () => {
        moved = true;
        this.status.mark(sim.key);
      });
      return moved;
    } else if (now >= sim.deletingAt) {
      const pod = currentPod(this.backend, sim);
      this.forget(sim.key);
      if (pod) void finishDeletion(this.backend, this.log, pod);
      return true;
    }
    return false;
  }
}
