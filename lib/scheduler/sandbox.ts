import pino from 'pino';
import { WatchCache } from '../store/watch-cache.ts';
import { ObjectApi } from '../apiserver/object-api.ts';
import { EventRecorder } from '../apiserver/events.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { DEFAULT_SCHEDULER_CONFIG, type SchedulerConfig } from './profiles.ts';
import { Scheduler } from './scheduler.ts';

// An isolated in-memory cluster (watch cache without a database, the object
// API and a scheduler): the policy laboratory, the property tests and the
// scheduler benchmark run the real scheduler in it.

export interface SandboxNode {
  name: string;
  cpu: string;
  memory: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
}

export interface SandboxPod {
  name: string;
  cpu?: string;
  memory?: string;
  priority?: number;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  annotations?: Record<string, string>;
}

const NODES = typeByKey('nodes');
const PODS = typeByKey('pods');

export interface Sandbox {
  api: ObjectApi;
  scheduler: Scheduler;
  addPod(pod: SandboxPod): Promise<void>;
  /** Resolves when the scheduler has nothing runnable left. */
  settle(): Promise<void>;
  stop(): void;
}

export async function createSandbox(options: {
  nodes: SandboxNode[];
  config?: SchedulerConfig;
  events?: boolean;
  /** false: call sandbox.scheduler.start() yourself (e.g. after adding pods). */ start?: boolean;
}): Promise<Sandbox> {
  const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 1000, persist: async () => {} });
  const api = new ObjectApi(cache);
  const events = new EventRecorder(api);
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  for (const n of options.nodes) {
    await api.create(NODES, undefined, {
      metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, ...n.labels } },
      spec: { ...(n.taints?.length ? { taints: n.taints } : {}), ...(n.unschedulable ? { unschedulable: true } : {}) },
      status: {
        capacity: { cpu: n.cpu, memory: n.memory, pods: n.pods ?? '110' },
        allocatable: { cpu: n.cpu, memory: n.memory, pods: n.pods ?? '110' },
      },
    });
  }
  const recorder = options.events === false ? ({ record: () => {} } as unknown as EventRecorder) : events;
  const scheduler = new Scheduler({
    api,
    events: recorder,
    log: pino({ level: 'silent' }),
    config: options.config ?? DEFAULT_SCHEDULER_CONFIG,
  });
  if (options.start !== false) scheduler.start();
  return {
    api,
    scheduler,
    addPod: async (p) => {
      await api.create(PODS, 'default', {
        metadata: { name: p.name, namespace: 'default', labels: p.labels, annotations: p.annotations },
        spec: {
          priority: p.priority ?? 0,
          nodeSelector: p.nodeSelector,
          tolerations: p.tolerations,
          containers: [
            {
              name: 'c',
              image: 'nginx',
              resources: { requests: { ...(p.cpu ? { cpu: p.cpu } : {}), ...(p.memory ? { memory: p.memory } : {}) } },
            },
          ],
        },
      });
    },
    settle: async () => {
      do await new Promise((r) => setImmediate(r));
      while (!scheduler.isIdle());
    },
    stop: () => scheduler.stop(),
  };
}

/** A small deterministic random generator (LCG) for seeded workloads. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
