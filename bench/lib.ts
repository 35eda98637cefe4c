import type autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

// Shared helpers for the benchmarks in bench/: start the server the way users
// do (`npm start`), log in, and describe the machine.

export const ROOT = join(import.meta.dirname, '..');

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface BenchServer {
  url: string;
  token: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'entroos-bench-'));
  const password = 'bench-admin-password';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${join(dir, 'bench.db')}`,
      ENTROOS_ADMIN_PASSWORD: password,
      LOG_LEVEL: 'warn',
      // Proving is measured by bench:proofs; elsewhere it would take a core from what is measured.
      ENTROOS_PROVERS: '0',
      // The benchmark measures the API, not the per-user rate limiter.
      ENTROOS_RATE_LIMIT_QPS: '1000000',
      ENTROOS_RATE_LIMIT_BURST: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready:\n${output}`)), 300_000);
    child.stdout!.on('data', (d) => {
      output += d;
      if (output.includes('EntroOS is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password, tokenName: 'bench' }),
  });
  const token = ((await res.json()) as { token: string }).token;
  return {
    url,
    token,
    process: child,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * A reference workload's server in its own process (node `args`), on a free port passed as REF_PORT: resolves once
 * it writes its first line (ready), with its URL and a stop that waits for its exit.
 */
export async function startReferenceProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, REF_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the reference server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function serverMetrics(server: BenchServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${server.token}` } })).text();
}

/** Resident memory of the server, from its own /metrics (prom-client process metrics). */
export async function serverRssMb(server: BenchServer): Promise<number> {
  const m = /entroos_process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)/.exec(await serverMetrics(server));
  return m ? Math.round(Number(m[1]) / 2 ** 20) : NaN;
}

/** CPU seconds (user + system) the server process has used, from its own /metrics. */
export async function serverCpuSeconds(server: BenchServer): Promise<number> {
  return Number(/^entroos_process_cpu_seconds_total (\S+)$/m.exec(await serverMetrics(server))?.[1] ?? NaN);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Median and range of repeated measurements (issue #22: every figure as the median of 3 with min–max). */
export function spread(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

export interface PauseFigures {
  /** Event-loop delay over the window (perf_hooks.monitorEventLoopDelay), ms. */
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Garbage-collection pauses over the window, ms. */
  gcP99Ms: number;
  gcTotalMs: number;
  gcCount: number;
}

/**
 * Watches this process's event-loop delay and GC pauses until the returned
 * function is called, and gives their figures for that window. For in-process
 * benchmarks; servers report theirs in their own process.
 */
export function watchPauses(): () => PauseFigures {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const gc: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  delay.enable();
  return () => {
    delay.disable();
    for (const entry of observer.takeRecords()) gc.push(entry.duration);
    observer.disconnect();
    const ms = (ns: number) => round(ns / 1e6, 2);
    gc.sort((a, b) => a - b);
    const total = gc.reduce((a, b) => a + b, 0);
    return {
      eventLoopP50Ms: ms(delay.percentile(50)),
      eventLoopP99Ms: ms(delay.percentile(99)),
      eventLoopMaxMs: ms(delay.max),
      gcP99Ms: round(percentile(gc, 99) || 0, 2),
      gcTotalMs: round(total),
      gcCount: gc.length,
    };
  };
}

interface GcCounters {
  count: number;
  sumSeconds: number;
  /** Cumulative count per bucket bound (seconds), summed over GC kinds. */
  buckets: Map<number, number>;
}

function gcCounters(metrics: string): GcCounters {
  const out: GcCounters = { count: 0, sumSeconds: 0, buckets: new Map() };
  for (const line of metrics.split('\n')) {
    const m = /^entroos_nodejs_gc_duration_seconds_(bucket|sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (m[1] === 'sum') out.sumSeconds += value;
    else if (m[1] === 'count') out.count += value;
    else {
      const le = /le="([^"]+)"/.exec(m[2])?.[1];
      if (le && le !== '+Inf') out.buckets.set(Number(le), (out.buckets.get(Number(le)) ?? 0) + value);
    }
  }
  return out;
}

/**
 * The server's event-loop delay and GC pauses over a window, from its own /metrics: prom-client resets its
 * event-loop histogram at each scrape, so this call opens the window and the returned function closes it. The
 * event-loop figures are at prom-client's 10 ms resolution; GC totals are exact and the GC p99 is the upper bound of
 * its histogram bucket.
 */
export async function serverPauses(server: BenchServer): Promise<() => Promise<PauseFigures>> {
  const before = gcCounters(await serverMetrics(server));
  return async () => {
    const text = await serverMetrics(server);
    const after = gcCounters(text);
    const lag = (name: string) =>
      round(Number(new RegExp(`^entroos_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1]) * 1000, 2);
    const count = after.count - before.count;
    let gcP99Ms = 0;
    for (const le of [...after.buckets.keys()].sort((a, b) => a - b)) {
      const within = (after.buckets.get(le) ?? 0) - (before.buckets.get(le) ?? 0);
      gcP99Ms = le * 1000;
      if (count === 0 || within >= 0.99 * count) break;
    }
    return {
      eventLoopP50Ms: lag('p50'),
      eventLoopP99Ms: lag('p99'),
      eventLoopMaxMs: lag('max'),
      gcP99Ms: count ? gcP99Ms : 0,
      gcTotalMs: round((after.sumSeconds - before.sumSeconds) * 1000),
      gcCount: count,
    };
  };
}

