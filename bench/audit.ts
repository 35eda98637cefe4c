// The audit trail's figures for `npm run bench:ops` (bench/ops.ts assembles the parts):
//   audit_overhead_pct  bench:api's fixed-rate get/create/patch p99 with every request audited at Metadata, against
//                       the same without auditing: two servers started alike, measured in alternating rounds.
//   audit_cpu_overhead_pct  the same rounds' server CPU per request, audited against plain. At 1,000 req/s a
//                       2-core machine's server is saturated and its p99 is queueing (a few % more work can
//                       double it); the CPU per request is what auditing itself costs.
//   audit_search_1m_ms  1,000,000 records in a SQLite store, the slower of two searches (a user's newest
//                       records, an object's newest records) as GET …/audit/events runs them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { labelPatchRequest, percentile, round, serverCpuSeconds, startBenchServer, type BenchServer } from './lib.ts';
import { openStore } from '../lib/store/index.ts';
import { linkHash, canonicalJson, checkpointMessage } from '../lib/audit/chain.ts';
import { searchFields, type AuditEvent } from '../lib/audit/event.ts';
import { auditQuerySchema, searchAudit } from '../lib/audit/search.ts';

export const AUDIT_TARGETS = { audit_overhead_pct: 5, audit_search_1m_ms: 1_000 };

const SECONDS = Number(process.env.BENCH_AUDIT_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 5);
const PODS = Number(process.env.BENCH_AUDIT_PODS ?? 1_000);
const RECORDS = Number(process.env.BENCH_AUDIT_RECORDS ?? 1_000_000);
const RATE = Number(process.env.BENCH_AUDIT_RATE ?? 1_000);

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))));
}

const podBody = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '50m', memory: '32Mi' } } }] },
  });

