import type { HPAScalingRules } from '../apimachinery/generated/kinds.ts';

// The horizontal pod autoscaler's arithmetic, as kube-controller-manager's
// (pkg/controller/podautoscaler: replica_calculator.go and horizontal.go):
// the replica count one resource metric proposes, and how behavior's
// stabilization windows and rate policies turn proposals into a new scale.
// Pure: time is passed in, so windows are testable without waiting.

/** Changes within this fraction of the target are not acted on (--horizontal-pod-autoscaler-tolerance). */
export const TOLERANCE = 0.1;

/** One pod as the calculation sees it. */
export interface PodSample {
  name: string;
  /** Running and not being deleted; Pending pods count as unready, failed or deleting ones are ignored. */
  phase: string;
  deleting: boolean;
  ready: boolean;
  /** Summed over its containers; undefined when a container names no request for the resource. */
  request: number | undefined;
  /** Summed over its containers; undefined when there is no measurement (yet). */
  usage: number | undefined;
}

export type ResourceTarget =
  { type: 'Utilization'; averageUtilization: number } | { type: 'AverageValue'; averageValue: number };

export interface ReplicaProposal {
  replicas: number;
  /** Average utilization in percent of the request (Utilization targets). */
  utilization?: number;
  /** Average usage per pod (in the resource's unit: millicores or bytes). */
  averageValue: number;
}

export class MetricsError extends Error {}

/**
 * GetResourceReplicas / GetRawResourceReplicas: the replicas one resource metric asks for. Pods without metrics
 * are assumed to use 100 % (or the target, if higher) when scaling down and 0 when scaling up; unready pods 0 when
 * scaling up. A change that the assumptions would reverse, or that is within the tolerance, keeps the count.
 */
export function resourceReplicas(
  current: number,
  pods: PodSample[],
  target: ResourceTarget,
  resource: string,
  tolerance = TOLERANCE,
): ReplicaProposal {
  if (!pods.length) throw new MetricsError('no pods returned by selector while calculating replica count');
  const measured = new Map<string, number>();
  const unready: PodSample[] = [];
  const missing: PodSample[] = [];
  for (const pod of pods) {
    if (pod.deleting || pod.phase === 'Failed' || pod.phase === 'Succeeded') continue;
    if (pod.phase === 'Pending' || (pod.usage !== undefined && !pod.ready && resource === 'cpu')) {
      unready.push(pod);
      continue;
    }
    if (pod.usage === undefined) missing.push(pod);
    else measured.set(pod.name, pod.usage);
  }
  if (!measured.size) throw new MetricsError(`did not receive metrics for targeted pods (pods might be unready)`);
  const requests = new Map<string, number>();
  if (target.type === 'Utilization') {
    for (const pod of pods) {
      if (!measured.has(pod.name) && !missing.includes(pod) && !unready.includes(pod)) continue;
      if (pod.request === undefined || pod.request <= 0)
        throw new MetricsError(`missing request for ${resource} in pod ${pod.name}`);
      requests.set(pod.name, pod.request);
    }
  }
  const ratioOf = (usage: Map<string, number>) => {
    let total = 0;
    let requested = 0;
    for (const [name, value] of usage) {
      total += value;
      requested += requests.get(name) ?? 0;
    }
    if (target.type === 'Utilization') {
      const utilization = Math.trunc((total * 100) / requested);
      return { ratio: utilization / target.averageUtilization, utilization, average: total / usage.size };
    }
    const average = total / usage.size;
    return { ratio: average / target.averageValue, utilization: undefined, average };
  };
  const first = ratioOf(measured);
  const report = (replicas: number): ReplicaProposal => ({
    replicas,
    ...(first.utilization !== undefined ? { utilization: first.utilization } : {}),
    averageValue: first.average,
  });
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && !missing.length) {
    if (Math.abs(1 - first.ratio) <= tolerance) return report(current);
    return report(Math.ceil(first.ratio * measured.size));
  }
  const assumed = new Map(measured);
  if (missing.length) {
    for (const pod of missing) {
      if (first.ratio < 1) {
        // Scaling down: a pod without metrics is assumed to use what the target allows, or all of its request.
        assumed.set(
          pod.name,
          target.type === 'Utilization'
            ? ((pod.request ?? 0) * Math.max(100, target.averageUtilization)) / 100
            : target.averageValue,
        );
      } else if (first.ratio > 1) assumed.set(pod.name, 0);
    }
  }
  if (scaleUpWithUnready) for (const pod of unready) assumed.set(pod.name, 0);
  const second = ratioOf(assumed);
  if (
    Math.abs(1 - second.ratio) <= tolerance ||
    (first.ratio < 1 && second.ratio > 1) ||
    (first.ratio > 1 && second.ratio < 1)
  )
    return report(current);
  const replicas = Math.ceil(second.ratio * assumed.size);
  if ((second.ratio < 1 && replicas > current) || (second.ratio > 1 && replicas < current)) return report(current);
  return report(replicas);
}

