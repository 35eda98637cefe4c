import { planProbes, probeOf } from './runtime/probes.ts';
import type { WorkloadModel } from './runtime/workload.ts';
import type { PodEvents, SimContainer } from './sim-model.ts';

// The kubelet's prober, worked out ahead: at each start the probe plan says
// when the container turns ready, unready, and when liveness kills it; the
// wheel then wakes the pod at those times instead of probing every period.

/**
 * Sets when a container that starts at `now` turns ready and unready, and
 * returns when liveness kills it, if it does. Init containers are not probed.
 */
export function planReadiness(c: SimContainer, model: WorkloadModel, now: number): number | undefined {
  const probes = { readinessProbe: c.readinessProbe, livenessProbe: c.livenessProbe };
  const plan = c.init ? { readyAt: now, unreadyAt: undefined, killAt: undefined } : planProbes(probes, model, now);
  c.ready = plan.readyAt === now;
  c.readyAt = plan.readyAt !== undefined && plan.readyAt > now ? plan.readyAt : undefined;
  c.unreadyAt = plan.unreadyAt;
  return plan.killAt;
}

/** Applies the readiness changes due by `now`; true if one happened. */
export function updateReadiness(c: SimContainer, now: number, event: PodEvents): boolean {
  let changed = false;
  if (c.readyAt !== undefined && now >= c.readyAt) {
    c.ready = true;
    c.readyAt = undefined;
    changed = true;
  }
  if (c.unreadyAt !== undefined && now >= c.unreadyAt) {
    c.ready = false;
    c.unreadyAt = undefined;
    probeFailed(c, 'Readiness', now, event);
    changed = true;
  }
  return changed;
}

/** A failed probe shows in the container's log and as an Unhealthy event, worded like the kubelet's. */
export function probeFailed(c: SimContainer, kind: 'Readiness' | 'Liveness', now: number, event: PodEvents) {
  const probe = probeOf(kind === 'Readiness' ? c.readinessProbe : c.livenessProbe);
  const timeout = 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
  const message = `${kind} probe failed: ${probe?.description ?? 'probe'}: ${timeout}`;
  c.run?.events.push({ at: now, text: `${kind.toLowerCase()} probe failed` });
  event('Warning', 'Unhealthy', message);
}
