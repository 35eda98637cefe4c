import type { Logger } from 'pino';
import { timestamp, type KubeObject } from '../apimachinery/meta.ts';
import type { NodeBackend } from './backend.ts';
import { resolveImage } from './runtime/image.ts';
import { ImageRegistry } from './runtime/registry.ts';
import { workloadOf, WorkloadError, type WorkloadModel } from './runtime/workload.ts';
import { planProbes, probeOf } from './runtime/probes.ts';
import { draw } from './runtime/random.ts';
import { formatLines, logLines, type LogRun } from './runtime/logs.ts';
import { milliCpu, parseQuantity } from '../apimachinery/quantity.ts';
import type { LogOptions, LogResult } from '../apiserver/object-api.ts';
import { nodeIp, podCidr, type NodeSpec } from './profiles.ts';
import { podStatusOf, type ContainerState } from './pod-status.ts';
import type { NodeUsageReport } from './tunnel.ts';
import type { ContainerUsage } from '../apiserver/node-reads.ts';

// An in-process fleet of simulated nodes (NKO): each registers its Node,
// renews its Lease, and runs the pods bound to it through a mock container
// runtime, reporting pod status as a kubelet would. One shared timer drives
// every node and container, and status writes are batched per tick.

const TICK_MS = 100;

export interface FleetOptions {
  leaseSeconds: number;
  /** CrashLoopBackOff starts here and doubles up to 5 minutes (10 s in Kubernetes). */
  crashBackoffMs: number;
  /** Image pull bandwidth (bytes/s) for layers a node has not cached. */
  pullBytesPerSecond: number;
  /** Seeds every simulated draw (crashes from fail-rate), so a run replays the same way. */
  seed: number;
  /** The registry pulls go to (admins mark images missing or unauthorized there). */
  registry: ImageRegistry;
}

export const DEFAULT_FLEET_OPTIONS: Omit<FleetOptions, 'registry'> = { leaseSeconds: 10, crashBackoffMs: 10_000, pullBytesPerSecond: 1024 * 2 ** 20, seed: 1 };
const MAX_BACKOFF_MS = 300_000;

interface SimContainer {
  name: string;
  image: string;
  /** An init container: runs to completion, in order, before the others start. */
  init: boolean;
  pullPolicy: string;
  cpuLimitMilli?: number;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  /** Time to pull the image's missing layers, spent before the first start. */
  pullMs: number;
  /** Failed pulls in a row (ImagePullBackOff doubles with each). */
  pullFailures: number;
  /** Simulated memory above the memory limit: the container is OOMKilled shortly after it starts. */
  oom: boolean;
  /** Why the next exit happens: its workload, a crash (fail-rate), a liveness kill, or an admin's fault. */
  exitCause?: 'workload' | 'crash' | 'liveness' | 'fail' | 'oom';
  imageID?: string;
  containerID?: string;
  model?: WorkloadModel;
  state: ContainerState;
  lastState?: ContainerState;
  restartCount: number;
  ready: boolean;
  readyAt?: number;
  unreadyAt?: number;
  nextAt?: number;
  next?: 'start' | 'exit' | 'restart' | 'pull' | 'backoff';
  run?: LogRun;
  previousRun?: LogRun;
}

interface SimPod {
  key: string;
  uid: string;
  node: SimNode;
  ip: string;
  startTime: string;
  restartPolicy: string;
  containers: SimContainer[];
  configError?: string;
  deletingAt?: number;
  initDone: boolean;
}

interface SimNode {
  spec: NodeSpec;
  cidr: { base: string; cidr: string };
  usedIps: Set<number>;
  layers: Set<string>;
  pods: Map<string, SimPod>;
  nextLeaseAt: number;
  heartbeats: boolean;
  /** Partitioned: cut off from the API (no leases, no status writes) while its containers keep running. */
  partitioned: boolean;
  /** Pull bandwidth override for this node (slow pulls fault). */
  pullBytesPerSecond?: number;
}

