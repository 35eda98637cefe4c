import type { Logger } from 'pino';
import type { NodeBackend, PodObject } from './backend.ts';
import { nodeIp } from './profiles.ts';
import { podStatusOf, type ReportedPodStatus } from './pod-status.ts';
import type { SimPod } from './sim-model.ts';

// The kubelet's status manager: a container transition only marks its pod,
// and each tick writes every marked pod once, so a burst of transitions is
// one write and an unchanged status none.

export class StatusManager {
  private dirty = new Set<string>();

  constructor(
    private backend: Pick<NodeBackend, 'getPod' | 'setPodStatus'>,
    private log: Logger,
    private pods: ReadonlyMap<string, SimPod>,
  ) {}

  mark(key: string) {
    this.dirty.add(key);
  }

  forget(key: string) {
    this.dirty.delete(key);
  }

  /** Writes the status of every pod marked since the last flush. */
  async flush() {
    const keys = [...this.dirty];
    this.dirty.clear();
    await Promise.all(keys.map((key) => this.write(key)));
  }

  private async write(key: string) {
    const sim = this.pods.get(key);
    if (!sim) return;
    if (sim.node.partitioned) {
      this.dirty.add(key); // written once the partition heals
      return;
    }
    const [ns, name] = key.split('/');
    const pod = this.backend.getPod(ns, name);
    if (!pod || pod.metadata.uid !== sim.uid) return;
    const status = statusOf(sim, pod);
    if (JSON.stringify(status) === JSON.stringify(pod.status)) return;
    await this.backend
      .setPodStatus(pod, status)
      .catch((err) => this.log.warn({ err, pod: key }, 'could not write pod status'));
  }
}

function statusOf(sim: SimPod, pod: PodObject): ReportedPodStatus {
  const views = sim.containers.map((c) => ({ ...c, settled: c.next === undefined }));
  const hostIP = nodeIp(sim.node.spec.index);
  return podStatusOf(pod, views, { initDone: sim.initDone, hostIP, podIP: sim.ip, startTime: sim.startTime });
}
