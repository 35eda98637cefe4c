import client from 'prom-client';
import { getMetrics } from '../metrics.ts';
import type { DecisionDetail } from './decisions.ts';
import type { Scheduler } from './scheduler.ts';

/** Registers the scheduler's metrics on /metrics; returns the per-decision hook. */
export function instrumentScheduler(scheduler: Scheduler): (d: DecisionDetail) => void {
  const { registry } = getMetrics();
  for (const name of [
    'entroos_scheduler_attempts_total',
    'entroos_scheduler_attempt_duration_seconds',
    'entroos_scheduler_e2e_duration_seconds',
    'entroos_scheduler_queue_pods',
    'entroos_scheduler_cluster_entropy',
  ]) {
    registry.removeSingleMetric(name);
  }
  const attempts = new client.Counter({
    name: 'entroos_scheduler_attempts_total',
    help: 'Scheduling attempts by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const attempt = new client.Histogram({
    name: 'entroos_scheduler_attempt_duration_seconds',
    help: 'Time to filter and score one pod',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const e2e = new client.Histogram({
    name: 'entroos_scheduler_e2e_duration_seconds',
    help: 'From pod creation to a scheduling decision (creation timestamps have 1 s resolution)',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  new client.Gauge({
    name: 'entroos_scheduler_queue_pods',
    help: 'Pods waiting in each scheduling queue',
    labelNames: ['queue'],
    registers: [registry],
    collect() {
      for (const [queue, size] of Object.entries(scheduler.queue.sizes)) this.set({ queue }, size);
    },
  });
  new client.Gauge({
    name: 'entroos_scheduler_cluster_entropy',
    help: 'Entropy of cluster utilisation, scaled 0..100',
    registers: [registry],
    collect() {
      this.set(scheduler.clusterEntropy());
    },
  });
  return (d) => {
    attempts.inc({ result: d.result });
    attempt.observe(d.durationMs / 1000);
    const created = Date.parse(d.createdAt ?? '');
    if (d.result === 'Scheduled' && Number.isFinite(created)) e2e.observe(Math.max(0, (Date.now() - created) / 1000));
  };
}