async function loadPods(server: BenchServer) {
  let next = 0;
  const worker = async () => {
    while (next < PODS) {
      const i = next++;
      const res = await fetch(`${server.url}/api/v1/namespaces/default/pods`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        body: podBody(`pod-${i}`),
      });
      if (res.status !== 201) throw new Error(`create pod-${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

/**
 * The sum of bench:api's three fixed-rate p99s (get, create, patch) on `server`, one short run each, and the
 * server's CPU milliseconds per request over them.
 */
async function p99Sum(server: BenchServer, tag: string): Promise<{ p99: number; cpuMs: number }> {
  const auth = { Authorization: `Bearer ${server.token}` };
  const fixed = { url: server.url, duration: SECONDS, connections: 50, overallRate: RATE };
  const cpu0 = await serverCpuSeconds(server);
  const get = await run({
    ...fixed,
    requests: [{ method: 'GET', path: '/api/v1/namespaces/default/pods/pod-42', headers: auth }],
  });
  const create = await run({
    ...fixed,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/namespaces/default/pods',
        headers: { ...auth, 'Content-Type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: podBody(`${tag}-${randomUUID().slice(0, 8)}`) }),
      },
    ],
  });
  const patch = await run({
    ...fixed,
    requests: [labelPatchRequest(auth, PODS)],
  });
  for (const [name, r] of [
    ['get', get],
    ['create', create],
    ['patch', patch],
  ] as const)
    if (r.non2xx + r.errors + r.timeouts) console.log(`  ! ${tag} ${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  const requests = get.requests.total + create.requests.total + patch.requests.total;
  const cpuMs = (((await serverCpuSeconds(server)) - cpu0) * 1000) / requests;
  console.log(
    `  ${tag}: p99 get ${get.latency.p99} ms, create ${create.latency.p99} ms, patch ${patch.latency.p99} ms; ` +
      `CPU ${round(cpuMs, 3)} ms per request`,
  );
  return { p99: get.latency.p99 + create.latency.p99 + patch.latency.p99, cpuMs };
}

/** audit_overhead_pct: how much slower (p99) the API is with every request audited at Metadata. */
export async function auditOverhead(): Promise<{ audit_overhead_pct: number; audit_cpu_overhead_pct: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'entroos-bench-audit-'));
  const policy = join(dir, 'metadata.yaml');
  writeFileSync(
    policy,
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n',
  );
  // No simulated nodes: the two idle-looking servers would otherwise each run a fleet beside the one measured.
  const common = { ENTROOS_NODES: '0' };
  const off = await startBenchServer({ ...common, ENTROOS_AUDIT: 'false' });
  const on = await startBenchServer({ ...common, ENTROOS_AUDIT_POLICY_FILE: policy });
  try {
    await loadPods(off);
    await loadPods(on);
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so neither always runs on the warmer machine.
      const [a, b] = r % 2 ? [on, off] : [off, on];
      const first = await p99Sum(a, a === on ? 'audited' : 'plain');
      const second = await p99Sum(b, b === on ? 'audited' : 'plain');
      const [plain, audited] = a === on ? [second, first] : [first, second];
      ratios.push(audited.p99 / plain.p99);
      cpuRatios.push(audited.cpuMs / plain.cpuMs);
      console.log(
        `audit round ${r + 1}/${ROUNDS}: p99 sum ${audited.p99} ms audited, ${plain.p99} ms plain; ` +
          `CPU per request ×${round(audited.cpuMs / plain.cpuMs, 3)}`,
      );
    }
    const records = await (
      await fetch(`${on.url}/apis/entroos.io/v1/audit/events?limit=1`, {
        headers: { Authorization: `Bearer ${on.token}` },
      })
    ).json();
    console.log(
      `audited server's newest record: #${(records as { metadata: { continue?: string } }).metadata.continue}`,
    );
    return {
      audit_overhead_pct: round((median(ratios) - 1) * 100),
      audit_cpu_overhead_pct: round((median(cpuRatios) - 1) * 100),
    };
  } finally {
    await off.stop();
    await on.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** audit_search_1m_ms: RECORDS records in SQLite, then a user's and an object's newest 100. */
export async function auditSearch(): Promise<{ audit_search_1m_ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'entroos-bench-audit-'));
  const store = await openStore(`file:${join(dir, 'audit.db')}`, { secretKey: Buffer.alloc(32, 1) });
  try {
    const started = Date.now();
    const chain = {
      link: linkHash,
      seal: (head: { seq: number; hash: string; time: Date }) => ({
        ...head,
        keyId: 'bench',
        signature: checkpointMessage(head.seq, head.hash, head.time).length.toString(),
      }),
    };
    const verbs = ['get', 'list', 'create', 'update', 'patch', 'delete', 'watch'];
    const resources = ['pods', 'deployments', 'services', 'configmaps', 'secrets', 'nodes', 'events', 'jobs'];
    const t0 = Date.now() - RECORDS * 10;
    const BATCH = 5_000;
    for (let i = 0; i < RECORDS; i += BATCH) {
      const entries = Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, j) => {
        const n = i + j;
        // A skewed population: 30 % from one busy controller account, the rest spread over 500 users.
        const user = n % 10 < 3 ? 'system:serviceaccount:kube-system:controller' : `user-${(n * 7919) % 500}`;
        const time = new Date(t0 + n * 10).toISOString();
        const event: AuditEvent = {
          kind: 'Event',
          apiVersion: 'audit.k8s.io/v1',
          level: 'Metadata',
          auditID: randomUUID(),
          stage: 'ResponseComplete',
          requestURI: `/api/v1/namespaces/ns-${n % 50}/${resources[n % 8]}/obj-${n % 2000}`,
          verb: verbs[n % 7],
          user: { username: user, groups: ['system:authenticated'] },
          sourceIPs: [`10.0.${n % 256}.${(n >> 8) % 256}`],
          userAgent: 'kubectl/v1.32.0',
          objectRef: {
            resource: resources[n % 8],
            namespace: `ns-${n % 50}`,
            name: `obj-${n % 2000}`,
            apiVersion: 'v1',
          },
          responseStatus: { metadata: {}, code: 200 },
          requestReceivedTimestamp: time,
          stageTimestamp: time,
          annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
        };
        return { ...searchFields(event), event: canonicalJson(event) };
      });
      await store.audit.append(entries, chain, i % 100_000 === 0);
      if ((i + BATCH) % 200_000 === 0)
        console.log(`  ${i + BATCH} records (${round((Date.now() - started) / 1000)} s)`);
    }
    console.log(`${RECORDS} audit records written in ${round((Date.now() - started) / 1000)} s`);
    const time = async (label: string, query: Record<string, string>) => {
      const runs: number[] = [];
      let found = 0;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const page = await searchAudit(store, auditQuerySchema.parse(query));
        runs.push(performance.now() - t);
        found = page.items.length;
      }
      console.log(
        `  search ${label}: ${found} records, median ${round(median(runs))} ms (max ${round(Math.max(...runs))})`,
      );
      return median(runs);
    };
    const figures = [
      await time('by user (a user with 0.14 % of the records)', { user: 'user-42' }),
      await time('by busy user (30 %)', { user: 'system:serviceaccount:kube-system:controller' }),
      await time('by object', { resource: 'pods', namespace: 'ns-8', name: 'obj-8' }),
      await time('by user in a time window', {
        user: 'user-42',
        since: new Date(t0 + RECORDS * 5).toISOString(),
        until: new Date(t0 + RECORDS * 6).toISOString(),
      }),
    ];
    return { audit_search_1m_ms: round(Math.max(...figures)) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAudit(): Promise<Record<string, number>> {
  console.log('audit: search over a million records');
  const search = await auditSearch();
  console.log('audit: overhead of auditing every request at Metadata');
  const overhead = await auditOverhead();
  return { ...overhead, ...search };
}
