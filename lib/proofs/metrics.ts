import client from 'prom-client';
import { processGlobal } from '../global.ts';
import { getMetrics } from '../metrics.ts';

export function proofMetrics() {
  return processGlobal('proof-metrics', () => {
    const registers = [getMetrics().registry];
    return {
      queued: new client.Gauge({
        name: 'entroos_proofs_queue_placements',
        help: 'Bindings waiting to be proved',
        registers,
      }),
      proved: new client.Counter({
        name: 'entroos_proofs_placements_total',
        help: 'Placements by outcome (proved, failed, skipped)',
        labelNames: ['result'] as const,
        registers,
      }),
      proofs: new client.Counter({
        name: 'entroos_proofs_total',
        help: 'Proofs made, by circuit',
        labelNames: ['circuit'] as const,
        registers,
      }),
      proveSeconds: new client.Histogram({
        name: 'entroos_proofs_prove_seconds',
        help: 'Time to prove one proof, by circuit',
        labelNames: ['circuit'] as const,
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
        registers,
      }),
      verifySeconds: new client.Histogram({
        name: 'entroos_proofs_verify_seconds',
        help: 'Time to verify a request (one or a batch of proofs)',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      }),
    };
  });
}
