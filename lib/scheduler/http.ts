import { notFound } from '../apimachinery/errors.ts';
import type { Scheduler } from './scheduler.ts';
import { percentile } from '../apimachinery/stats.ts';

/** The scheduler's state for the API and dashboard. */
export function schedulerStatus(scheduler: Scheduler) {
  const latency = [...scheduler.stats.latencyMs].sort((a, b) => a - b);
  return {
    kind: 'SchedulerStatus',
    apiVersion: 'entroos.io/v1',
    config: scheduler.profiles,
    queue: scheduler.queue.sizes,
    nodes: scheduler.nodeCount(),
    clusterEntropy: Math.round(scheduler.clusterEntropy() * 100) / 100,
    totals: {
      attempts: scheduler.stats.attempts,
      scheduled: scheduler.stats.scheduled,
      unschedulable: scheduler.stats.failed,
      bindErrors: scheduler.stats.bindErrors,
    },
    attemptLatencyMs: { p50: percentile(latency, 50), p99: percentile(latency, 99) },
  };
}

export function decisionFor(scheduler: Scheduler, pod: string) {
  const decision = scheduler.decisions.forPod(pod);
  if (!decision) throw notFound(`no scheduling decision recorded for pod "${pod}"`);
  return decision;
}
