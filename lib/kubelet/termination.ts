import type { Logger } from 'pino';
import type { NodeBackend, PodObject } from './backend.ts';
import { podKey, type PodEvents, type SimPod } from './sim-model.ts';

// A pod's graceful deletion, as the kubelet runs it: SIGTERM to its
// containers, then — once they stopped, or the grace period ran out — the
// API is told it may drop the pod.

/**
 * SIGTERM: a process that handles it stops within half a second; one that
 * ignores it is killed when the grace period ends. Sets when the pod's
 * containers are gone (`deletingAt`).
 */
export function beginTermination(sim: SimPod, graceSeconds: number | undefined, now: number, event: PodEvents) {
  const grace = Number(graceSeconds ?? 0) * 1000;
  const stubborn = sim.containers.some((c) => c.state.kind === 'running' && c.model?.ignoreSigterm);
  sim.deletingAt = now + (stubborn ? grace : Math.min(grace, 500));
  for (const c of sim.containers) {
    if (c.state.kind !== 'running') continue;
    c.execution?.abort();
    const ignored = stubborn && c.model?.ignoreSigterm;
    c.run?.events.push({
      at: now,
      text: ignored ? 'received SIGTERM, ignoring it' : 'received SIGTERM, shutting down',
    });
  }
  event('Normal', 'Killing', `Stopping container ${sim.containers.map((c) => c.name).join(', ')}`);
}

/** The end of a graceful deletion: the API may now drop the pod. */
export async function finishDeletion(backend: Pick<NodeBackend, 'removePod'>, log: Logger, pod: PodObject) {
  await backend.removePod(pod).catch((err) => log.warn({ err, pod: podKey(pod) }, 'could not finish a pod deletion'));
}