/** A window's pauses in one line of a benchmark's log. */
export function describePauses(p: PauseFigures): string {
  return (
    `event loop p50 ${p.eventLoopP50Ms} / p99 ${p.eventLoopP99Ms} / max ${p.eventLoopMaxMs} ms; ` +
    `GC ${p.gcCount} pauses, ${p.gcTotalMs} ms total, p99 ≤ ${p.gcP99Ms} ms`
  );
}

/** A window's pauses as JSON figures named `${prefix}_event_loop_{p50,p99,max}_ms` and `${prefix}_gc_{p99,total}_ms`. */
export function pauseKeys(prefix: string, p: PauseFigures): Record<string, number> {
  return {
    [`${prefix}_event_loop_p50_ms`]: p.eventLoopP50Ms,
    [`${prefix}_event_loop_p99_ms`]: p.eventLoopP99Ms,
    [`${prefix}_event_loop_max_ms`]: p.eventLoopMaxMs,
    [`${prefix}_gc_p99_ms`]: p.gcP99Ms,
    [`${prefix}_gc_total_ms`]: p.gcTotalMs,
  };
}

/** The pauses of repeated windows, each figure the median of its values over the windows. */
export function medianPauses(windows: PauseFigures[]): PauseFigures {
  const of = (key: keyof PauseFigures) => round(spread(windows.map((w) => w[key])).median, 2);
  return {
    eventLoopP50Ms: of('eventLoopP50Ms'),
    eventLoopP99Ms: of('eventLoopP99Ms'),
    eventLoopMaxMs: of('eventLoopMaxMs'),
    gcP99Ms: of('gcP99Ms'),
    gcTotalMs: of('gcTotalMs'),
    gcCount: of('gcCount'),
  };
}

/** Repeated measurements as `median (min–max)` for a benchmark's log, rounded to `digits`. */
export function describeSpread(values: number[], digits = 1): string {
  const s = spread(values);
  return `${round(s.median, digits)} (${round(s.min, digits)}–${round(s.max, digits)})`;
}

/** An autocannon request that merge-patches a new label value onto pod-0 … pod-(pods − 1) in turn, across runs. */
export function labelPatchRequest(auth: Record<string, string>, pods: number): autocannon.Request {
  let n = 0;
  return {
    method: 'PATCH',
    headers: { ...auth, 'Content-Type': 'application/merge-patch+json' },
    setupRequest: (req) => ({
      ...req,
      path: `/api/v1/namespaces/default/pods/pod-${n % pods}`,
      body: JSON.stringify({ metadata: { labels: { rev: String(n++) } } }),
    }),
  };
}
