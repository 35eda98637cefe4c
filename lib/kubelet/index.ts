import '#server-only';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { ApiServer } from '../apiserver/index.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import type { Store } from '../store/index.ts';
import { NodeFleet } from './fleet.ts';
import { mixedFleet } from './profiles.ts';
import { inProcessBackend } from './backend.ts';
import type { ImageRegistry } from './runtime/registry.ts';
import type { ContainerExecutor } from './executor.ts';

export { NodeFleet } from './fleet.ts';
export type { ContainerExecutor, ExecutionRequest, ExecutionResult } from './executor.ts';

/**
 * The in-process fleet of ENTROOS_NODES simulated nodes, or null for none.
 * Every instance builds it (so node reads have it from the start); only the
 * leader starts it.
 */
export function createFleet(
  config: Config,
  { api, events }: ApiServer,
  log: Logger,
  registry: ImageRegistry,
  executors: readonly ContainerExecutor[] = [],
): NodeFleet | null {
  if (config.nodes === 0) return null;
  return new NodeFleet(inProcessBackend(api, events), log, {
    crashBackoffMs: config.crashBackoffMs,
    leaseSeconds: config.leaseSeconds,
    seed: config.seed,
    pullBytesPerSecond: config.pullBytesPerSecond,
    registry,
    executors,
  });
}

/** Registers the fleet's nodes and, on a fresh store, seeds the demo workloads. */
export async function startFleet(fleet: NodeFleet, config: Config, store: Store, server: ApiServer): Promise<void> {
  await fleet.start(mixedFleet(config.nodes));
  if (config.demo === 'true' && (await store.settings.get('demo.seeded')) === null) {
    await seedDemo(server);
    await store.settings.set('demo.seeded', new Date().toISOString());
  }
}

/** A small living cluster for a first look: a web tier, an API and a batch job that keeps failing. */
async function seedDemo({ api }: ApiServer) {
  const ns = typeByKey('namespaces');
  const deployments = typeByKey('deployments.apps');
  const services = typeByKey('services');
  if (!api.peek(ns, undefined, 'demo')) await api.create(ns, undefined, { metadata: { name: 'demo' } });
  const deployment = (
    name: string,
    replicas: number,
    image: string,
    requests: Record<string, string>,
    annotations: Record<string, string> = {},
  ) => ({
    metadata: { name, namespace: 'demo', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [{ name, image, ports: [{ containerPort: 8080 }], resources: { requests } }] },
      },
    },
  });
  await api.create(
    deployments,
    'demo',
    deployment(
      'web',
      4,
      'nginx:1.27',
      { cpu: '250m', memory: '128Mi' },
      { 'entroos.io/cpu': '120m', 'entroos.io/memory': '90Mi' },
    ),
  );
  await api.create(
    deployments,
    'demo',
    deployment(
      'api',
      3,
      'node:22-alpine',
      { cpu: '500m', memory: '512Mi' },
      { 'entroos.io/cpu': '300m', 'entroos.io/memory': '300Mi', 'entroos.io/pattern': 'spiky' },
    ),
  );
  await api.create(
    deployments,
    'demo',
    deployment(
      'flaky-worker',
      1,
      'python:3.13-slim',
      { cpu: '100m', memory: '64Mi' },
      { 'entroos.io/duration': '20', 'entroos.io/exit-code': '1' },
    ),
  );
  await api.create(services, 'demo', {
    metadata: { name: 'web', namespace: 'demo' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  });
}
