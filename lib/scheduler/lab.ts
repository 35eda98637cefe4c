import { z } from 'zod';
import { schedulerConfigSchema, type SchedulerConfig } from './profiles.ts';
import { createSandbox, seededRandom, type SandboxNode, type SandboxPod } from './sandbox.ts';

// The policy laboratory: replay one workload (pods with arrival times, and a
// node set) under several profiles, each in its own isolated in-memory
// cluster, and compare how the cluster evolves. Deterministic for a seed.

const quantity = z
  .string()
  .regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'must be a quantity like 500m, 2, 512Mi or 8Gi');

export const labRequestSchema = z
  .object({
    profiles: z.array(z.string().min(1)).min(1).max(4),
    seed: z.number().int().default(1),
    nodes: z
      .array(
        z
          .object({
            name: z.string().min(1),
            cpu: quantity,
            memory: quantity,
            pods: z.string().optional(),
            labels: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(2000)
      .optional(),
    /** Generate nodes instead of listing them: count and a mix of sizes. */
    generateNodes: z
      .object({ count: z.number().int().min(1).max(2000) })
      .strict()
      .optional(),
    workload: z
      .array(
        z
          .object({
            atMs: z.number().min(0),
            name: z.string().min(1),
            cpu: quantity.optional(),
            memory: quantity.optional(),
            priority: z.number().int().optional(),
          })
          .strict(),
      )
      .max(20_000)
      .optional(),
    generateWorkload: z
      .object({
        pods: z.number().int().min(1).max(20_000),
        durationMs: z.number().min(0).max(3_600_000).default(60_000),
      })
      .strict()
      .optional(),
    sampleEveryMs: z.number().min(1).default(1000),
  })
  .strict()
  .refine((r) => r.nodes || r.generateNodes, { message: 'give nodes or generateNodes', path: ['nodes'] })
  .refine((r) => r.workload || r.generateWorkload, {
    message: 'give workload or generateWorkload',
    path: ['workload'],
  });

export type LabRequest = z.infer<typeof labRequestSchema>;

export interface LabSample {
  atMs: number;
  entropy: number;
  utilisationStdDev: number;
  pending: number;
  nodesUsed: number;
  scheduled: number;
}

export interface LabResult {
  profile: string;
  samples: LabSample[];
  final: LabSample;
  podsPerSecond: number;
}

/** The answer of POST /apis/entroos.io/v1/scheduler/lab. */
export interface LabRun {
  kind: 'LabResult';
  apiVersion: 'entroos.io/v1';
  seed: number;
  results: LabResult[];
}

const SIZES = [
  { cpu: '2', memory: '4Gi' },
  { cpu: '4', memory: '8Gi' },
  { cpu: '8', memory: '16Gi' },
  { cpu: '16', memory: '64Gi' },
];

function nodesFor(request: LabRequest, random: () => number): SandboxNode[] {
  if (request.nodes) return request.nodes;
  // The schema requires nodes or generateNodes.
  if (!request.generateNodes) throw new Error('a lab request needs nodes or generateNodes');
  return Array.from({ length: request.generateNodes.count }, (_, i) => ({
    name: `node-${i}`,
    ...SIZES[Math.floor(random() * SIZES.length)],
    labels: { zone: `zone-${i % 3}` },
  }));
}

function workloadFor(request: LabRequest, random: () => number): (SandboxPod & { atMs: number })[] {
  if (request.workload) return [...request.workload].sort((a, b) => a.atMs - b.atMs);
  // The schema requires workload or generateWorkload.
  if (!request.generateWorkload) throw new Error('a lab request needs workload or generateWorkload');
  const { pods, durationMs } = request.generateWorkload;
  return Array.from({ length: pods }, (_, i) => ({
    atMs: Math.floor((i / pods) * durationMs),
    name: `pod-${i}`,
    cpu: `${[100, 250, 500, 1000, 2000][Math.floor(random() * 5)]}m`,
    memory: `${[128, 256, 512, 1024, 4096][Math.floor(random() * 5)]}Mi`,
  }));
}

const stdDev = (values: number[]) => {
  if (!values.length) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
};
const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** Runs the workload once per profile. Throws a readable Error for an unknown profile. */
export async function runLab(request: LabRequest, config: SchedulerConfig): Promise<LabResult[]> {
  for (const name of request.profiles) {
    if (!config.profiles.some((p) => p.name === name))
      throw new Error(`unknown profile "${name}" (known: ${config.profiles.map((p) => p.name).join(', ')})`);
  }
  const results: LabResult[] = [];
  for (const profile of request.profiles) {
    const random = seededRandom(request.seed);
    const nodes = nodesFor(request, random);
    const workload = workloadFor(request, random);
    const sandbox = await createSandbox({
      nodes,
      config: schedulerConfigSchema.parse({ ...config, defaultProfile: profile }),
      events: false,
    });
    const samples: LabSample[] = [];
    const sample = (atMs: number): LabSample => {
      const s = sandbox.scheduler;
      const sizes = s.queue.sizes;
      return {
        atMs,
        entropy: r3(s.clusterEntropy()),
        utilisationStdDev: r3(stdDev(s.utilisations())),
        pending: sizes.active + sizes.backoff + sizes.unschedulable,
        nodesUsed: s.nodesInUse(),
        scheduled: s.stats.scheduled,
      };
    };
    const started = performance.now();
    let next = 0;
    // Sample at every step until the last arrival has been sampled too.
    const last = workload.length ? workload[workload.length - 1].atMs : 0;
    const end = Math.ceil(last / request.sampleEveryMs) * request.sampleEveryMs;
    for (let t = 0; t <= end; t += request.sampleEveryMs) {
      while (next < workload.length && workload[next].atMs <= t) await sandbox.addPod(workload[next++]);
      await sandbox.settle();
      samples.push(sample(t));
    }
    const seconds = (performance.now() - started) / 1000;
    sandbox.stop();
    const final = samples[samples.length - 1] ?? sample(0);
    results.push({ profile, samples, final, podsPerSecond: Math.round(final.scheduled / Math.max(seconds, 1e-3)) });
  }
  return results;
}
