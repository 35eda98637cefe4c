// npm run bench:scheduler — the scheduler in-process (no HTTP, no database):
// N nodes (mixed sizes and labels, 10 % tainted) and 10,000 pods with mixed
// requests, scheduled with the Entropy profile; decisions and events recorded.
// Last line: one JSON object of the figures.
import { createSandbox, seededRandom, type SandboxNode } from '../lib/scheduler/sandbox.ts';
import { DEFAULT_SCHEDULER_CONFIG } from '../lib/scheduler/profiles.ts';
import { machine, percentile, round } from './lib.ts';

const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const SIZES = [
  { cpu: '2', memory: '4Gi' },
  { cpu: '4', memory: '8Gi' },
  { cpu: '8', memory: '32Gi' },
  { cpu: '16', memory: '64Gi' },
];

async function run(nodeCount: number, percentage: number) {
  const nodes: SandboxNode[] = Array.from({ length: nodeCount }, (_, i) => ({
    name: `node-${i}`,
    ...SIZES[i % SIZES.length],
    labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}`, 'node.kubernetes.io/instance-type': `m${i % 4}` },
    taints: i % 10 === 0 ? [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] : [],
  }));
  const config = {
    ...DEFAULT_SCHEDULER_CONFIG,
    profiles: DEFAULT_SCHEDULER_CONFIG.profiles.map((p) => ({ ...p, percentageOfNodesToScore: percentage })),
  };
  // Create the pods before the scheduler starts, then time how fast it drains them.
  const sandbox = await createSandbox({ nodes, config, start: false });
  const random = seededRandom(42);
  for (let i = 0; i < PODS; i++) {
    await sandbox.addPod({
      name: `pod-${i}`,
      cpu: `${[100, 250, 500, 1000][Math.floor(random() * 4)]}m`,
      memory: `${[128, 256, 512, 2048][Math.floor(random() * 4)]}Mi`,
    });
  }
  const scheduler = sandbox.scheduler;
  const started = performance.now();
  scheduler.start();
  while (scheduler.stats.scheduled + scheduler.stats.failed < PODS) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - started) / 1000;
  scheduler.stop();
  const latency = [...scheduler.stats.latencyMs].sort((a, b) => a - b);
  const result = {
    podsPerS: round(PODS / seconds),
    p50: round(percentile(latency, 50), 3),
    p99: round(percentile(latency, 99), 3),
  };
  console.log(
    `${nodeCount} nodes, percentageOfNodesToScore=${percentage || 'default'}: ${result.podsPerS} pods/s, attempt p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
      `${scheduler.stats.scheduled} scheduled, ${scheduler.stats.failed} unschedulable attempts, cluster entropy ${round(scheduler.clusterEntropy(), 2)}`,
  );
  return result;
}

async function main() {
  console.log(`bench:scheduler on ${machine()}; ${PODS} pods, Entropy profile, decisions and events recorded`);
  const a = await run(1000, 100);
  const b = await run(5000, 100);
  const c = await run(5000, 0);
  const target = 2000;
  console.log(
    `target ≥ ${target} pods/s at 5,000 nodes with all nodes scored: ${b.podsPerS >= target ? 'met' : 'NOT met'} (${b.podsPerS}); kube-scheduler's CI floor is 680`,
  );
  console.log(
    JSON.stringify({
      pods_per_s_1000_nodes: a.podsPerS,
      pods_per_s_5000_nodes: b.podsPerS,
      p99_ms_5000_nodes: b.p99,
      pods_per_s_5000_nodes_default_pct: c.podsPerS,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
