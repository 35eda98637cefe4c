import type { Container, Probe, Volume } from '../apimachinery/generated/kinds.ts';
import type { ContainerConfig } from './container-config.ts';
import type { EventType } from '../apiserver/events.ts';
import type { LogRun } from './runtime/logs.ts';
import type { WorkloadModel } from './runtime/workload.ts';
import type { NodeSpec } from './profiles.ts';
import type { ContainerState } from './pod-status.ts';
import type { NodeBackend, PodObject } from './backend.ts';

// The agent's own record of its nodes, pods and containers, kept between
// ticks like a kubelet's pod cache: status, usage and logs are all read from
// here, so the API is only written to, never asked, while containers run.

/** CrashLoopBackOff and ImagePullBackOff stop doubling here (5 minutes, as in Kubernetes). */
export const MAX_BACKOFF_MS = 300_000;

/** Why a running container's next exit happens: its workload, a crash (fail-rate), a liveness kill, a fault. */
export type ExitCause = 'workload' | 'crash' | 'liveness' | 'fail' | 'oom';

/** The transition a container waits for until `nextAt`. */
export type NextStep = 'start' | 'exit' | 'restart' | 'pull' | 'backoff';

export interface SimContainer {
  name: string;
  image: string;
  /** An init container: runs to completion, in order, before the others start. */
  init: boolean;
  pullPolicy: string;
  cpuLimitMilli?: number;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  /** Time to pull the image's missing layers, spent before the first start. */
  pullMs: number;
  /** Failed pulls in a row (ImagePullBackOff doubles with each). */
  pullFailures: number;
  /** Simulated memory above the memory limit: the container is OOMKilled shortly after it starts. */
  oom: boolean;
  exitCause?: ExitCause;
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
  next?: NextStep;
  run?: LogRun;
  previousRun?: LogRun;
  /** The container as the pod spec declares it (env, envFrom, volumeMounts are resolved from it at each start). */
  spec: Container;
  /** What the runtime was given at the last start: environment and volume files, Secret values included. Never logged. */
  config?: ContainerConfig;
  /** Starts refused in a row for a missing Secret, ConfigMap or key (the retry waits longer each time). */
  configFailures?: number;
  /** A run by a ContainerExecutor (executor.ts): stops it when the pod is deleted or the node dies. */
  execution?: AbortController;
  /** The exit code the executor's run returned, for the exit it triggered. */
  executedExitCode?: number;
}

export interface SimPod {
  key: string;
  uid: string;
  /** The pod's annotations as admitted (the workload, the executor it asks for). */
  annotations: Readonly<Record<string, string>>;
  node: SimNode;
  ip: string;
  startTime: string;
  restartPolicy: string;
  containers: SimContainer[];
  configError?: string;
  deletingAt?: number;
  initDone: boolean;
  /** The pod's volumes; its secret and configMap volumes are mounted before the first container starts. */
  volumes: Volume[];
  serviceAccountName?: string;
  /** The mounted secret and configMap volumes' files, by volume name, once every one of them could be mounted. */
  mounted?: ReadonlyMap<string, ReadonlyMap<string, Buffer>>;
  mountFailures?: number;
  mountRetryAt?: number;
}

export interface SimNode {
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

/** Records an event about one pod, from its node. */
export type PodEvents = (type: EventType, reason: string, message: string) => void;

/** Enough of a pod to find it: an API object, or the namespace and name of a log request. */
export interface PodRef {
  metadata: { namespace?: string; name: string };
}

export const podKey = (pod: PodRef) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** When the pod next has something due: a container transition, a readiness change, the end of its deletion. */
export function dueTimes(sim: SimPod): number[] {
  const times = sim.containers
    .flatMap((c) => [c.nextAt, c.readyAt, c.unreadyAt])
    .filter((t): t is number => t !== undefined);
  if (sim.deletingAt !== undefined) times.push(sim.deletingAt);
  return times;
}

/** The API's current version of the pod `sim` runs, if it still exists. */
export function currentPod(backend: Pick<NodeBackend, 'getPod'>, sim: SimPod): PodObject | undefined {
  const [ns, name] = sim.key.split('/');
  return backend.getPod(ns, name);
}

/** Events about `sim`'s pod, on the API's current version of it; none once the pod is gone. */
export function podEvents(backend: Pick<NodeBackend, 'getPod' | 'recordEvent'>, sim: SimPod): PodEvents {
  return (type, reason, message) => {
    const pod = currentPod(backend, sim);
    if (pod) backend.recordEvent(pod, type, reason, message, sim.node.spec.name);
  };
}
