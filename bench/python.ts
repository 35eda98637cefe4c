// npm run bench:python — the Python SDK (sdk/python, on Debian's /usr/bin/python3) against a server:
//  (a) listing BENCH_PODS (1,000) pods into typed objects, median of 10 (py_list_1000_ms; py_list_1000_cpu_ms is
//      the Python process's CPU time, the SDK's own share, which other load on the machine moves less),
//  (b) a watch of BENCH_CHANGES (5,000) pod changes: the changes are made first and the watch then resumes from
//      the version before them, so the figure is how fast the SDK takes events in (decoding, typed objects,
//      bookkeeping), not how fast the server accepts writes (py_watch_events_per_s).
// BENCH_URL and BENCH_TOKEN use a running server instead of starting one. Last line: JSON of the figures.
import { spawn } from 'node:child_process';
import { machine, ROOT, round, startBenchServer, type BenchServer } from './lib.ts';

const PODS = Number(process.env.BENCH_PODS ?? 1000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 5000);
const PYTHON = process.env.ENTROOS_TEST_PYTHON ?? '/usr/bin/python3';
const NAMESPACE = `bench-py-${Date.now().toString(36)}`;

function python(args: string[], env: Record<string, string>): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['sdk/python/benchmarks/sdk_bench.py', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}')) : reject(new Error(err || out)),
    );
  });
}

async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function main() {
  console.log(`machine: ${machine()}`);
  let server: BenchServer | undefined;
  let url = process.env.BENCH_URL;
  let token = process.env.BENCH_TOKEN;
  if (!url || !token) {
    // No simulated nodes: the pods stay as created, so only the benchmark changes them.
    server = await startBenchServer({ ENTROOS_NODES: '0' });
    url = server.url;
    token = server.token;
  }
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(url + path, {
      method,
      headers: { ...headers, 'Content-Type': type },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // A server given by BENCH_URL may rate-limit (the bench server started here does not).
    if (res.status === 429) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      return call(method, path, body, type);
    }
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ metadata?: { resourceVersion?: string } }>;
  };
  const env = { ENTROOS_URL: url, ENTROOS_TOKEN: token };
  try {
    await call('POST', '/api/v1/namespaces', { metadata: { name: NAMESPACE } });
    await pool(PODS, 32, async (i) => {
      await call('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
        metadata: { name: `p-${i}`, labels: { app: 'bench', i: String(i) } },
        spec: {
          containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        },
      });
    });
    const list = await python(['list', '--namespace', NAMESPACE, '--repeat', '10'], env);
    console.log(
      `list ${list.pods} pods into typed objects: median ${round(list.median_ms)} ms (10 runs; the SDK's own CPU ${round(list.median_cpu_ms)} ms)`,
    );

    const from = (await call('GET', `/api/v1/namespaces/${NAMESPACE}/pods?limit=1`)).metadata?.resourceVersion ?? '';
    await pool(CHANGES, 32, async (i) => {
      await call(
        'PATCH',
        `/api/v1/namespaces/${NAMESPACE}/pods/p-${i % PODS}`,
        { metadata: { labels: { step: String(i) } } },
        'application/merge-patch+json',
      );
    });
    const watch = await python(['watch', '--namespace', NAMESPACE, '--from', from, '--events', String(CHANGES)], env);
    console.log(`watch: ${watch.events} events in ${round(watch.seconds, 2)} s = ${round(watch.per_s)} events/s`);
    console.log(
      JSON.stringify({
        py_list_1000_ms: round(list.median_ms),
        py_list_1000_cpu_ms: round(list.median_cpu_ms),
        py_watch_events_per_s: round(watch.per_s),
      }),
    );
  } finally {
    await fetch(`${url}/api/v1/namespaces/${NAMESPACE}`, { method: 'DELETE', headers }).catch(() => undefined);
    await server?.stop();
  }
}

await main();
