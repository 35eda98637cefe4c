import { timestamp } from '../apimachinery/meta.ts';

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

export function stateJson(state: ContainerState) {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: state.startedAt } };
    case 'terminated':
      return { terminated: { exitCode: state.exitCode, reason: state.reason, ...(state.message ? { message: state.message } : {}), ...(state.startedAt ? { startedAt: state.startedAt } : {}), finishedAt: state.finishedAt } };
  }
}

export function podStatusOf(pod: any, containers: ContainerView[], facts: { initDone: boolean; hostIP: string; podIP: string; startTime: string }) {
  const now = timestamp();
  const toStatus = (c: ContainerView) => ({
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
  const initContainerStatuses = init.map((c) => ({ ...toStatus(c), ready: c.state.kind === 'terminated' && c.state.exitCode === 0 }));
  const allReady = containerStatuses.every((c) => c.ready);
  const finished = (c: ContainerView) => c.state.kind === 'terminated' && c.settled;
  const initFailed = init.some((c) => finished(c) && (c.state as { exitCode: number }).exitCode !== 0);
  const terminated = initFailed || app.every(finished);
  const failed = initFailed || app.some((c) => c.state.kind === 'terminated' && c.state.exitCode !== 0);
  const phase = terminated ? (failed ? 'Failed' : 'Succeeded') : facts.initDone && app.some((c) => c.state.kind === 'running' || c.restartCount > 0 || c.lastState) ? 'Running' : 'Pending';
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
