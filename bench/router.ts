// npm run bench:router — live fan-out. socket.io clients subscribe to all pods
// while 1,000 pod changes per second are committed for 60 s. First 100 clients
// (the stress run: what the server controls is its commit → written-to-every-
// socket latency, server_fanout_p99_ms; the clients' own receipt latency on
// the same 2 cores is reported as stress_p99_ms), then 20 clients for the
// end-to-end commit → receipt p99_ms; with server CPU, the server's event-loop
// and GC pauses, and whether any client ended up different from the server
// (dropped changes) or had to resync. Then the same across two instances
// sharing PostgreSQL + Redis (writes on A, clients on B).
// Last line: one JSON object of the figures.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import {
  machine,
  ROOT,
  round,
  serverCpuSeconds,
  serverPauses,
  startBenchServer,
  type BenchServer,
  type PauseFigures,
} from './lib.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const E2E_CLIENTS = Number(process.env.BENCH_E2E_CLIENTS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PODS = Number(process.env.BENCH_PODS ?? 1000);
const PG_ADMIN = process.env.ENTROOS_TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.ENTROOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface ClientReport {
  samples: number;
  received: number;
  resyncs: number;
  mismatched: number;
  p50: number;
  p99: number;
  error?: string;
}

/** Quantile of the server's own commit→socket-write histogram (upper bucket bound, ms). */
async function serverFanout(server: BenchServer, q: number): Promise<number> {
  const text = await (
    await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${server.token}` } })
  ).text();
  const buckets = [...text.matchAll(/^entroos_router_fanout_latency_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)].map(
    (m) => ({ le: Number(m[1]), count: Number(m[2]) }),
  );
  const total = buckets.at(-1)?.count ?? 0;
  const hit = buckets.find((b) => b.count >= q * total);
  return hit && Number.isFinite(hit.le) ? hit.le * 1000 : Infinity;
}

async function createPods(server: BenchServer) {
  let next = 0;
  const worker = async () => {
    while (next < PODS) {
      const i = next++;
      const res = await fetch(`${server.url}/api/v1/namespaces/default/pods`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        // 'manual': no scheduler writes; every change is the benchmark's.
        body: JSON.stringify({
          metadata: { name: `p-${i}`, labels: { app: 'bench' } },
          spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'nginx:1.27' }] },
        }),
      });
      if (res.status !== 201) throw new Error(`create p-${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

/** Patches pods at RATE per second for SECONDS, paced in 10 ms ticks; returns the changes committed. */
async function churn(server: BenchServer): Promise<number> {
  const started = Date.now();
  const end = started + SECONDS * 1000;
  let sent = 0;
  let failed = 0;
  const inflight = new Set<Promise<void>>();
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE);
    while (sent < due && inflight.size < 256) {
      const i = sent++;
      const p = fetch(`${server.url}/api/v1/namespaces/default/pods/p-${i % PODS}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { annotations: { step: String(i) } } }),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
        },
        () => void failed++,
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(inflight);
  if (failed) console.log(`  ! ${failed} patches failed`);
  const achieved = sent / ((Date.now() - started) / 1000);
  console.log(`  committed ${sent} changes (${round(achieved)}/s, target ${RATE}/s)`);
  return sent - failed;
}

async function runClients(
  server: BenchServer,
  during: () => Promise<number>,
  clients = CLIENTS,
): Promise<{ report: ClientReport; committed: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/router-clients.ts'), server.url, server.token, String(clients)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  let waiting: ((line: string) => void) | null = null;
  let buffer = '';
  child.stdout!.on('data', (d) => {
    buffer += d;
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (waiting) {
        const w = waiting;
        waiting = null;
        w(line);
      } else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : (waiting = resolve)));
  const ready = JSON.parse(await nextLine());
  if (ready.error) throw new Error(`clients: ${ready.error}`);
  console.log(`  ${clients} clients subscribed to all pods`);
  const committed = await during();
  child.stdin!.write('stop\n');
  const report = JSON.parse(await nextLine()) as ClientReport;
  if (report.error) throw new Error(`clients: ${report.error}`);
  return { report, committed };
}

/** One run of `clients` subscribers through a churn: their report, server CPU and pauses over the churn. */
async function phase(server: BenchServer, clients: number) {
  let cpu = 0;
  let pauses: PauseFigures | undefined;
  const { report } = await runClients(
    server,
    async () => {
      const before = await serverCpuSeconds(server);
      const window = await serverPauses(server);
      const t0 = Date.now();
      const committed = await churn(server);
      pauses = await window();
      cpu = ((await serverCpuSeconds(server)) - before) / ((Date.now() - t0) / 1000);
      return committed;
    },
    clients,
  );
  const p = pauses!;
  console.log(
    `  commit→client latency p50 ${report.p50} ms, p99 ${report.p99} ms over ${report.samples} deliveries; server CPU ${round(cpu * 100)} % of one core`,
  );
  console.log(
    `  server event loop p50 ${p.eventLoopP50Ms} / p99 ${p.eventLoopP99Ms} / max ${p.eventLoopMaxMs} ms; GC ${p.gcCount} pauses, ${p.gcTotalMs} ms total, p99 ≤ ${p.gcP99Ms} ms`,
  );
  console.log(`  clients different from the server at the end: ${report.mismatched}; resyncs: ${report.resyncs}`);
  return { ...report, cpu, pauses: p };
}

async function single() {
  console.log('\nOne instance (SQLite):');
  const server = await startBenchServer({ ENTROOS_NODES: '0', ENTROOS_DEMO: 'false' });
  try {
    await createPods(server);
    console.log(` stress: ${CLIENTS} clients`);
    const stress = await phase(server, CLIENTS);
    // Read before the next phase adds to the histogram.
    const fanoutP50 = await serverFanout(server, 0.5);
    const fanoutP99 = await serverFanout(server, 0.99);
    console.log(
      `  server side, commit→written to every socket (histogram bucket bounds): p50 ≤ ${fanoutP50} ms, p99 ≤ ${fanoutP99} ms`,
    );
    console.log(` end to end: ${E2E_CLIENTS} clients`);
    const e2e = await phase(server, E2E_CLIENTS);
    return { stress, e2e, fanoutP50, fanoutP99 };
  } finally {
    await server.stop();
  }
}

async function twoInstances() {
  console.log('\nTwo instances (PostgreSQL + Redis), writes on A, clients on B:');
  const name = `entroos_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  // Several instances must share the key Secrets are encrypted with.
  const env = {
    DATABASE_URL: url.toString(),
    REDIS_URL,
    ENTROOS_NODES: '0',
    ENTROOS_DEMO: 'false',
    ENTROOS_SECRET_KEY: randomBytes(32).toString('base64'),
  };
  const a = await startBenchServer(env);
  const b = await startBenchServer(env);
  try {
    await createPods(a);
    const { report } = await runClients({ ...b }, () => churn(a));
    console.log(
      `  commit on A → client on B latency p50 ${report.p50} ms, p99 ${report.p99} ms; clients different at the end: ${report.mismatched}; resyncs: ${report.resyncs}`,
    );
    return report;
  } finally {
    await b.stop();
    await a.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main() {
  console.log(`bench:router on ${machine()}`);
  console.log(`${RATE} changes/s for ${SECONDS} s over ${PODS} pods`);
  const { stress, e2e, fanoutP99 } = await single();
  const two = await twoInstances();
  const figures = {
    // End to end with 20 clients (issue #22); the 100-client run is the stress figure.
    p50_ms: e2e.p50,
    p99_ms: e2e.p99,
    dropped: stress.mismatched + e2e.mismatched + two.mismatched,
    resyncs: stress.resyncs + e2e.resyncs + two.resyncs,
    server_cpu_pct: round(stress.cpu * 100),
    server_fanout_p99_ms: fanoutP99,
    stress_p50_ms: stress.p50,
    stress_p99_ms: stress.p99,
    stress_event_loop_p99_ms: stress.pauses.eventLoopP99Ms,
    stress_gc_p99_ms: stress.pauses.gcP99Ms,
    e2e_event_loop_p99_ms: e2e.pauses.eventLoopP99Ms,
    redis_p50_ms: two.p50,
    redis_p99_ms: two.p99,
  };
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `\ntargets: server_fanout_p99_ms ≤ 50 (${CLIENTS} clients): ${verdict(figures.server_fanout_p99_ms <= 50)}; ` +
      `p99_ms ≤ 100 (${E2E_CLIENTS} clients): ${verdict(figures.p99_ms <= 100)}; dropped 0: ${verdict(figures.dropped === 0)}`,
  );
  console.log(JSON.stringify(figures));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
