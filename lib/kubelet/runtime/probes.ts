import type { Container, Probe as ProbeSpec } from '../../apimachinery/generated/kinds.ts';
import type { WorkloadModel } from './workload.ts';

// Probes, simulated: the kubelet probes at initialDelay + k·period after the
// container starts; the simulated process answers from `ready-after` on and
// stops answering at `hang-after` (workload annotations). From those and the
// probe settings this works out, once per start, when the container becomes
// ready, when it turns unready and when liveness kills it.

export interface Probe {
  initialDelayMs: number;
  periodMs: number;
  failureThreshold: number;
  successThreshold: number;
  /** What the probe checks, for messages ("HTTP probe /healthz", "exec probe"). */
  description: string;
}

function describe(spec: ProbeSpec): string {
  if (spec.httpGet) return `HTTP probe ${spec.httpGet.path ?? '/'} on port ${spec.httpGet.port}`;
  if (spec.tcpSocket) return `TCP probe on port ${spec.tcpSocket.port}`;
  if (spec.grpc) return `gRPC probe on port ${spec.grpc.port}`;
  return 'exec probe';
}

export function probeOf(spec: ProbeSpec | undefined): Probe | undefined {
  // Pods reach agents as JSON; a probe that is not an object is treated as none.
  if (!spec || typeof spec !== 'object') return undefined;
  const description = describe(spec);
  return {
    initialDelayMs: Math.max(0, Number(spec.initialDelaySeconds ?? 0)) * 1000,
    periodMs: Math.max(1, Number(spec.periodSeconds ?? 10)) * 1000,
    failureThreshold: Math.max(1, Number(spec.failureThreshold ?? 3)),
    successThreshold: Math.max(1, Number(spec.successThreshold ?? 1)),
    description,
  };
}

export interface ProbePlan {
  /** When the container turns ready (the start itself without a readiness probe); absent: never. */
  readyAt?: number;
  /** When a failing readiness probe marks it unready. */
  unreadyAt?: number;
  /** When a failing liveness probe has the kubelet restart it. */
  killAt?: number;
  readiness?: Probe;
  liveness?: Probe;
}

/** The first probe at or after `t` (probes run at start + initialDelay + k·period). */
function probeAtOrAfter(start: number, probe: Probe, t: number): number {
  const first = start + probe.initialDelayMs;
  return first + Math.max(0, Math.ceil((t - first) / probe.periodMs)) * probe.periodMs;
}

export function planProbes(
  container: Pick<Container, 'readinessProbe' | 'livenessProbe'>,
  model: WorkloadModel,
  start: number,
): ProbePlan {
  const readiness = probeOf(container.readinessProbe);
  const liveness = probeOf(container.livenessProbe);
  const hangAt = model.hangAfterMs === undefined ? Infinity : start + model.hangAfterMs;
  const plan: ProbePlan = { readiness, liveness };
  if (!readiness) plan.readyAt = start;
  else {
    const firstOk = probeAtOrAfter(start, readiness, start + model.readyAfterMs);
    const readyAt = firstOk + (readiness.successThreshold - 1) * readiness.periodMs;
    if (readyAt < hangAt) plan.readyAt = readyAt;
    if (hangAt !== Infinity && plan.readyAt !== undefined) {
      const failed = probeAtOrAfter(start, readiness, hangAt) + (readiness.failureThreshold - 1) * readiness.periodMs;
      plan.unreadyAt = Math.max(failed, plan.readyAt ?? 0);
    }
  }
  if (liveness) {
    // A process that answers too late is killed before it ever answers (a slow start)…
    const slowStartKill = start + liveness.initialDelayMs + (liveness.failureThreshold - 1) * liveness.periodMs;
    if (slowStartKill < start + model.readyAfterMs) plan.killAt = slowStartKill;
    // …and one that hangs, failureThreshold probes after it stops answering.
    else if (hangAt !== Infinity) {
      plan.killAt = probeAtOrAfter(start, liveness, hangAt) + (liveness.failureThreshold - 1) * liveness.periodMs;
    }
  }
  return plan;
}
