// npm run bench:api — the Kubernetes API under load, over loopback, with a token.
// Loads 10,000 pods, then measures get/create/patch latency at a fixed 1,000 req/s,
// the highest sustainable get throughput with 100 connections, LIST of all pods,
// and the server's resident memory. Then custom resources (a CRD with a structural
// schema, defaults and a CEL rule, and BENCH_CRS of its objects loaded) against pods:
// BENCH_ROUNDS rounds alternate pod and custom-resource get/create runs, so both are
// measured on the same server. Last line: one JSON object of the figures.
import autocannon from 'autocannon';
import {
  describePauses,
  describeSpread,
  labelPatchRequest,
  machine,
  medianPauses,
  percentile,
  round,
  serverCpuSeconds,
  serverPauses,
  serverRssMb,
  spread,
  startBenchServer,
  type BenchServer,
  type PauseFigures,
} from './lib.ts';
import { startReferenceServer } from './reference-server.ts';

const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CRS = Number(process.env.BENCH_CRS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Repetitions of the fixed-rate get, create and patch windows. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CR_GROUP = 'bench.entroos.io';
const CR_PATH = `/apis/${CR_GROUP}/v1/namespaces/default/crontabs`;

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `crontabs.${CR_GROUP}` },
  spec: {
    group: CR_GROUP,
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['cronSpec', 'image'],
                'x-kubernetes-validations': [{ rule: 'self.replicas <= 100', message: 'at most 100 replicas' }],
                properties: {
                  cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
                  image: { type: 'string', maxLength: 256 },
                  replicas: { type: 'integer', minimum: 0, default: 1 },
                  resources: {
                    type: 'object',
                    properties: { cpu: { type: 'string' }, memory: { type: 'string' } },
                  },
                },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' } } },
            },
          },
        },
      },
    ],
  },
};

const cronTabBody = (name: string) =>
  JSON.stringify({
    apiVersion: `${CR_GROUP}/v1`,
    kind: 'CronTab',
    metadata: { name, labels: { app: 'bench', shard: String(name.length % 7) } },
    spec: { cronSpec: '*/5 * * * *', image: 'nginx:1.27', resources: { cpu: '50m', memory: '32Mi' } },
  });

/** Creates the CRD, waits until it is served, and loads CRS objects of it; returns the creates/s. */
async function loadCustomResources(server: BenchServer) {
  const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  const created = await fetch(`${server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
    method: 'POST',
    headers,
    body: JSON.stringify(crd),
  });
  if (created.status !== 201) throw new Error(`create CRD: ${created.status} ${await created.text()}`);
  for (let served = false; !served;) {
    served = (await fetch(`${server.url}${CR_PATH}?limit=1`, { headers })).status === 200;
    if (!served) await new Promise((r) => setTimeout(r, 50));
  }
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < CRS) {
      const i = next++;
      const res = await fetch(`${server.url}${CR_PATH}`, { method: 'POST', headers, body: cronTabBody(`ct-${i}`) });
      if (res.status !== 201) throw new Error(`create ct-${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return CRS / ((Date.now() - started) / 1000);
}

const podBody = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', shard: String(name.length % 7) } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '50m', memory: '32Mi' } } }] },
  });

async function load(server: BenchServer) {
  const started = Date.now();
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
  await Promise.all(Array.from({ length: 64 }, worker));
  return PODS / ((Date.now() - started) / 1000);
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))));
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

