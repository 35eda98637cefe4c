import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

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
