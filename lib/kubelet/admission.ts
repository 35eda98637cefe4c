import { timestamp } from '../apimachinery/meta.ts';
import type { Container } from '../apimachinery/generated/kinds.ts';
import { milliCpu, parseQuantity } from '../apimachinery/quantity.ts';
import type { PodObject } from './backend.ts';
import { workloadOf, WorkloadError } from './runtime/workload.ts';
import { pullImage, type PullSettings } from './image-pull.ts';
import { startNext } from './container-lifecycle.ts';
import { podKey, type PodEvents, type SimContainer, type SimNode, type SimPod } from './sim-model.ts';

// A pod's arrival on its node: an IP from the node's pod CIDR, each
// container's workload from the pod's annotations (a malformed one is
// CreateContainerConfigError, and nothing starts), then the image pulls.

function simContainer(c: Container, init: boolean): SimContainer {
  const cpuLimit = c.resources?.limits?.cpu;
  return {
    name: c.name,
    image: c.image ?? '', // validation requires an image; '' only satisfies the optional generated field
    init,
    pullPolicy: c.imagePullPolicy ?? 'IfNotPresent',
    cpuLimitMilli: cpuLimit !== undefined ? milliCpu(cpuLimit) : undefined,
    readinessProbe: c.readinessProbe,
    livenessProbe: c.livenessProbe,
    spec: c,
    pullMs: 0,
    pullFailures: 0,
    oom: false,
    state: { kind: 'waiting', reason: init ? 'PodInitializing' : 'ContainerCreating' },
    restartCount: 0,
    ready: false,
  };
}

/**
 * Admits `pod` to `node`: reserves its IP, pulls its images and schedules
 * the first start. `event` reports on this version of the pod. The caller
 * files the returned pod (maps, wheel, status).
 */
export function admitPod(pod: PodObject, node: SimNode, pull: PullSettings, event: PodEvents): SimPod {
  let ipIndex = 1;
  while (node.usedIps.has(ipIndex) && ipIndex < 254) ipIndex++;
  node.usedIps.add(ipIndex);
  const now = Date.now();
  const spec = pod.spec ?? { containers: [] }; // bound pods always have one
  const initContainers = spec.initContainers ?? [];
  const sim: SimPod = {
    key: podKey(pod),
    uid: pod.metadata.uid,
    annotations: pod.metadata.annotations ?? {},
    node,
    ip: `${node.cidr.base}.${ipIndex}`,
    startTime: timestamp(),
    restartPolicy: spec.restartPolicy ?? 'Always',
    containers: [],
    initDone: initContainers.length === 0,
    volumes: spec.volumes ?? [],
    serviceAccountName: spec.serviceAccountName,
  };
  const specs = [
    ...initContainers.map((c) => ({ c, init: true })),
    ...(spec.containers ?? []).map((c) => ({ c, init: false })),
  ];
  for (const { c, init } of specs) {
    const container = simContainer(c, init);
    sim.containers.push(container);
    try {
      container.model = workloadOf(pod.metadata.annotations, container.image, [
        ...(c.command ?? []),
        ...(c.args ?? []),
      ]);
      // An init container with no duration of its own would never finish and block the pod.
      if (init && container.model.durationMs === undefined) container.model = { ...container.model, durationMs: 500 };
    } catch (err) {
      if (!(err instanceof WorkloadError)) throw err;
      sim.configError = err.message;
      container.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: err.message };
      continue;
    }
    const limit = c.resources?.limits?.memory;
    container.oom = limit !== undefined && container.model.memoryBytes > parseQuantity(limit);
    pullImage(node, container, now, pull, event);
  }
  if (sim.configError) event('Warning', 'Failed', `Error: ${sim.configError}`);
  else startNext(sim, now);
  return sim;
}
