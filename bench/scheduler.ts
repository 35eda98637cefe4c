// npm run bench:scheduler — the scheduler in-process (no HTTP, no database):
// N nodes (mixed sizes and labels, 10 % tainted) and 10,000 pods with mixed
// requests, scheduled with the Entropy profile; decisions and events recorded.
// Each size runs BENCH_RUNS (3) times; figures are medians with min–max. Beside
// each run a fixed reference workload (reference() below) is timed, and the
// scheduler's rate is also given as a ratio to it, which does not depend on
// how fast or how busy the machine is: a fall in the ratio is a regression.
// Last line: one JSON object of the figures.
import { createSandbox, seededRandom, type SandboxNode } from '../lib/scheduler/sandbox.ts';
import { DEFAULT_SCHEDULER_CONFIG } from '../lib/scheduler/profiles.ts';
import { machine, percentile, round, spread, watchPauses, type PauseFigures } from './lib.ts';

const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REFERENCE_PODS = 2000;
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
  const before = reference(nodeCount);
  const pauses = watchPauses();
  const cpu = process.cpuUsage();
  const started = performance.now();
  scheduler.start();
  while (scheduler.stats.scheduled + scheduler.stats.failed < PODS) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const paused = pauses();
  scheduler.stop();
  const after = reference(nodeCount);
  const latency = [...scheduler.stats.latencyMs].sort((a, b) => a - b);
  const podsPerS = PODS / seconds;
  const cpuMsPerPod = (user + system) / 1000 / PODS;
  const referencePerS = (before.perS + after.perS) / 2;
  const referenceCpuMs = (before.cpuMsPerPod + after.cpuMsPerPod) / 2;
  const result: RunFigures = {
    podsPerS: round(podsPerS),
    p50: round(percentile(latency, 50), 3),
    p99: round(percentile(latency, 99), 3),
    cpuMsPerPod: round(cpuMsPerPod, 3),
    referencePerS: round(referencePerS),
    ratio: round(podsPerS / referencePerS, 3),
    cpuRatio: round(cpuMsPerPod / referenceCpuMs, 2),
    ...paused,
  };
  console.log(
    `${nodeCount} nodes, percentageOfNodesToScore=${percentage || 'default'}: ${result.podsPerS} pods/s, ${result.cpuMsPerPod} CPU ms/pod, ` +
      `attempt p50 ${result.p50} ms, p99 ${result.p99} ms, ${scheduler.stats.scheduled} scheduled, ` +
      `${scheduler.stats.failed} unschedulable attempts, cluster entropy ${round(scheduler.clusterEntropy(), 2)}; ` +
      `reference ${result.referencePerS} pods/s (ratio ${result.ratio}, CPU ratio ${result.cpuRatio}); ` +
      `event loop p99 ${paused.eventLoopP99Ms} ms, max ${paused.eventLoopMaxMs} ms; GC p99 ${paused.gcP99Ms} ms, total ${paused.gcTotalMs} ms`,
  );
  return result;
}

interface RunFigures extends PauseFigures {
  podsPerS: number;
  p50: number;
  p99: number;
  cpuMsPerPod: number;
  /** The reference workload's rate at the same node count, around this run. */
  referencePerS: number;
  /** podsPerS / referencePerS, and CPU per pod / the reference's. */
  ratio: number;
  cpuRatio: number;
}

/**
 * The reference workload: the core of entropy scheduling in plain JavaScript,
 * without the framework, the object API or decision records — for each of
 * REFERENCE_PODS pods, score every node by the entropy after placing the pod
 * (running sums, as docs/concepts/entropy.md), take the best, and account the
 * pod there. Its cost moves with the machine and its load, not with our code:
 * keep it unchanged, or the ratios of older runs stop being comparable.
 */
