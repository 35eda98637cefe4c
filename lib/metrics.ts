import client from 'prom-client';
import { processGlobal } from './global.ts';

export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<'method' | 'route' | 'code'>;
  httpDuration: client.Histogram<'method' | 'route' | 'code'>;
}

export function getMetrics(): Metrics {
  return processGlobal('metrics', () => {
    const registry = new client.Registry();
    client.collectDefaultMetrics({
      register: registry,
      prefix: 'entroos_',
      // Finer than prom-client's (1, 10, 100 ms …): the pauses worth finding on a request path are 2–50 ms.
      gcDurationBuckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    });
    return {
      registry,
      httpRequests: new client.Counter({
        name: 'entroos_http_requests_total',
        help: 'HTTP requests by method, route and status code',
        labelNames: ['method', 'route', 'code'],
        registers: [registry],
      }),
      httpDuration: new client.Histogram({
        name: 'entroos_http_request_duration_seconds',
        help: 'HTTP request latency by method, route and status code',
        labelNames: ['method', 'route', 'code'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    };
  });
}

const NAME_AFTER = new Set([
  'namespaces',
  'tokens',
  'users',
  'pods',
  'nodes',
  'deployments',
  'replicasets',
  'services',
  'endpoints',
  'events',
  'configmaps',
  'secrets',
  'leases',
]);

/**
 * A low-cardinality route label for a path: object names become {name},
 * dashboard pages become "page" and Next's assets "static".
 */
export function routeLabel(pathname: string): string {
  if (pathname.startsWith('/_next/')) return 'static';
  if (pathname === '/socket.io' || pathname.startsWith('/socket.io/')) return '/socket.io';
  const segments = pathname.split('/').filter(Boolean);
  const head = segments[0];
  if (
    head !== 'api' &&
    head !== 'apis' &&
    head !== 'metrics' &&
    !/^(healthz|readyz|livez|version|openapi)$/.test(head ?? '')
  )
    return 'page';
  if (segments[1] === 'auth') return '/api/auth';
  const out: string[] = [];
  for (let i = 0; i < segments.length && i < 12; i++) {
    const previous = segments[i - 1];
    out.push(previous && NAME_AFTER.has(previous) ? '{name}' : segments[i]);
  }
  return '/' + out.join('/');
}
