import client from 'prom-client';
import { processGlobal } from '../global.ts';
import { getMetrics } from '../metrics.ts';

export function routerMetrics() {
  return processGlobal('router-metrics', () => {
    const registers = [getMetrics().registry];
    return {
      sockets: new client.Gauge({
        name: 'entroos_router_sockets',
        help: 'Connected dashboard/SDK sockets on this instance',
        registers,
      }),
      subscriptions: new client.Gauge({
        name: 'entroos_router_subscriptions',
        help: 'Active socket subscriptions on this instance',
        registers,
      }),
      eventsIn: new client.Counter({
        name: 'entroos_router_events_in_total',
        help: 'Object changes offered to socket subscriptions',
        registers,
      }),
      eventsOut: new client.Counter({
        name: 'entroos_router_events_out_total',
        help: 'Object changes sent to sockets (after coalescing)',
        registers,
      }),
      coalesced: new client.Counter({
        name: 'entroos_router_events_coalesced_total',
        help: 'Changes merged into a newer change of the same object before sending',
        registers,
      }),
      resyncs: new client.Counter({
        name: 'entroos_router_resyncs_total',
        help: 'Subscriptions told to relist, by reason',
        labelNames: ['reason'] as const,
        registers,
      }),
      refused: new client.Counter({
        name: 'entroos_router_subscriptions_refused_total',
        help: 'Subscriptions refused, by reason',
        labelNames: ['reason'] as const,
        registers,
      }),
      fanoutLatency: new client.Histogram({
        name: 'entroos_router_fanout_latency_seconds',
        help: 'From store commit to the change being written to a socket',
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
        registers,
      }),
    };
  });
}