// ---------------------------------------------------------------------------------------------------------------
// Behavior: stabilization windows and rate policies
// ---------------------------------------------------------------------------------------------------------------

interface Recommendation {
  replicas: number;
  at: number;
}
interface ScaleEvent {
  change: number;
  at: number;
}

/** What one autoscaler remembers between syncs: recent recommendations and the scale changes it made. */
export class ScaleHistory {
  recommendations: Recommendation[] = [];
  scaleUps: ScaleEvent[] = [];
  scaleDowns: ScaleEvent[] = [];

  /** Records a rescale from `from` to `to` (storeScaleEvent), forgetting events older than the longest policy period. */
  recordScale(from: number, to: number, now: number, longestPeriodSeconds: number) {
    const cutoff = now - longestPeriodSeconds * 1000;
    this.scaleUps = this.scaleUps.filter((e) => e.at > cutoff);
    this.scaleDowns = this.scaleDowns.filter((e) => e.at > cutoff);
    if (to > from) this.scaleUps.push({ change: to - from, at: now });
    else if (to < from) this.scaleDowns.push({ change: from - to, at: now });
  }
}

export interface Normalization {
  replicas: number;
  /** The AbleToScale condition's reason and message when the window changed the recommendation. */
  stabilized?: { reason: string; message: string };
  limited: boolean;
  reason: string;
  message: string;
}

const changeIn = (events: ScaleEvent[], periodSeconds: number, now: number) =>
  events.filter((e) => e.at > now - periodSeconds * 1000).reduce((n, e) => n + e.change, 0);

/** calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimit(current: number, history: ScaleHistory, rules: Required<HPAScalingRules>, now: number) {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start =
      current - changeIn(history.scaleUps, p.periodSeconds, now) + changeIn(history.scaleDowns, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimit(current: number, history: ScaleHistory, rules: Required<HPAScalingRules>, now: number) {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start =
      current - changeIn(history.scaleUps, p.periodSeconds, now) + changeIn(history.scaleDowns, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/**
 * normalizeDesiredReplicasWithBehaviors: the recommendation after the stabilization window (the lowest of the
 * window's recommendations when scaling up, the highest when scaling down) and the rate policies, clamped to
 * [min, max].
 */
export function normalizeWithBehavior(
  history: ScaleHistory,
  args: {
    current: number;
    desired: number;
    min: number;
    max: number;
    scaleUp: Required<HPAScalingRules>;
    scaleDown: Required<HPAScalingRules>;
  },
  now: number,
): Normalization {
  const { current, desired, min, max, scaleUp, scaleDown } = args;
  const up = desired >= current;
  const window = (up ? scaleUp : scaleDown).stabilizationWindowSeconds;
  const longest = Math.max(scaleUp.stabilizationWindowSeconds, scaleDown.stabilizationWindowSeconds);
  let recommendation = desired;
  for (const r of history.recommendations)
    if (r.at > now - window * 1000)
      recommendation = up ? Math.min(recommendation, r.replicas) : Math.max(recommendation, r.replicas);
  history.recommendations = history.recommendations.filter((r) => r.at >= now - longest * 1000);
  history.recommendations.push({ replicas: desired, at: now });
  const stabilized =
    recommendation !== desired
      ? up
        ? {
            reason: 'ScaleUpStabilized',
            message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
          }
        : {
            reason: 'ScaleDownStabilized',
            message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
          }
      : undefined;
  let reason = 'DesiredWithinRange';
  let message = 'the desired count is within the acceptable range';
  let replicas = recommendation;
  if (recommendation > current) {
    const limit = Math.max(current, scaleUpLimit(current, history, scaleUp, now));
    let allowed = max;
    if (allowed > limit) {
      allowed = limit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    } else {
      reason = 'TooManyReplicas';
      message = 'the desired replica count is more than the maximum replica count';
    }
    if (recommendation > allowed) replicas = allowed;
    else [reason, message] = ['DesiredWithinRange', 'the desired count is within the acceptable range'];
  } else if (recommendation < current) {
    const limit = Math.min(current, scaleDownLimit(current, history, scaleDown, now));
    let allowed = min;
    if (allowed < limit) {
      allowed = limit;
      reason = 'ScaleDownLimit';
      message = 'the desired replica count is decreasing faster than the maximum scale rate';
    } else {
      reason = 'TooFewReplicas';
      message = 'the desired replica count is less than the minimum replica count';
    }
    if (recommendation < allowed) replicas = allowed;
    else [reason, message] = ['DesiredWithinRange', 'the desired count is within the acceptable range'];
  }
  // As upstream, the bounds also hold when the recommendation equals the current count outside [min, max].
  if (replicas > max)
    [replicas, reason, message] = [
      max,
      'TooManyReplicas',
      'the desired replica count is more than the maximum replica count',
    ];
  if (replicas < min)
    [replicas, reason, message] = [
      min,
      'TooFewReplicas',
      'the desired replica count is less than the minimum replica count',
    ];
  return { replicas, stabilized, limited: replicas !== recommendation, reason, message };
}
