import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Orchestrator } from '../apiserver/index.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import type { Store } from '../store/index.ts';
import { NodeFleet } from './fleet.ts';
import { mixedFleet } from './profiles.ts';
import { inProcessBackend } from './backend.ts';
import type { ImageRegistry } from './runtime/registry.ts';

export { NodeFleet } from './fleet.ts';

/** Starts the in-process fleet (ENTROOS_NODES nodes) and, on a fresh store, the demo workloads. */
export async function startFleet(config: Config, store: Store, orchestrator: Orchestrator, log: Logger, registry: ImageRegistry): Promise<NodeFleet | undefined> {
  if (config.nodes === 0) return undefined;
  const fleet = new NodeFleet(inProcessBackend(orchestrator.api, orchestrator.events), log, {
    crashBackoffMs: config.crashBackoffMs,
    leaseSeconds: config.leaseSeconds,
    seed: config.seed,
    pullBytesPerSecond: config.pullBytesPerSecond,
    registry,
  });
  await fleet.start(mixedFleet(config.nodes));
  if (config.demo === 'true' && (await store.settings.get('demo.seeded')) === null) {
    await seedDemo(orchestrator);
    await store.settings.set('demo.seeded', new Date().toISOString());
  }
  return fleet;
}

/** A small living cluster for a first look: a web tier, an API and a batch job that keeps failing. */
async function seedDemo({ api }: Orchestrator) {
  const ns = typeByKey('namespaces');
  const deployments = typeByKey('deployments.apps');
  const services = typeByKey('services');
  if (!api.peek(ns, undefined, 'demo')) await api.create(ns, undefined, { metadata: { name: 'demo' } });
  const deployment = (name: string, replicas: number, image: string, requests: Record<string, string>, annotations: Record<string, string> = {}) => ({
    metadata: { name, namespace: 'demo', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, annotations }, spec: { containers: [{ name, image, ports: [{ containerPort: 8080 }], resources: { requests } }] } },
    },
  });
  await api.create(deployments, 'demo', deployment('web', 4, 'nginx:1.27', { cpu: '250m', memory: '128Mi' }, { 'entroos.io/cpu': '120m', 'entroos.io/memory': '90Mi' }));
  await api.create(deployments, 'demo', deployment('api', 3, 'node:22-alpine', { cpu: '500m', memory: '512Mi' }, { 'entroos.io/cpu': '300m', 'entroos.io/memory': '300Mi', 'entroos.io/pattern': 'spiky' }));
  await api.create(deployments, 'demo', deployment('flaky-worker', 1, 'python:3.13-slim', { cpu: '100m', memory: '64Mi' }, { 'entroos.io/duration': '20', 'entroos.io/exit-code': '1' }));
  await api.create(services, 'demo', { metadata: { name: 'web', namespace: 'demo' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
}
