import type { Logger } from 'pino';
import { timestamp, type KubeObject } from '../orchestrator/meta.ts';
import type { NodeBackend } from './backend.ts';
import { resolveImage } from '../runtime/image.ts';
import { workloadOf, WorkloadError, type WorkloadModel } from '../runtime/workload.ts';
import { milliCpu, parseQuantity } from '../orchestrator/quantity.ts';
import { nodeIp, podCidr, type NodeSpec } from './profiles.ts';

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
}

export const DEFAULT_FLEET_OPTIONS: FleetOptions = { leaseSeconds: 10, crashBackoffMs: 10_000, pullBytesPerSecond: 1024 * 2 ** 20 };

type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string }
  | { kind: 'terminated'; exitCode: number; reason: string; startedAt?: string; finishedAt: string; message?: string };

interface SimContainer {
  name: string;
  image: string;
  /** An init container: runs to completion, in order, before the others start. */
  init: boolean;
  /** Time to pull the image's missing layers, spent before the first start. */
  pullMs: number;
  /** Simulated memory above the memory limit: the container is OOMKilled shortly after it starts. */
  oom: boolean;
  /** A fault injected by an admin for the next exit. */
  forcedExit?: 'fail' | 'oom';
  imageID?: string;
  containerID?: string;
  model?: WorkloadModel;
  state: ContainerState;
  lastState?: ContainerState;
  restartCount: number;
  nextAt?: number;
  next?: 'start' | 'exit' | 'restart';
  logs: string[];
  previousLogs: string[];
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

const podKey = (pod: any) => `${pod.metadata.namespace}/${pod.metadata.name}`;
const MAX_LOG_LINES = 1000;

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
    this.options = { ...DEFAULT_FLEET_OPTIONS, ...options };
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
    this.backend.setHooks?.({ nodeRunsPods: (n) => this.runs(n), podLogs: (pod, container, opts) => this.logs(pod, container, opts) });
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
    c.forcedExit = how;
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
      const grace = Math.min(Number(pod.metadata.deletionGracePeriodSeconds ?? 0), 2) * 1000;
      tracked.deletingAt = Date.now() + Math.min(grace, 500);
      this.reschedule(tracked);
      for (const c of tracked.containers) c.logs.push(`${new Date().toISOString()} received SIGTERM, shutting down`);
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
      const container: SimContainer = { name: c.name, image: c.image, init, pullMs: 0, oom: false, state: { kind: 'waiting', reason: init ? 'PodInitializing' : 'ContainerCreating' }, restartCount: 0, logs: [], previousLogs: [] };
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
      const image = resolveImage(c.image);
      if (!image) {
        container.state = { kind: 'waiting', reason: 'ErrImagePull', message: `failed to pull image "${c.image}": invalid reference format` };
        this.backend.recordEvent(pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": invalid reference format`, node.spec.name);
        continue;
      }
      const missing = image.layers.filter((l) => !node.layers.has(l.digest)).reduce((n, l) => n + l.size, 0);
      container.pullMs = c.imagePullPolicy === 'Never' ? 0 : Math.round((missing / (node.pullBytesPerSecond ?? this.options.pullBytesPerSecond)) * 1000);
      for (const l of image.layers) node.layers.add(l.digest);
      container.imageID = `${image.repository}@${image.digest}`;
      if (container.pullMs > 0) this.backend.recordEvent(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, node.spec.name);
    }
    if (sim.configError) this.backend.recordEvent(pod, 'Warning', 'Failed', `Error: ${sim.configError}`, node.spec.name);
    else this.startNext(sim, now);
    this.pods.set(sim.key, sim);
    node.pods.set(sim.key, sim);
    this.reschedule(sim);
    this.dirty.add(sim.key);
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
    const times = sim.containers.map((c) => c.nextAt).filter((t): t is number => t !== undefined);
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
      if (c.nextAt === undefined || now < c.nextAt) continue;
      const at = timestamp(new Date(now));
      if (c.next === 'start' || c.next === 'restart') this.startContainer(sim, c, now, at);
      else if (c.next === 'exit') this.exitContainer(sim, c, now, at);
      if (c.logs.length > MAX_LOG_LINES) c.logs.splice(0, c.logs.length - MAX_LOG_LINES);
      this.dirty.add(sim.key);
    }
  }

  private startContainer(sim: SimPod, c: SimContainer, now: number, at: string) {
    if (c.next === 'restart') c.restartCount++;
    c.state = { kind: 'running', startedAt: at };
    c.containerID = `mockdocker://${sim.uid.slice(0, 8)}${c.name}${c.restartCount}`;
    c.logs.push(`${new Date(now).toISOString()} starting ${c.image} (container ${c.name})`);
    if (c.restartCount === 0) {
      const pod = this.podOf(sim);
      if (pod) {
        this.backend.recordEvent(pod, 'Normal', 'Created', `Created container ${c.name}`, sim.node.spec.name);
        this.backend.recordEvent(pod, 'Normal', 'Started', `Started container ${c.name}`, sim.node.spec.name);
      }
    }
    // Memory above the limit: the kernel kills it as usage ramps up.
    const lifetime = c.oom ? Math.min(c.model?.durationMs ?? Infinity, 300) : c.model?.durationMs;
    if (lifetime !== undefined) {
      c.next = 'exit';
      c.nextAt = now + lifetime;
    } else {
      c.next = undefined;
      c.nextAt = undefined;
    }
  }

  private exitContainer(sim: SimPod, c: SimContainer, now: number, at: string) {
    const oom = c.oom || c.forcedExit === 'oom';
    const code = oom ? 137 : c.forcedExit === 'fail' ? Math.max(1, c.model?.exitCode ?? 1) : (c.model?.exitCode ?? 0);
    c.forcedExit = undefined;
    c.logs.push(`${new Date(now).toISOString()} ${oom ? 'killed: out of memory' : `exiting with code ${code}`}`);
    c.state = { kind: 'terminated', exitCode: code, reason: oom ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error', startedAt: c.state.kind === 'running' ? c.state.startedAt : undefined, finishedAt: at };
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
    const delay = c.restartCount === 0 ? 0 : Math.min(300_000, this.options.crashBackoffMs * 2 ** (c.restartCount - 1));
    c.lastState = c.state;
    c.previousLogs = c.logs;
    c.logs = [];
    if (delay > 0) {
      c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name}` };
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
    const now = timestamp();
    const toStatus = (c: SimContainer) => ({
      name: c.name,
      state: stateJson(c.state),
      lastState: c.lastState ? stateJson(c.lastState) : {},
      ready: c.state.kind === 'running',
      restartCount: c.restartCount,
      image: c.image,
      imageID: c.imageID ?? '',
      ...(c.containerID ? { containerID: c.containerID } : {}),
      started: c.state.kind === 'running',
    });
    const app = sim.containers.filter((c) => !c.init);
    const init = sim.containers.filter((c) => c.init);
    const containerStatuses = app.map(toStatus);
    const initContainerStatuses = init.map((c) => ({ ...toStatus(c), ready: c.state.kind === 'terminated' && c.state.exitCode === 0 }));
    const allReady = containerStatuses.every((c) => c.ready);
    const finished = (c: SimContainer) => c.state.kind === 'terminated' && c.next === undefined;
    const initFailed = init.some((c) => finished(c) && (c.state as { exitCode: number }).exitCode !== 0);
    const terminated = initFailed || app.every(finished);
    const failed = initFailed || app.some((c) => c.state.kind === 'terminated' && c.state.exitCode !== 0);
    const phase = terminated ? (failed ? 'Failed' : 'Succeeded') : sim.initDone && app.some((c) => c.state.kind === 'running' || c.restartCount > 0 || c.lastState) ? 'Running' : 'Pending';
    const previous: any[] = pod.status?.conditions ?? [];
    const condition = (type: string, ok: boolean, reason?: string) => {
      const before = previous.find((c) => c.type === type);
      const status = ok ? 'True' : 'False';
      return { type, status, lastProbeTime: null, lastTransitionTime: before?.status === status ? before.lastTransitionTime : now, ...(reason && !ok ? { reason } : {}) };
    };
    const scheduled = previous.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
    return {
      phase,
      conditions: [
        condition('PodReadyToStartContainers', true),
        condition('Initialized', sim.initDone, 'ContainersNotInitialized'),
        condition('Ready', allReady && !terminated, 'ContainersNotReady'),
        condition('ContainersReady', allReady && !terminated, 'ContainersNotReady'),
        scheduled,
      ],
      hostIP: nodeIp(sim.node.spec.index),
      hostIPs: [{ ip: nodeIp(sim.node.spec.index) }],
      podIP: sim.ip,
      podIPs: [{ ip: sim.ip }],
      startTime: sim.startTime,
      ...(init.length ? { initContainerStatuses } : {}),
      containerStatuses,
      qosClass: pod.status?.qosClass,
    };
  }

  /**
   * Simulated usage of a pod's running containers (cpu in millicores, memory
   * in bytes) from their workload model: steady, spiky (±50 % over ~20 s) or
   * ramp (grows to the model's value over a minute); cpu is capped at the
   * container's limit, as CFS throttling would.
   */
  podUsage(pod: any): { name: string; cpuMilli: number; memoryBytes: number }[] | undefined {
    const sim = this.pods.get(podKey(pod));
    if (!sim) return undefined;
    const now = Date.now();
    return sim.containers
      .filter((c) => !c.init)
      .map((c) => {
        if (c.state.kind !== 'running' || !c.model) return { name: c.name, cpuMilli: 0, memoryBytes: 0 };
        const up = now - Date.parse(c.state.startedAt);
        const factor = c.model.pattern === 'spiky' ? 1 + 0.5 * Math.sin(up / 3000 + c.name.length) : c.model.pattern === 'ramp' ? Math.min(1, 0.2 + up / 60_000) : 1;
        const spec = (pod.spec?.containers ?? []).find((x: any) => x.name === c.name);
        const limit = spec?.resources?.limits?.cpu;
        let cpu = Math.round(c.model.cpuMilli * factor);
        if (limit !== undefined) cpu = Math.min(cpu, milliCpu(limit));
        const memory = Math.round(c.model.memoryBytes * (c.model.pattern === 'ramp' ? factor : 1));
        return { name: c.name, cpuMilli: cpu, memoryBytes: memory };
      });
  }

  /** A node's usage: its pods plus the node's own overhead (100m cpu, 256Mi). */
  nodeUsage(nodeName: string): { cpuMilli: number; memoryBytes: number } | undefined {
    const node = this.nodes.get(nodeName);
    if (!node || !node.heartbeats) return undefined;
    let cpuMilli = 100;
    let memoryBytes = 256 * 2 ** 20;
    for (const sim of node.pods.values()) {
      const pod = this.podOf(sim);
      for (const c of (pod && this.podUsage(pod)) ?? []) {
        cpuMilli += c.cpuMilli;
        memoryBytes += c.memoryBytes;
      }
    }
    return { cpuMilli, memoryBytes };
  }

  /** The pod/log subresource: a container's log lines (or its previous instance's). */
  logs(pod: any, container: string, opts: { previous?: boolean; tailLines?: number; timestamps?: boolean }): string | undefined {
    const sim = this.pods.get(podKey(pod));
    const c = sim?.containers.find((x) => x.name === container);
    if (!c) return undefined;
    let lines = opts.previous ? c.previousLogs : c.logs;
    if (opts.tailLines !== undefined) lines = lines.slice(-opts.tailLines);
    return lines.map((l) => (opts.timestamps ? l : l.replace(/^\S+ /, ''))).join('\n') + (lines.length ? '\n' : '');
  }
}

function stateJson(state: ContainerState) {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: state.startedAt } };
    case 'terminated':
      return { terminated: { exitCode: state.exitCode, reason: state.reason, ...(state.startedAt ? { startedAt: state.startedAt } : {}), finishedAt: state.finishedAt } };
  }
}