const checkErrors = (name: string, r: autocannon.Result) => {
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad) console.log(`  ! ${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return bad;
};

async function main() {
  console.log(`bench:api on ${machine()}`);
  const server = await startBenchServer();
  const auth = { Authorization: `Bearer ${server.token}` };
  try {
    const loadRate = await load(server);
    console.log(`loaded ${PODS} pods at ${round(loadRate)} creates/s (64 concurrent clients)`);
    const listTimes: number[] = [];
    let items = 0;
    const listCpu = await serverCpuSeconds(server);
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/v1/pods`, { headers: { ...auth, 'Accept-Encoding': 'identity' } });
      const body = (await res.json()) as { items: unknown[] };
      listTimes.push(performance.now() - t);
      items = body.items.length;
    }
    listTimes.sort((a, b) => a - b);
    // Server CPU per request (process CPU from its /metrics over the window): robust to a shared machine.
    const cpuPerList = round((((await serverCpuSeconds(server)) - listCpu) * 1000) / 20);
    console.log(
      `LIST all ${items} pods ×20: p50 ${round(percentile(listTimes, 50))} ms, p99 ${round(percentile(listTimes, 99))} ms; server CPU ${cpuPerList} ms per list`,
    );

    const fixed = { url: server.url, duration: SECONDS, connections: 50, overallRate: 1000 };
    // Each fixed-rate window runs RUNS times (get, create, patch, get, …); every figure is the median of the runs.
    // Beside each: the server's event-loop delay and GC pauses over the window (a p99 far above the p50 is a pause)
    // and its CPU per request (process CPU from its /metrics: robust to a shared machine).
    const phases = ['get', 'create', 'patch'] as const;
    type Phase = (typeof phases)[number];
    const p99s: Record<Phase, number[]> = { get: [], create: [], patch: [] };
    const pauses: Record<Phase, PauseFigures[]> = { get: [], create: [], patch: [] };
    const cpuMsPerRequest: Record<Phase, number[]> = { get: [], create: [], patch: [] };
    let created = 0;
    const patchRequest = labelPatchRequest(auth, PODS);
    const requestsOf = (phase: Phase): autocannon.Request[] =>
      phase === 'get'
        ? [{ method: 'GET', path: '/api/v1/namespaces/default/pods/pod-42', headers: auth }]
        : phase === 'create'
          ? [
              {
                method: 'POST',
                path: '/api/v1/namespaces/default/pods',
                headers: { ...auth, 'Content-Type': 'application/json' },
                setupRequest: (req) => ({ ...req, body: podBody(`new-${created++}`) }),
              },
            ]
          : [patchRequest];
    for (let rep = 1; rep <= RUNS; rep++) {
      for (const phase of phases) {
        const cpuBefore = await serverCpuSeconds(server);
        const window = await serverPauses(server);
        const r = await run({ ...fixed, requests: requestsOf(phase) });
        checkErrors(phase, r);
        const p = await window();
        const cpu = round((((await serverCpuSeconds(server)) - cpuBefore) * 1000) / r.requests.total, 3);
        p99s[phase].push(r.latency.p99);
        pauses[phase].push(p);
        cpuMsPerRequest[phase].push(cpu);
        console.log(
          `${phase.padEnd(6)} @1000/s, run ${rep}/${RUNS}: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${round(r.requests.average)} req/s`,
        );
        console.log(`  server during ${phase}: ${describePauses(p)}; CPU ${cpu} ms/request`);
      }
    }
    for (const phase of phases)
      console.log(
        `${phase} @1000/s, median (min–max) of ${RUNS}: p99 ${describeSpread(p99s[phase])} ms, ` +
          `CPU ${describeSpread(cpuMsPerRequest[phase], 3)} ms/request, ${describePauses(medianPauses(pauses[phase]))}`,
      );

    const max = await run({
      url: server.url,
      duration: SECONDS,
      connections: 100,
      requests: [{ method: 'GET', path: '/api/v1/namespaces/default/pods/pod-7', headers: auth }],
    });
    checkErrors('max get', max);
    console.log(`get, 100 connections, unthrottled: ${round(max.requests.average)} req/s (p99 ${max.latency.p99} ms)`);

    // The same two get runs against a plain HTTP server answering the same bytes: the machine's speed right now.
    const podJson = await (
      await fetch(`${server.url}/api/v1/namespaces/default/pods/pod-42`, { headers: auth })
    ).text();
    const ref = await startReferenceServer(podJson);
    let refGet: autocannon.Result;
    let refMax: autocannon.Result;
    try {
      refGet = await run({ ...fixed, url: ref.url, requests: [{ method: 'GET', path: '/', headers: auth }] });
      refMax = await run({
        url: ref.url,
        duration: SECONDS,
        connections: 100,
        requests: [{ method: 'GET', path: '/', headers: auth }],
      });
    } finally {
      await ref.stop();
    }
    console.log(
      `reference (plain node:http, same body): get @1000/s p99 ${refGet.latency.p99} ms; ` +
        `100 connections ${round(refMax.requests.average)} req/s → the API reaches ${round(max.requests.average / refMax.requests.average, 3)} of it`,
    );

    const crLoadRate = await loadCustomResources(server);
    console.log(`loaded ${CRS} custom resources at ${round(crLoadRate)} creates/s (64 concurrent clients)`);
    // Custom resources against pods in the same state of the server: the rounds alternate a pods run with a
    // custom-resource run (the first pod figures above come from a younger, smaller server, so they are not the
    // comparison), and each side reports its median p99 over the rounds with the range.
    const getPaired = { pods: [] as number[], crs: [] as number[] };
    const createPaired = { pods: [] as number[], crs: [] as number[] };
    let crCreated = 0;
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      const podGet = await run({
        ...fixed,
        requests: [{ method: 'GET', path: '/api/v1/namespaces/default/pods/pod-42', headers: auth }],
      });
      checkErrors('paired pod get', podGet);
      const crGet = await run({ ...fixed, requests: [{ method: 'GET', path: `${CR_PATH}/ct-42`, headers: auth }] });
      checkErrors('cr get', crGet);
      getPaired.pods.push(podGet.latency.p99);
      getPaired.crs.push(crGet.latency.p99);
      const podCreate = await run({
        ...fixed,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/namespaces/default/pods',
            headers: { ...auth, 'Content-Type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: podBody(`paired-${created++}`) }),
          },
        ],
      });
      checkErrors('paired pod create', podCreate);
      const crCreate = await run({
        ...fixed,
        requests: [
          {
            method: 'POST',
            path: CR_PATH,
            headers: { ...auth, 'Content-Type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: cronTabBody(`new-${crCreated++}`) }),
          },
        ],
      });
      checkErrors('cr create', crCreate);
      createPaired.pods.push(podCreate.latency.p99);
      createPaired.crs.push(crCreate.latency.p99);
      console.log(
        `round ${round_ + 1}/${ROUNDS} p99: get pod ${podGet.latency.p99} ms / cr ${crGet.latency.p99} ms; ` +
          `create pod ${podCreate.latency.p99} ms / cr ${crCreate.latency.p99} ms`,
      );
    }
    const summary = (xs: number[]) => `${median(xs)} ms (${Math.min(...xs)}–${Math.max(...xs)})`;
    console.log(
      `paired get p99, median (min–max): pods ${summary(getPaired.pods)}, custom resources ${summary(getPaired.crs)}`,
    );
    console.log(
      `paired create p99, median (min–max): pods ${summary(createPaired.pods)}, custom resources ${summary(createPaired.crs)}`,
    );

    const rss = await serverRssMb(server);
    console.log(`server RSS: ${rss} MiB`);
    // Custom resources: within 10 % of pods measured in the same rounds.
    const targets = {
      get_p99_ms: 20,
      create_p99_ms: 20,
      patch_p99_ms: 20,
      list_10k_p99_ms: 300,
      cr_get_p99_ms: Math.max(median(getPaired.pods) * 1.1, 1),
      cr_create_p99_ms: Math.max(median(createPaired.pods) * 1.1, 1),
    };
    const figures = {
      get_p99_ms: spread(p99s.get).median,
      create_p99_ms: spread(p99s.create).median,
      patch_p99_ms: spread(p99s.patch).median,
      max_get_rps: round(max.requests.average, 0),
      // The fixed reference workload of the same run, and the API as a fraction of it (machine-independent).
      reference_max_get_rps: round(refMax.requests.average, 0),
      max_get_vs_reference: round(max.requests.average / refMax.requests.average, 3),
      reference_get_p99_ms: refGet.latency.p99,
      list_10k_p99_ms: round(percentile(listTimes, 99)),
      list_10k_cpu_ms: cpuPerList,
      cr_get_p99_ms: median(getPaired.crs),
      cr_create_p99_ms: median(createPaired.crs),
      paired_pod_get_p99_ms: median(getPaired.pods),
      paired_pod_create_p99_ms: median(createPaired.pods),
      rss_mb: rss,
      // The server's pauses and CPU per request in the get / create / patch windows, medians of the runs (issue #22).
      ...Object.fromEntries(
        phases.flatMap((phase) => {
          const p = medianPauses(pauses[phase]);
          const range = spread(p99s[phase]);
          return [
            [`${phase}_p99_ms_range`, [range.min, range.max]],
            [`${phase}_event_loop_p99_ms`, p.eventLoopP99Ms],
            [`${phase}_event_loop_max_ms`, p.eventLoopMaxMs],
            [`${phase}_gc_p99_ms`, p.gcP99Ms],
            [`${phase}_gc_total_ms`, p.gcTotalMs],
            [`${phase}_cpu_ms_per_req`, spread(cpuMsPerRequest[phase]).median],
          ];
        }),
      ),
      runs: RUNS,
    };
    for (const [key, target] of Object.entries(targets)) {
      const value = figures[key as keyof typeof figures];
      console.log(`  ${key}: ${value} (target ≤ ${round(target)}) ${value <= target ? 'met' : 'NOT met'}`);
    }
    console.log(JSON.stringify(figures));
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
