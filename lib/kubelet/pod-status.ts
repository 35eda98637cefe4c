import { timestamp } from '../apimachinery/meta.ts';
import type { ContainerStatus, PodCondition, PodStatus } from '../apimachinery/generated/kinds.ts';

// How a kubelet reports a pod: phase, conditions and container statuses from
// the state of its simulated containers.

export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string }
  | { kind: 'terminated'; exitCode: number; reason: string; startedAt?: string; finishedAt: string; message?: string };

/** What pod status needs to know of a container. */
export interface ContainerView {
  name: string;
  image: string;
  init: boolean;
  state: ContainerState;
  lastState?: ContainerState;
  restartCount: number;
  ready: boolean;
  imageID?: string;
  containerID?: string;
  /** No further transition is due (a terminated container that will not restart). */
  settled: boolean;
}

/** A kubelet writes `lastProbeTime: null`, which the generated type (a Time string) cannot say. */
export type ReportedPodCondition = Omit<PodCondition, 'lastProbeTime'> & { lastProbeTime?: string | null };

/** The status this agent writes; `hostIPs` is newer (1.28) than the generated kinds (1.27). */
export type ReportedPodStatus = Omit<PodStatus, 'conditions'> & {
  conditions: ReportedPodCondition[];
  hostIPs: { ip: string }[];
};

export function stateJson(state: ContainerState): NonNullable<ContainerStatus['state']> {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: state.startedAt } };
    case 'terminated':
      return {
        terminated: {
          exitCode: state.exitCode,
          reason: state.reason,
          ...(state.message ? { message: state.message } : {}),
          ...(state.startedAt ? { startedAt: state.startedAt } : {}),
          finishedAt: state.finishedAt,
        },
      };
  }
}

export interface PodFacts {
  initDone: boolean;
  hostIP: string;
  podIP: string;
  startTime: string;
}

export function podStatusOf(
  pod: { status?: PodStatus },
  containers: ContainerView[],
  facts: PodFacts,
): ReportedPodStatus {
  const now = timestamp();
  const toStatus = (c: ContainerView): ContainerStatus => ({
    name: c.name,
    state: stateJson(c.state),
    lastState: c.lastState ? stateJson(c.lastState) : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID ?? '',
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.state.kind === 'running',
  });
  const app = containers.filter((c) => !c.init);
  const init = containers.filter((c) => c.init);
  const containerStatuses = app.map(toStatus);
  const initContainerStatuses = init.map((c) => ({
    ...toStatus(c),
    ready: c.state.kind === 'terminated' && c.state.exitCode === 0,
  }));
  const allReady = containerStatuses.every((c) => c.ready);
  const finished = (c: ContainerView) => c.state.kind === 'terminated' && c.settled;
  const exitedNonZero = (c: ContainerView) => c.state.kind === 'terminated' && c.state.exitCode !== 0;
  const initFailed = init.some((c) => finished(c) && exitedNonZero(c));
  const terminated = initFailed || app.every(finished);
  const failed = initFailed || app.some(exitedNonZero);
  const started = app.some((c) => c.state.kind === 'running' || c.restartCount > 0 || c.lastState);
  const phase = terminated ? (failed ? 'Failed' : 'Succeeded') : facts.initDone && started ? 'Running' : 'Pending';
  const previous: PodCondition[] = pod.status?.conditions ?? [];
  const condition = (type: string, ok: boolean, reason?: string): ReportedPodCondition => {
    const before = previous.find((c) => c.type === type);
    const status = ok ? 'True' : 'False';
    const lastTransitionTime = before?.status === status ? before.lastTransitionTime : now;
    return { type, status, lastProbeTime: null, lastTransitionTime, ...(reason && !ok ? { reason } : {}) };
  };
  const scheduled: ReportedPodCondition = previous.find((c) => c.type === 'PodScheduled') ?? {
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: now,
  };
  return {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', facts.initDone, 'ContainersNotInitialized'),
      condition('Ready', allReady && !terminated, 'ContainersNotReady'),
      condition('ContainersReady', allReady && !terminated, 'ContainersNotReady'),
      scheduled,
    ],
    hostIP: facts.hostIP,
    hostIPs: [{ ip: facts.hostIP }],
    podIP: facts.podIP,
    podIPs: [{ ip: facts.podIP }],
    startTime: facts.startTime,
    ...(init.length ? { initContainerStatuses } : {}),
    containerStatuses,
    qosClass: pod.status?.qosClass,
  };
}
