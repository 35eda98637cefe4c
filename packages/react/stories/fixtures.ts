import type { KubeObject, Node, NodeDetail, Pod, SchedulingDecision } from '@entroos/client';
import type { KindSchema, NodeCell } from '../src/index.ts';

// Fixture data for the stories: made here, deterministic (a seeded generator), no server.

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const CREATED = '2026-12-01T08:00:00Z';

export function fixtureNodes(count: number, seed = 7): Node[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const ready = random() > 0.06;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${String(i + 1).padStart(3, '0')}`, uid: `node-uid-${i}`, creationTimestamp: CREATED },
      spec: { unschedulable: random() > 0.95 },
      status: {
        allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    };
  });
}

export function fixtureNodeCells(count: number, seed = 11): NodeCell[] {
  const random = seeded(seed);
  return fixtureNodes(count, seed).map((n) => ({
    name: n.metadata?.name ?? '',
    cpu: random() ** 1.4 * 1.05,
    memory: random(),
    ready: n.status?.conditions?.[0]?.status === 'True',
    unschedulable: n.spec?.unschedulable,
    pods: Math.floor(random() * 60),
  }));
}

/** metrics.k8s.io usage for the nodes, different at each call (a live heat-map's refresh). */
export function nodeMetrics(nodes: Node[], random = Math.random) {
  return {
    kind: 'NodeMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    items: nodes.map((n) => ({
      metadata: { name: n.metadata?.name },
      usage: { cpu: `${Math.round(random() * 8000)}m`, memory: `${Math.round(random() * 32 * 1024)}Mi` },
    })),
  };
}

const PHASES: { phase: string; waiting?: string; ready: boolean }[] = [
  { phase: 'Running', ready: true },
  { phase: 'Running', ready: true },
  { phase: 'Running', ready: true },
  { phase: 'Running', ready: false },
  { phase: 'Pending', waiting: 'ContainerCreating', ready: false },
  { phase: 'Running', waiting: 'CrashLoopBackOff', ready: false },
  { phase: 'Succeeded', ready: false },
  { phase: 'Pending', ready: false },
  { phase: 'Failed', ready: false },
];

export function fixturePods(count: number, seed = 3): Pod[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const state = PHASES[Math.floor(random() * PHASES.length)];
    const namespace = ['default', 'shop', 'batch'][i % 3];
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `web-${i.toString(36).padStart(4, '0')}`,
        namespace,
        uid: `pod-uid-${i}`,
        creationTimestamp: new Date(Date.parse(CREATED) - Math.floor(random() * 86_400_000 * 3)).toISOString(),
      },
      spec: {
        containers: [{ name: 'web', image: 'nginx:1.27' }],
        nodeName: `node-${String((i % 48) + 1).padStart(3, '0')}`,
      },
      status: {
        phase: state.phase,
        containerStatuses: [
          {
            name: 'web',
            image: 'nginx:1.27',
            imageID: '',
            restartCount: 0,
            ready: state.ready,
            state: state.waiting ? { waiting: { reason: state.waiting } } : { running: { startedAt: CREATED } },
          },
        ],
      },
    };
  });
}

export const samples: Record<string, KubeObject> = {
  runningPod: { ...fixturePods(1)[0] },
  crashingPod: {
    kind: 'Pod',
    status: {
      phase: 'Running',
      containerStatuses: [{ ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    },
  },
  unschedulablePod: {
    kind: 'Pod',
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
  },
  completedPod: { kind: 'Pod', status: { phase: 'Succeeded' } },
  readyNode: { kind: 'Node', status: { conditions: [{ type: 'Ready', status: 'True' }] } },
  cordonedNode: {
    kind: 'Node',
    spec: { unschedulable: true },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  },
  notReadyNode: { kind: 'Node', status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
  partialDeployment: { kind: 'Deployment', spec: { replicas: 3 }, status: { replicas: 3, readyReplicas: 1 } },
  terminating: { kind: 'Namespace', metadata: { deletionTimestamp: CREATED }, status: { phase: 'Terminating' } },
};

const PLUGINS = ['NodeResourcesFit', 'BalancedAllocation', 'Entropy', 'TaintToleration'];

export function fixtureDecision(nodes = 12): SchedulingDecision {
  const random = seeded(42);
  const detail: NodeDetail[] = Array.from({ length: nodes }, (_, i): NodeDetail => {
    const node = `node-${String(i + 1).padStart(3, '0')}`;
    if (i % 5 === 3)
      return {
        node,
        feasible: false,
        plugin: i % 2 ? 'NodeResourcesFit' : 'TaintToleration',
        reason: i % 2 ? 'Insufficient cpu' : 'node(s) had untolerated taint {dedicated: gpu}',
      };
    const scores = Object.fromEntries(
      PLUGINS.map((p) => {
        const normalized = Math.round(random() * 1000) / 10;
        return [p, { raw: normalized / 100, normalized, weight: p === 'Entropy' ? 2 : 1 }];
      }),
    );
    const total = Object.values(scores).reduce((sum, s) => sum + s.normalized * s.weight, 0);
    return { node, feasible: true, scores, total, entropyAfter: 2.2 + random() * 0.2 };
  });
  const best = detail.filter((d) => d.feasible).sort((a, b) => (b.total ?? 0) - (a.total ?? 0))[0];
  return {
    pod: 'shop/checkout-7d9f',
    uid: 'pod-uid-checkout',
    profile: 'entropy',
    at: CREATED,
    result: 'Scheduled',
    node: best.node,
    message: `bound to ${best.node}`,
    nodes,
    evaluated: nodes,
    feasible: detail.filter((d) => d.feasible).length,
    filterReasons: { 'Insufficient cpu': 1, 'node(s) had untolerated taint {dedicated: gpu}': 1 },
    top: detail
      .filter((d) => d.feasible)
      .slice(0, 3)
      .map((d) => ({ node: d.node, score: d.total ?? 0, entropyAfter: d.entropyAfter })),
    entropyBefore: 2.21,
    entropyAfter: best.entropyAfter,
    durationMs: 0.84,
    detail,
  };
}

export const unschedulableDecision: SchedulingDecision = {
  pod: 'batch/train-0',
  uid: 'pod-uid-train',
  profile: 'entropy',
  at: CREATED,
  result: 'Unschedulable',
  message: '0/48 nodes are available: 40 Insufficient memory, 8 node(s) had untolerated taint {dedicated: gpu}.',
  nodes: 48,
  evaluated: 48,
  feasible: 0,
  filterReasons: { 'Insufficient memory': 40, 'node(s) had untolerated taint {dedicated: gpu}': 8 },
  top: [],
  entropyBefore: 3.61,
  durationMs: 1.9,
};

/** A custom resource's schema, as a CRD's openAPIV3Schema arrives in /openapi/v3: every kind of field. */
export const cronTabSchema: KindSchema = {
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  namespaced: true,
  definitions: {
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
      type: 'object',
      description: 'Standard object metadata.',
      properties: {
        name: { type: 'string', description: 'Name must be unique within a namespace.' },
        generateName: { type: 'string', description: 'A prefix the server uses to generate a unique name.' },
        namespace: { type: 'string', description: 'The namespace the object lives in.' },
        labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels to select it by.' },
        annotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Free-form notes.' },
        uid: { type: 'string' },
        resourceVersion: { type: 'string' },
      },
    },
  },
  schema: {
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      spec: {
        type: 'object',
        description: 'What the CronTab should run and when.',
        required: ['cronSpec', 'image'],
        properties: {
          cronSpec: {
            type: 'string',
            description: 'When to run, in cron syntax.',
            pattern: '^(\\S+\\s+){4}\\S+$',
          },
          image: { type: 'string', description: 'The container image to run.', minLength: 1 },
          replicas: { type: 'integer', minimum: 1, maximum: 10, description: 'How many copies run at once.' },
          concurrencyPolicy: {
            type: 'string',
            enum: ['Allow', 'Forbid', 'Replace'],
            description: 'What to do when the previous run has not finished.',
          },
          suspend: { type: 'boolean', description: 'Pause future runs.' },
          port: { 'x-kubernetes-int-or-string': true, description: 'A port number or name.' },
          memory: {
            $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity',
            description: 'Memory each run may use.',
          },
          env: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'Environment variables for the container.',
          },
          args: { type: 'array', items: { type: 'string' }, description: 'Arguments to the entrypoint.' },
          targets: {
            type: 'array',
            minItems: 1,
            description: 'Where results are sent.',
            items: {
              type: 'object',
              required: ['url'],
              properties: {
                url: { type: 'string', description: 'The endpoint.', pattern: '^https?://' },
                timeoutSeconds: { type: 'number', exclusiveMinimum: true, minimum: 0 },
              },
            },
          },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'Anything else.' },
        },
      },
      status: { type: 'object', properties: { lastRun: { type: 'string' } } },
    },
  },
};
cronTabSchema.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {
  type: 'string',
  description: 'A fixed-point number with an optional unit.',
};
