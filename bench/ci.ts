// npm run bench:ci — the CI application's controller on simulated nodes (ENTROOS_NODES=50 by default):
//  - step_overhead_ms: p95 over BENCH_SERIAL runs of a 5-step chain whose steps take no time of their own
//    (entroos.io/duration 0): a run's wall time (create → Succeeded seen on a watch) / 5, i.e. what scheduling,
//    the node agent, the Job controller and the CI controller add per step; beside it, the p50 of a bare 0 s Job
//    (create → Complete) and the difference, the CI controller's own part;
//  - runs_per_min: BENCH_RUNS runs of a 5-step pipeline (a → b, c, d in parallel → e, 0 s steps) with up to
//    BENCH_IN_FLIGHT at once, finished runs per minute;
//  - controller_rss_growth_pct: the server's resident memory after those runs against after the first
//    BENCH_WARMUP (history bounded by ENTROOS_CI_RUNS_KEPT=100, so a flat controller keeps it flat). The whole
//    server is measured, the controller being in it: an upper bound on the controller's own growth. Events expire
//    after BENCH_EVENT_TTL s (60; the platform keeps them an hour by default): 10,000 runs make ~50,000 pods whose
//    events would otherwise be counted as the controller's growth (the end of the run prints how many are kept).
// Last line: one JSON object.
import { machine, percentile, round, serverRssMb, startBenchServer, type BenchServer } from './lib.ts';

const NODES = process.env.BENCH_NODES ?? '50';
const SERIAL = Number(process.env.BENCH_SERIAL ?? 20);
// Unmeasured serial Jobs and runs first: a freshly started server's first ones are 3–10× slower (code not yet
// optimised by V8), which is start-up, not the per-step cost the figures are about.
const SERIAL_WARMUP = Number(process.env.BENCH_SERIAL_WARMUP ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
const EVENT_TTL = process.env.BENCH_EVENT_TTL ?? '60';
const BASELINE = process.env.BENCH_BASELINE === '1';
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 25);
const NS = 'default';
const BASE = `/apis/ci.entroos.io/v1/namespaces/${NS}`;

const step = (name: string, needs: string[] = []) => ({
  name,
  image: 'busybox',
  command: ['true'],
  needs,
  annotations: { 'entroos.io/duration': '0' },
});

const bareJob = (generateName: string) => ({
  metadata: { generateName },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { annotations: { 'entroos.io/duration': '0' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] },
    },
  },
});

async function call(server: BenchServer, method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ metadata: { name: string; resourceVersion: string } }>;
}

