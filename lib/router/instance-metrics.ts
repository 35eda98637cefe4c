import client from 'prom-client';
import { processGlobal } from '../global.ts';
import { getMetrics } from '../metrics.ts';
import type { Role } from './router.ts';

// What an operator of several instances alerts on (deploy/prometheus/alerts.yml): which instance leads, how far
// each instance's watch cache has got, and store commits that failed. Read when scraped, so nothing is counted
// on the write path but the failures.

/** Store commits that failed (their writes were reverted and the writers got an error). */
export function commitFailures(): client.Counter {
  return processGlobal(
    'instance-metrics.commit-failures',
    () =>
      new client.Counter({
        name: 'entroos_store_commit_failures_total',
        help: 'Group commits of API objects that failed; their writes were reverted',
        registers: [getMetrics().registry],
      }),
  );
}

/** Registers the gauges that read this instance's role and watch cache on each scrape. */
export function instrumentInstance(router: { readonly role: Role }, objects: { readonly resourceVersion: number }) {
  const { registry } = getMetrics();
  for (const name of ['entroos_leader', 'entroos_store_resource_version']) registry.removeSingleMetric(name);
  new client.Gauge({
    name: 'entroos_leader',
    help: '1 while this instance holds the leader lease (runs the scheduler and controllers, commits writes), else 0',
    registers: [registry],
    collect() {
      this.set(router.role === 'leader' ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'entroos_store_resource_version',
    help: "Newest resourceVersion in this instance's watch cache (a follower behind the leader's is lagging)",
    registers: [registry],
    collect() {
      this.set(objects.resourceVersion);
    },
  });
  commitFailures();
}