function reference(nodeCount: number): { perS: number; cpuMsPerPod: number } {
  const cap = new Float64Array(nodeCount);
  const used = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) cap[i] = 2000 * 2 ** (i % 4);
  let sum = 0;
  let sumXlnX = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let p = 0; p < REFERENCE_PODS; p++) {
    const want = 100 + (p % 4) * 300;
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < nodeCount; i++) {
      if (used[i] + want > cap[i]) continue;
      const before = used[i] / cap[i];
      const after = (used[i] + want) / cap[i];
      const s = sum - before + after;
      const t = sumXlnX - (before > 0 ? before * Math.log(before) : 0) + after * Math.log(after);
      const score = Math.log(s) - t / s;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) used.fill(0);
    else {
      const before = used[best] / cap[best];
      used[best] += want;
      const after = used[best] / cap[best];
      sum += after - before;
      sumXlnX += after * Math.log(after) - (before > 0 ? before * Math.log(before) : 0);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { perS: REFERENCE_PODS / seconds, cpuMsPerPod: (user + system) / 1000 / REFERENCE_PODS };
}

/** Runs one size RUNS times; each figure is the median (min–max) of the runs. */
async function repeat(nodeCount: number, percentage: number) {
  const runs: RunFigures[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await run(nodeCount, percentage));
  const of = (key: keyof RunFigures) => {
    const s = spread(runs.map((f) => f[key]));
    return { median: round(s.median, 3), min: s.min, max: s.max };
  };
  const summary = {
    podsPerS: of('podsPerS'),
    cpuMsPerPod: of('cpuMsPerPod'),
    ratio: of('ratio'),
    cpuRatio: of('cpuRatio'),
    p99: of('p99'),
    eventLoopP99Ms: of('eventLoopP99Ms'),
    eventLoopMaxMs: of('eventLoopMaxMs'),
    gcP99Ms: of('gcP99Ms'),
    gcTotalMs: of('gcTotalMs'),
  };
  const show = (k: keyof typeof summary) => `${summary[k].median} (${summary[k].min}–${summary[k].max})`;
  console.log(
    `  ${nodeCount} nodes, median (min–max) of ${RUNS}: ${show('podsPerS')} pods/s, ${show('cpuMsPerPod')} CPU ms/pod, ` +
      `ratio ${show('ratio')}, CPU ratio ${show('cpuRatio')}, event loop p99 ${show('eventLoopP99Ms')} ms, GC total ${show('gcTotalMs')} ms`,
  );
  return summary;
}

async function main() {
  console.log(
    `bench:scheduler on ${machine()}; ${PODS} pods, Entropy profile, decisions and events recorded, ${RUNS} runs per size`,
  );
  const a = await repeat(1000, 100);
  const b = await repeat(5000, 100);
  const c = await repeat(5000, 0);
  const target = 2000;
  console.log(
    `target ≥ ${target} pods/s at 5,000 nodes with all nodes scored: ${b.podsPerS.median >= target ? 'met' : 'NOT met'} (${b.podsPerS.median}); kube-scheduler's CI floor is 680`,
  );
  console.log(
    JSON.stringify({
      pods_per_s_1000_nodes: a.podsPerS.median,
      pods_per_s_5000_nodes: b.podsPerS.median,
      p99_ms_5000_nodes: b.p99.median,
      pods_per_s_5000_nodes_default_pct: c.podsPerS.median,
      runs: RUNS,
      pods_per_s_1000_nodes_range: [a.podsPerS.min, a.podsPerS.max],
      pods_per_s_5000_nodes_range: [b.podsPerS.min, b.podsPerS.max],
      cpu_ms_per_pod_1000_nodes: a.cpuMsPerPod.median,
      cpu_ms_per_pod_5000_nodes: b.cpuMsPerPod.median,
      cpu_ms_per_pod_5000_nodes_range: [b.cpuMsPerPod.min, b.cpuMsPerPod.max],
      reference_ratio_1000_nodes: a.ratio.median,
      reference_ratio_5000_nodes: b.ratio.median,
      reference_ratio_5000_nodes_range: [b.ratio.min, b.ratio.max],
      reference_cpu_ratio_1000_nodes: a.cpuRatio.median,
      reference_cpu_ratio_5000_nodes: b.cpuRatio.median,
      event_loop_p99_ms_5000_nodes: b.eventLoopP99Ms.median,
      event_loop_max_ms_5000_nodes: b.eventLoopMaxMs.median,
      gc_p99_ms_5000_nodes: b.gcP99Ms.median,
      gc_total_ms_5000_nodes: b.gcTotalMs.median,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