interface Watched {
  metadata: { name: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** A run's end phase, or a Job's (Complete / Failed condition). */
const endOf = (o: Watched): string | undefined => {
  const phase = o.status?.phase ?? '';
  if (['Succeeded', 'Failed', 'Cancelled'].includes(phase)) return phase;
  const c = o.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c ? (c.type === 'Complete' ? 'Succeeded' : 'Failed') : undefined;
};

/** Follows a watch and resolves each waiter when its object finishes. */
function finishWatcher(server: BenchServer, path = `${BASE}/pipelineruns`) {
  const waiting = new Map<string, (phase: string) => void>();
  const done = new Map<string, string>();
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${server.url}${path}?watch=true`, {
      headers: { authorization: `Bearer ${server.token}` },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line) as { object: Watched };
        const phase = endOf(e.object);
        if (!phase) continue;
        const name = e.object.metadata.name;
        const resolve = waiting.get(name);
        if (resolve) {
          waiting.delete(name);
          resolve(phase);
        } else done.set(name, phase);
      }
    }
  })().catch(() => undefined);
  return {
    finished: (name: string) =>
      new Promise<string>((resolve) => {
        const phase = done.get(name);
        if (phase) {
          done.delete(name);
          resolve(phase);
        } else waiting.set(name, resolve);
      }),
    stop: () => controller.abort(),
  };
}

async function main() {
  console.log(`bench:ci on ${machine()}; ${NODES} nodes, ${SERIAL} serial runs, ${RUNS} runs (${IN_FLIGHT} in flight)`);
  const server = await startBenchServer({
    ENTROOS_NODES: NODES,
    ENTROOS_CI_RUNS_KEPT: '100',
    ENTROOS_EVENT_TTL_SECONDS: EVENT_TTL,
  });
  const watcher = finishWatcher(server);
  try {
    await call(server, 'POST', `${BASE}/pipelines`, {
      metadata: { name: 'chain' },
      spec: { steps: [step('s1'), step('s2', ['s1']), step('s3', ['s2']), step('s4', ['s3']), step('s5', ['s4'])] },
    });
    await call(server, 'POST', `${BASE}/pipelines`, {
      metadata: { name: 'fan' },
      spec: { steps: [step('a'), step('b', ['a']), step('c', ['a']), step('d', ['a']), step('e', ['b', 'c', 'd'])] },
    });
    await new Promise((r) => setTimeout(r, 1000));

    // The platform's own latency for a 0 s Job (create → Complete): what every step pays before the CI's part.
    const jobs = finishWatcher(server, `/apis/batch/v1/namespaces/${NS}/jobs`);
    const jobMs: number[] = [];
    for (let i = 0; i < SERIAL_WARMUP; i++) {
      const job = await call(server, 'POST', `/apis/batch/v1/namespaces/${NS}/jobs`, bareJob('warm-'));
      await jobs.finished(job.metadata.name);
    }
    for (let i = 0; i < SERIAL; i++) {
      const started = performance.now();
      const job = await call(server, 'POST', `/apis/batch/v1/namespaces/${NS}/jobs`, bareJob('bare-'));
      await jobs.finished(job.metadata.name);
      jobMs.push(performance.now() - started);
    }
    jobs.stop();
    jobMs.sort((a, b) => a - b);
    const jobP50 = round(percentile(jobMs, 50));
    console.log(`a bare 0 s Job: p50 ${jobP50} ms, p95 ${round(percentile(jobMs, 95))} ms create → Complete`);

    const perStep: number[] = [];
    for (let i = 0; i < SERIAL_WARMUP; i++) {
      const run = await call(server, 'POST', `${BASE}/pipelineruns`, {
        metadata: { generateName: 'warm-' },
        spec: { pipeline: 'chain' },
      });
      await watcher.finished(run.metadata.name);
    }
    for (let i = 0; i < SERIAL; i++) {
      const started = performance.now();
      const run = await call(server, 'POST', `${BASE}/pipelineruns`, {
        metadata: { generateName: 'chain-' },
        spec: { pipeline: 'chain' },
      });
      const phase = await watcher.finished(run.metadata.name);
      if (phase !== 'Succeeded') throw new Error(`run ${run.metadata.name} ${phase}`);
      perStep.push((performance.now() - started) / 5);
    }
    perStep.sort((a, b) => a - b);
    const overhead = round(percentile(perStep, 95));
    const stepP50 = round(percentile(perStep, 50));
    console.log(
      `step overhead: p50 ${stepP50} ms, p95 ${overhead} ms per step (the CI's own part, p50: ${round(stepP50 - jobP50)} ms)`,
    );

    let submitted = 0;
    let completed = 0;
    let failed = 0;
    let rssWarm = NaN;
    const started = performance.now();
    let warmAt = started;
    // BENCH_BASELINE=1: the same pod churn without the CI — the fan's five 0 s Jobs created in DAG order by this
    // client and deleted when done, so the platform's own growth can be told from the controller's.
    const fanJobs = BASELINE ? finishWatcher(server, `/apis/batch/v1/namespaces/${NS}/jobs`) : undefined;
    const bareFan = async (): Promise<boolean> => {
      const names: string[] = [];
      const one = async () => {
        // A generated name can collide (409) among tens of thousands: the API's answer is to try again.
        const job = await call(server, 'POST', `/apis/batch/v1/namespaces/${NS}/jobs`, bareJob('fan-')).catch(() =>
          call(server, 'POST', `/apis/batch/v1/namespaces/${NS}/jobs`, bareJob('fan-')),
        );
        names.push(job.metadata.name);
        return (await fanJobs!.finished(job.metadata.name)) === 'Succeeded';
      };
      const ok = (await one()) && (await Promise.all([one(), one(), one()])).every(Boolean) && (await one());
      for (const name of names)
        await call(server, 'DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/${name}?propagationPolicy=Background`);
      return ok;
    };
    const worker = async () => {
      while (submitted < RUNS) {
        submitted++;
        if (BASELINE) {
          if (!(await bareFan())) failed++;
        } else {
          const run = await call(server, 'POST', `${BASE}/pipelineruns`, {
            metadata: { generateName: 'fan-' },
            spec: { pipeline: 'fan' },
          });
          if ((await watcher.finished(run.metadata.name)) !== 'Succeeded') failed++;
        }
        completed++;
        if (completed === WARMUP) {
          rssWarm = await serverRssMb(server);
          warmAt = performance.now();
          console.log(`after ${WARMUP} runs: RSS ${rssWarm} MiB`);
        }
        if (completed % 1000 === 0) console.log(`${completed} runs finished; RSS ${await serverRssMb(server)} MiB`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const minutes = (performance.now() - started) / 60_000;
    const runsPerMin = round(completed / minutes);
    const afterWarmPerMin = round((completed - WARMUP) / ((performance.now() - warmAt) / 60_000));
    const rssEnd = await serverRssMb(server);
    const count = async (path: string) =>
      ((await call(server, 'GET', path)) as unknown as { items: unknown[] }).items.length;
    console.log(
      `kept: ${await count(`${BASE}/pipelineruns`)} runs, ${await count(`/apis/batch/v1/namespaces/${NS}/jobs`)} jobs, ${await count(`/api/v1/namespaces/${NS}/pods`)} pods, ${await count(`/api/v1/namespaces/${NS}/events`)} events`,
    );
    const growth = round(((rssEnd - rssWarm) / rssWarm) * 100);
    console.log(
      `${completed} runs (${failed} not succeeded) in ${round(minutes * 60)} s: ${runsPerMin} runs/min (${afterWarmPerMin} after warm-up)`,
    );
    console.log(`RSS ${rssWarm} → ${rssEnd} MiB (${growth} %)`);
    console.log(
      JSON.stringify({
        bench: BASELINE ? 'ci-baseline' : 'ci',
        nodes: Number(NODES),
        runs: completed,
        failed,
        step_overhead_ms: overhead,
        job_latency_p50_ms: jobP50,
        ci_bookkeeping_p50_ms: round(stepP50 - jobP50),
        runs_per_min: runsPerMin,
        controller_rss_growth_pct: growth,
        rss_mb: { warm: rssWarm, end: rssEnd },
      }),
    );
  } finally {
    watcher.stop();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