export type { ContainerUsage };

const podKey = (pod: any) => `${pod.metadata.namespace}/${pod.metadata.name}`;

export class NodeFleet {
  private nodes = new Map<string, SimNode>();
  private pods = new Map<string, SimPod>();
  private dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private options: FleetOptions;
  private ticking = false;
  /** The timer wheel: 100 ms slots of pod keys with something due, so a tick touches only those pods. */
  private wheel = new Map<number, Set<string>>();
  private lastSlot = Math.floor(Date.now() / TICK_MS);

  constructor(
    private backend: NodeBackend,
    private log: Logger,
    options: Partial<FleetOptions> = {},
  ) {
    this.options = { ...DEFAULT_FLEET_OPTIONS, registry: new ImageRegistry(), ...options };
  }

  get size() {
    return this.nodes.size;
  }

  private podOf(sim: SimPod) {
    const [ns, name] = sim.key.split('/');
    return this.backend.getPod(ns, name);
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
  runningContainers(): { namespace: string; pod: string; container: string }[] {
    const out: { namespace: string; pod: string; container: string }[] = [];
    for (const key of [...this.pods.keys()].sort()) {
      const [namespace, pod] = key.split('/');
      for (const c of this.pods.get(key)!.containers) if (!c.init && c.state.kind === 'running') out.push({ namespace, pod, container: c.name });
    }
    return out;
  }

  /** Registers the nodes and starts running pods bound to them. */
  async start(specs: NodeSpec[]) {
    const now = Date.now();
    specs.forEach((spec, i) => {
      this.nodes.set(spec.name, {
        spec,
        cidr: podCidr(spec.index),
        usedIps: new Set(),
        layers: new Set(),
        pods: new Map(),
        // Stagger renewals so a big fleet does not write all leases at once.
        nextLeaseAt: now + ((i * 997) % (this.options.leaseSeconds * 1000)),
        heartbeats: true,
        partitioned: false,
      });
    });
    for (const spec of specs) await this.register(spec);
    for (const pod of this.backend.listPods()) this.observe(pod);
    this.unsubscribe = this.backend.watchPods((e) => (e.type === 'DELETED' ? this.forget(podKey(e.pod)) : this.observe(e.pod)));
    this.backend.setHooks?.({ nodeRunsPods: (n) => this.runs(n) });
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.flush();
  }

  /** Chaos: stop (false) or resume (true) a node's heartbeats. */
  /** Chaos: cut a node off from the API (or reconnect it); its containers keep running meanwhile. */
  setPartitioned(nodeName: string, partitioned: boolean) {
    const node = this.nodes.get(nodeName);
    if (!node) return;
    node.partitioned = partitioned;
    node.heartbeats = !partitioned;
    if (!partitioned) {
      node.nextLeaseAt = 0;
      for (const key of node.pods.keys()) this.dirty.add(key); // report what happened meanwhile
      for (const pod of this.backend.listPods()) if (pod.spec?.nodeName === nodeName && !this.pods.has(podKey(pod))) this.observe(pod);
    }
  }

  /** Chaos: slow (or restore, with undefined) a node's image pulls. */
  setPullBandwidth(nodeName: string, bytesPerSecond: number | undefined) {
    const node = this.nodes.get(nodeName);
    if (node) node.pullBytesPerSecond = bytesPerSecond;
  }

  /** Chaos: make a running container exit now with `exitCode`, or be OOM-killed. Returns false if it is not running here. */
  failContainer(namespace: string, name: string, container: string | undefined, how: 'fail' | 'oom'): boolean {
    const sim = this.pods.get(`${namespace}/${name}`);
    const c = sim?.containers.find((x) => !x.init && (!container || x.name === container) && x.state.kind === 'running');
    if (!sim || !c) return false;
    // Only this exit: the next start runs the container's own workload again.
    c.exitCause = how;
    c.next = 'exit';
    c.nextAt = Date.now();
    this.reschedule(sim);
    return true;
  }

  setHeartbeats(nodeName: string, on: boolean) {
    const node = this.nodes.get(nodeName);
    if (!node) return;
    node.heartbeats = on;
    if (on) {
      node.nextLeaseAt = 0; // renew at the next tick
      // Back up: like a restarted kubelet, start the pods still bound here.
      for (const pod of this.backend.listPods()) if (pod.spec?.nodeName === nodeName) this.observe(pod);
    } else {
      // A dead node's containers stop with it; its pods are evicted by the node controller.
      for (const key of [...node.pods.keys()]) this.forget(key);
    }
  }

  private async register(spec: NodeSpec) {
    const node = this.nodes.get(spec.name)!;
    const capacity = { cpu: spec.shape.cpu, memory: spec.shape.memory, pods: spec.shape.pods, 'ephemeral-storage': spec.shape.ephemeralStorage };
    const now = timestamp();
    const body = {
      metadata: {
        name: spec.name,
        labels: {
          'kubernetes.io/hostname': spec.name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/zone': spec.zone,
          'node.kubernetes.io/instance-type': spec.shape.instanceType,
          'entroos.io/simulated': 'true',
        },
      },
      spec: { podCIDR: node.cidr.cidr, podCIDRs: [node.cidr.cidr], ...(spec.taints?.length ? { taints: spec.taints } : {}) },
      status: {
        capacity,
        allocatable: capacity,
        conditions: this.conditions(now),
        addresses: [
          { type: 'InternalIP', address: nodeIp(spec.index) },
          { type: 'Hostname', address: spec.name },
        ],
        nodeInfo: { kubeletVersion: 'v1.32.0-entroos', kubeProxyVersion: 'v1.32.0-entroos', containerRuntimeVersion: 'mock-docker://1.0.0', osImage: 'EntroOS simulated node', kernelVersion: '6.1.0-entroos', operatingSystem: 'linux', architecture: 'amd64', machineID: spec.name, systemUUID: spec.name, bootID: spec.name },
      },
    };
    await this.backend.upsertNode(body);
    await this.renewLease(node);
  }

  private conditions(now: string) {
    const ok = (type: string, reason: string, message: string) => ({ type, status: 'False', reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
    return [
      ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
    ];
  }

  private async renewLease(node: SimNode) {
    const name = node.spec.name;
    await this.backend.renewLease(name, new Date().toISOString().replace('Z', '000Z'));
    // Back after an outage: report Ready again (the node controller lifts its taints).
    const current = await this.backend.getNode(name);
    const ready = current?.status?.conditions?.find((c: any) => c.type === 'Ready');
    if (current && ready?.status !== 'True') await this.backend.setNodeStatus(name, { ...current.status, conditions: this.conditions(timestamp()) });
  }

  private observe(pod: any) {
    const key = podKey(pod);
    const sim = this.pods.get(key);
    if (sim && sim.uid !== pod.metadata.uid) this.forget(key);
    const node = this.nodes.get(pod.spec?.nodeName);
    if (!node) return;
    const tracked = this.pods.get(key);
    if (!tracked) {
      if (pod.metadata.deletionTimestamp) return void this.finishDeletion(pod);
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      this.admit(pod, node);
    } else if (pod.metadata.deletionTimestamp && tracked.deletingAt === undefined) {
      // SIGTERM: a process that handles it stops within half a second; one that
      // ignores it is killed when the grace period ends.
      const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
      const stubborn = tracked.containers.some((c) => c.state.kind === 'running' && c.model?.ignoreSigterm);
      const now = Date.now();
      tracked.deletingAt = now + (stubborn ? grace : Math.min(grace, 500));
      this.reschedule(tracked);
      for (const c of tracked.containers) if (c.state.kind === 'running') c.run?.events.push({ at: now, text: stubborn && c.model?.ignoreSigterm ? 'received SIGTERM, ignoring it' : 'received SIGTERM, shutting down' });
      this.backend.recordEvent(pod, 'Normal', 'Killing', `Stopping container ${tracked.containers.map((c) => c.name).join(', ')}`, node.spec.name);
    }
  }

  private admit(pod: any, node: SimNode) {
    let ipIndex = 1;
    while (node.usedIps.has(ipIndex) && ipIndex < 254) ipIndex++;
    node.usedIps.add(ipIndex);
    const now = Date.now();
    const initContainers: any[] = pod.spec.initContainers ?? [];
    const sim: SimPod = {
      key: podKey(pod),
      uid: pod.metadata.uid,
      node,
      ip: `${node.cidr.base}.${ipIndex}`,
      startTime: timestamp(),
      restartPolicy: pod.spec.restartPolicy ?? 'Always',
      containers: [],
      initDone: initContainers.length === 0,
    };
    const specs = [...initContainers.map((c) => ({ c, init: true })), ...(pod.spec.containers ?? []).map((c: any) => ({ c, init: false }))];
    for (const { c, init } of specs) {
      const container: SimContainer = {
        name: c.name,
        image: c.image,
        init,
        pullPolicy: c.imagePullPolicy ?? 'IfNotPresent',
        cpuLimitMilli: c.resources?.limits?.cpu !== undefined ? milliCpu(c.resources.limits.cpu) : undefined,
        readinessProbe: c.readinessProbe,
        livenessProbe: c.livenessProbe,
        pullMs: 0,
        pullFailures: 0,
        oom: false,
        state: { kind: 'waiting', reason: init ? 'PodInitializing' : 'ContainerCreating' },
        restartCount: 0,
        ready: false,
      };
      sim.containers.push(container);
      try {
        container.model = workloadOf(pod.metadata.annotations, c.image);
        if (init && container.model.durationMs === undefined) container.model = { ...container.model, durationMs: 500 };
      } catch (err) {
        if (!(err instanceof WorkloadError)) throw err;
        sim.configError = err.message;
        container.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: err.message };
        continue;
      }
      const limit = c.resources?.limits?.memory;
      container.oom = limit !== undefined && container.model.memoryBytes > parseQuantity(limit);
      this.pull(sim, container, now, pod);
    }
    if (sim.configError) this.backend.recordEvent(pod, 'Warning', 'Failed', `Error: ${sim.configError}`, node.spec.name);
    else this.startNext(sim, now);
    this.pods.set(sim.key, sim);
    node.pods.set(sim.key, sim);
    this.reschedule(sim);
    this.dirty.add(sim.key);
  }

  /**
   * Pulls a container's image as its imagePullPolicy says: Never uses only
   * what the node has; IfNotPresent pulls what is missing; Always asks the
   * registry every time (so a marked image fails even when cached). A failed
   * pull is ErrImagePull, then ImagePullBackOff until a retry succeeds.
   */
  private pull(sim: SimPod, c: SimContainer, now: number, pod = this.podOf(sim)) {
    const node = sim.node;
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => pod && this.backend.recordEvent(pod, type, reason, message, node.spec.name);
    const local = resolveImage(c.image);
    const present = !!local && local.layers.every((l) => node.layers.has(l.digest));
    if (c.pullPolicy === 'Never' || (c.pullPolicy === 'IfNotPresent' && present)) {
      if (!present) {
        const message = `Container image "${c.image}" is not present with pull policy of Never`;
        c.state = { kind: 'waiting', reason: 'ErrImageNeverPull', message };
        event('Warning', 'ErrImageNeverPull', message);
        return;
      }
      c.imageID = `${local!.repository}@${local!.digest}`;
      event('Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      return;
    }
    const result = this.options.registry.pull(c.image);
    if (!result.ok) {
      c.pullFailures++;
      c.state = { kind: 'waiting', reason: 'ErrImagePull', message: result.message };
      event('Warning', 'Failed', `Failed to pull image "${c.image}": ${result.message}`);
      event('Warning', 'Failed', `Error: ${c.state.reason}`);
      c.next = 'backoff';
      c.nextAt = now + Math.min(1000, this.pullBackoff(c) / 2);
      return;
    }
    const missing = result.image.layers.filter((l) => !node.layers.has(l.digest)).reduce((n, l) => n + l.size, 0);
    c.pullMs = Math.round((missing / (node.pullBytesPerSecond ?? this.options.pullBytesPerSecond)) * 1000);
    for (const l of result.image.layers) node.layers.add(l.digest);
    c.imageID = `${result.image.repository}@${result.image.digest}`;
    c.pullFailures = 0;
    event('Normal', 'Pulling', `Pulling image "${c.image}"`);
    event('Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${(c.pullMs / 1000).toFixed(3)}s. Image size: ${result.image.size} bytes.`);
  }

  private pullBackoff(c: SimContainer) {
    return Math.min(MAX_BACKOFF_MS, this.options.crashBackoffMs * 2 ** Math.max(0, c.pullFailures - 1));
  }

  /** Starts the next init container, or — once every init container completed — the app containers. */
  private startNext(sim: SimPod, now: number) {
    const startable = (c: SimContainer) => c.model && c.imageID && c.state.kind === 'waiting' && c.next === undefined && c.restartCount === 0;
    if (!sim.initDone) {
      const next = sim.containers.find((c) => c.init && !(c.state.kind === 'terminated' && c.state.exitCode === 0));
      if (next) {
        if (startable(next)) {
          next.next = 'start';
          next.nextAt = now + next.pullMs;
        }
        return;
      }
      sim.initDone = true;
    }
    for (const c of sim.containers) {
      if (c.init || !startable(c)) continue;
      c.next = 'start';
      c.nextAt = now + c.pullMs;
    }
  }

  /** Puts the pod in the wheel slots of its containers' next transitions (and its deletion). */
  private reschedule(sim: SimPod) {
    const times = sim.containers.flatMap((c) => [c.nextAt, c.readyAt, c.unreadyAt]).filter((t): t is number => t !== undefined);
    if (sim.deletingAt !== undefined) times.push(sim.deletingAt);
    for (const t of times) {
      const slot = Math.max(Math.ceil(t / TICK_MS), this.lastSlot + 1);
      let keys = this.wheel.get(slot);
      if (!keys) this.wheel.set(slot, (keys = new Set()));
      keys.add(sim.key);
    }
  }

  private forget(key: string) {
    const sim = this.pods.get(key);
    if (!sim) return;
    this.pods.delete(key);
    sim.node.pods.delete(key);
    sim.node.usedIps.delete(Number(sim.ip.split('.').pop()));
    this.dirty.delete(key);
  }

  private async finishDeletion(pod: KubeObject) {
    await this.backend.removePod(pod).catch((err) => this.log.warn({ err, pod: podKey(pod) }, 'could not finish a pod deletion'));
  }

  private async tick() {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Date.now();
      // Due lease renewals go out together (one group commit), not one after another.
      const renewals: Promise<void>[] = [];
      for (const node of this.nodes.values()) {
        if (node.heartbeats && now >= node.nextLeaseAt) {
          node.nextLeaseAt = now + this.options.leaseSeconds * 1000;
          renewals.push(this.renewLease(node).catch((err) => this.log.warn({ err, node: node.spec.name }, 'lease renewal failed')));
        }
      }
      const slot = Math.floor(now / TICK_MS);
      const due = new Set<string>();
      for (let s = this.lastSlot + 1; s <= slot; s++) {
        const keys = this.wheel.get(s);
        if (!keys) continue;
        this.wheel.delete(s);
        for (const k of keys) due.add(k);
      }
      this.lastSlot = slot;
      for (const key of due) {
        const sim = this.pods.get(key);
        if (!sim) continue;
        this.advance(sim, now);
        if (this.pods.has(key)) this.reschedule(sim);
      }
      await Promise.all([this.flush(), ...renewals]);
    } finally {
      this.ticking = false;
    }
  }

  /** Moves a pod's containers along their lifecycle. */
  private advance(sim: SimPod, now: number) {
    if (sim.deletingAt !== undefined) {
      if (now >= sim.deletingAt) {
        const pod = this.podOf(sim);
        this.forget(sim.key);
        if (pod) void this.finishDeletion(pod);
      }
      return;
    }
    for (const c of sim.containers) {
      if (c.readyAt !== undefined && now >= c.readyAt) {
        c.ready = true;
        c.readyAt = undefined;
        this.dirty.add(sim.key);
      }
      if (c.unreadyAt !== undefined && now >= c.unreadyAt) {
        c.ready = false;
        c.unreadyAt = undefined;
        this.probeFailed(sim, c, 'Readiness', now);
        this.dirty.add(sim.key);
      }
      if (c.nextAt === undefined || now < c.nextAt) continue;
      const at = timestamp(new Date(now));
      switch (c.next) {
        case 'start':
        case 'restart':
          this.startContainer(sim, c, now, at);
          break;
        case 'exit':
          this.exitContainer(sim, c, now, at);
          break;
        case 'backoff': {
          // After ErrImagePull the kubelet waits, showing ImagePullBackOff, then retries.
          c.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` };
          const pod = this.podOf(sim);
          if (pod) this.backend.recordEvent(pod, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, sim.node.spec.name);
          c.next = 'pull';
          c.nextAt = now + this.pullBackoff(c) - Math.min(1000, this.pullBackoff(c) / 2);
          break;
        }
        case 'pull':
          c.next = undefined;
          c.nextAt = undefined;
          this.pull(sim, c, now);
          if (c.imageID) this.startNext(sim, now);
          break;
      }
      this.dirty.add(sim.key);
    }
  }

  private probeFailed(sim: SimPod, c: SimContainer, kind: 'Readiness' | 'Liveness', now: number) {
    const probe = probeOf(kind === 'Readiness' ? c.readinessProbe : c.livenessProbe);
    const message = `${kind} probe failed: ${probe?.description ?? 'probe'}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
    c.run?.events.push({ at: now, text: `${kind.toLowerCase()} probe failed` });
    const pod = this.podOf(sim);
    if (pod) this.backend.recordEvent(pod, 'Warning', 'Unhealthy', message, sim.node.spec.name);
  }

  private startContainer(sim: SimPod, c: SimContainer, now: number, at: string) {
    if (c.next === 'restart') c.restartCount++;
    c.state = { kind: 'running', startedAt: at };
    c.containerID = `mockdocker://${sim.uid.slice(0, 8)}${c.name}${c.restartCount}`;
    c.run = { id: `${sim.key}/${c.name}/${c.restartCount}`, image: c.image, startedAt: now, events: [{ at: now, text: `starting ${c.image} (container ${c.name})` }] };
    const pod = this.podOf(sim);
    if (pod) {
      this.backend.recordEvent(pod, 'Normal', 'Created', `Created container ${c.name}`, sim.node.spec.name);
      this.backend.recordEvent(pod, 'Normal', 'Started', `Started container ${c.name}`, sim.node.spec.name);
    }
    const model = c.model!;
    // Readiness and liveness from the probes; init containers are not probed.
    const plan = c.init ? { readyAt: now } : planProbes({ readinessProbe: c.readinessProbe, livenessProbe: c.livenessProbe }, model, now);
    c.ready = plan.readyAt === now;
    c.readyAt = plan.readyAt !== undefined && plan.readyAt > now ? plan.readyAt : undefined;
    c.unreadyAt = plan.unreadyAt;
    // The first of: the workload's own exit, an OOM kill as usage ramps up, a
    // crash drawn from fail-rate (seeded), a liveness kill.
    const exits: { at: number; cause: NonNullable<SimContainer['exitCause']> }[] = [];
    if (model.durationMs !== undefined) exits.push({ at: now + model.durationMs, cause: 'workload' });
    if (c.oom) exits.push({ at: now + Math.min(model.durationMs ?? Infinity, 300), cause: 'oom' });
    if (model.failRatePerMinute > 0) {
      const u = draw(this.options.seed, sim.key, c.name, c.restartCount);
      exits.push({ at: now + (-Math.log(1 - u) / model.failRatePerMinute) * 60_000, cause: 'crash' });
    }
    if (plan.killAt !== undefined) exits.push({ at: plan.killAt, cause: 'liveness' });
    const first = exits.sort((x, y) => x.at - y.at)[0];
    c.next = first ? 'exit' : undefined;
    c.nextAt = first ? Math.round(first.at) : undefined;
    c.exitCause = first?.cause;
  }

  private exitContainer(sim: SimPod, c: SimContainer, now: number, at: string) {
    const cause = c.exitCause ?? 'workload';
    c.exitCause = undefined;
    if (cause === 'liveness') {
      this.probeFailed(sim, c, 'Liveness', now);
      const pod = this.podOf(sim);
      if (pod) this.backend.recordEvent(pod, 'Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`, sim.node.spec.name);
    }
    const code = cause === 'oom' ? 137 : cause === 'liveness' ? 137 : cause === 'fail' || cause === 'crash' ? Math.max(1, c.model?.exitCode ?? 1) : (c.model?.exitCode ?? 0);
    const reason = cause === 'oom' ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error';
    c.run?.events.push({ at: now, text: cause === 'oom' ? 'killed: out of memory' : cause === 'liveness' ? 'killed: failed liveness probe' : cause === 'crash' ? `panic: simulated crash; exiting with code ${code}` : `exiting with code ${code}` });
    if (c.run) c.run.endedAt = now;
    c.state = { kind: 'terminated', exitCode: code, reason, startedAt: c.state.kind === 'running' ? c.state.startedAt : undefined, finishedAt: at };
    c.ready = false;
    c.readyAt = undefined;
    c.unreadyAt = undefined;
    if (c.init && code === 0) {
      c.next = undefined;
      c.nextAt = undefined;
      this.startNext(sim, now);
      return;
    }
    const restart = sim.restartPolicy === 'Always' || (sim.restartPolicy === 'OnFailure' && code !== 0) || (c.init && sim.restartPolicy !== 'Never');
    if (!restart) {
      c.next = undefined;
      c.nextAt = undefined;
      return;
    }
    // First restart is immediate; later ones back off exponentially (CrashLoopBackOff).
    const delay = c.restartCount === 0 ? 0 : Math.min(MAX_BACKOFF_MS, this.options.crashBackoffMs * 2 ** (c.restartCount - 1));
    c.lastState = c.state;
    c.previousRun = c.run;
    c.run = undefined;
    if (delay > 0) {
      c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} pod=${sim.key.split('/')[1]}` };
      const pod = this.podOf(sim);
      if (pod) this.backend.recordEvent(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}`, sim.node.spec.name);
    }
    c.next = 'restart';
    c.nextAt = now + delay;
  }

  /** Writes the status of every pod that changed since the last tick. */
  private async flush() {
    const keys = [...this.dirty];
    this.dirty.clear();
    await Promise.all(keys.map((key) => this.writeStatus(key)));
  }

  private async writeStatus(key: string) {
    const sim = this.pods.get(key);
    if (!sim) return;
    if (sim.node.partitioned) {
      this.dirty.add(key); // written once the partition heals
      return;
    }
    const [ns, name] = key.split('/');
    const pod = this.backend.getPod(ns, name);
    if (!pod || pod.metadata.uid !== sim.uid) return;
    const status = this.statusOf(sim, pod);
    if (JSON.stringify(status) === JSON.stringify(pod.status)) return;
    await this.backend.setPodStatus(pod, status).catch((err) => this.log.warn({ err, pod: key }, 'could not write pod status'));
  }

  private statusOf(sim: SimPod, pod: any) {
    const views = sim.containers.map((c) => ({ ...c, settled: c.next === undefined }));
    return podStatusOf(pod, views, { initDone: sim.initDone, hostIP: nodeIp(sim.node.spec.index), podIP: sim.ip, startTime: sim.startTime });
  }

  /**
   * Simulated usage of a pod's running containers (cpu in millicores, memory
   * in bytes) from their workload model: steady, spiky (±50 % over ~20 s) or
   * ramp (grows to the model's value over a minute); cpu is capped at the
   * container's limit, as CFS throttling would.
   */
  podUsage(pod: any): ContainerUsage[] | undefined {
    const sim = this.pods.get(podKey(pod));
    return sim && this.usageOf(sim);
  }

  private usageOf(sim: SimPod): ContainerUsage[] {
    const now = Date.now();
    return sim.containers
      .filter((c) => !c.init)
      .map((c) => {
        if (c.state.kind !== 'running' || !c.model) return { name: c.name, cpuMilli: 0, memoryBytes: 0, throttledMilli: 0 };
        const up = now - (c.run?.startedAt ?? now);
        const factor = c.model.pattern === 'spiky' ? 1 + 0.5 * Math.sin(up / 3000 + c.name.length) : c.model.pattern === 'ramp' ? Math.min(1, 0.2 + up / 60_000) : 1;
        const demand = Math.round(c.model.cpuMilli * factor);
        const cpu = c.cpuLimitMilli !== undefined ? Math.min(demand, c.cpuLimitMilli) : demand;
        const memory = Math.round(c.model.memoryBytes * (c.model.pattern === 'ramp' ? factor : 1));
        return { name: c.name, cpuMilli: cpu, memoryBytes: memory, throttledMilli: demand - cpu };
      });
  }

  /** A node's usage: its pods plus the node's own overhead (100m cpu, 256Mi). */
  nodeUsage(nodeName: string): { cpuMilli: number; memoryBytes: number } | undefined {
    const node = this.nodes.get(nodeName);
    if (!node || !node.heartbeats) return undefined;
    let cpuMilli = 100;
    let memoryBytes = 256 * 2 ** 20;
    for (const sim of node.pods.values()) {
      for (const c of this.usageOf(sim)) {
        cpuMilli += c.cpuMilli;
        memoryBytes += c.memoryBytes;
      }
    }
    return { cpuMilli, memoryBytes };
  }

  /** Node and pod usage of the given nodes (what a standalone agent reports over its tunnel). */
  usageReport(nodeNames: string[]): Record<string, NodeUsageReport> {
    const out: Record<string, NodeUsageReport> = {};
    for (const name of nodeNames) {
      const node = this.nodes.get(name);
      const usage = this.nodeUsage(name);
      if (!node || !usage) continue;
      const pods: Record<string, ContainerUsage[]> = {};
      for (const [key, sim] of node.pods) pods[key] = this.usageOf(sim);
      out[name] = { node: usage, pods };
    }
    return out;
  }

  /**
   * The pod/log subresource: a container's current (or previous) run's lines
   * after `sinceTime`, the newest `tailLines`; undefined when that run does
   * not exist (not started yet, or no previous instance).
   */
  logs(pod: any, container: string, opts: LogOptions): LogResult | undefined {
    const sim = this.pods.get(podKey(pod));
    const c = sim?.containers.find((x) => x.name === container);
    const run = opts.previous ? c?.previousRun : c?.run;
    if (!run) return undefined;
    const lines = logLines(run, { since: opts.sinceTime, limit: opts.tailLines });
    return { text: formatLines(lines, !!opts.timestamps), cursor: lines.at(-1)?.at ?? opts.sinceTime ?? run.startedAt - 1, runId: run.id, running: run.endedAt === undefined };
  }
}
