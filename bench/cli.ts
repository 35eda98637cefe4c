import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@entroos/client';
import { machine, ROOT, round, startBenchServer, type BenchServer } from './lib.ts';
import { startServer } from '../tests/helpers/server.ts';

// `npm run bench:cli`: start-up and `get pods` of the entroos CLI (the prebuilt bundle, plain node) against
// kubectl, with 1,000 pods. Each command is timed as a whole process, 10 runs each, alternating, after one warm-up
// run each (kubectl fills its discovery cache). The last line is JSON.
// The server starts as `npm start` starts it (building .next when stale); BENCH_DIST_DIR=.next-test runs an
// existing build as it is instead (server.ts directly, no build check), for a tree others are testing from.

const PODS = Number(process.env.BENCH_PODS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
export const CLI_TARGETS = { cli_get_1000_ms: 300, cli_vs_kubectl: 1.0, cli_version_ms: 150 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(command: string, args: string[], env: NodeJS.ProcessEnv, expectLines?: number): number {
  const started = performance.now();
  const r = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  if (expectLines !== undefined && r.stdout.trimEnd().split('\n').length !== expectLines)
    throw new Error(
      `${command} ${args.join(' ')} printed ${r.stdout.trimEnd().split('\n').length} lines, not ${expectLines}`,
    );
  return ms;
}

async function main() {
  console.log(`machine: ${machine()}`);
  const spawnBuild = spawnSync('npm', ['run', '-s', 'build:packages'], { cwd: ROOT, stdio: 'inherit' });
  if (spawnBuild.status !== 0) throw new Error('npm run build:packages failed');
  const PASSWORD = 'bench-admin-password';
  const server: Pick<BenchServer, 'url' | 'token' | 'stop'> = process.env.BENCH_DIST_DIR
    ? await startExisting(process.env.BENCH_DIST_DIR, PASSWORD)
    : await startBenchServer({ ENTROOS_NODES: '0' });
  try {
    const login = (await (
      await fetch(`${server.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: PASSWORD, tokenName: 'bench-cli' }),
      })
    ).json()) as { token: string; kubernetes: { server: string; certificateAuthorityData: string } };
    const client = new Client({ server: server.url, token: server.token });
    const pods = client.resource('pods');
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < PODS) {
          const i = next++;
          await pods.create({
            metadata: { name: `bench-${String(i).padStart(4, '0')}`, labels: { app: 'bench' } },
            spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '10m' } } }] },
          });
        }
      }),
    );
    console.log(`created ${PODS} pods`);
    const home = mkdtempSync(join(tmpdir(), 'entroos-bench-cli-'));
    const kubeconfig = join(home, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster:
    server: ${login.kubernetes.server}
    certificate-authority-data: ${login.kubernetes.certificateAuthorityData}
users:
- name: admin
  user:
    token: ${login.token}
contexts:
- name: bench
  context: {cluster: bench, user: admin, namespace: default}
current-context: bench
`,
    );
    // Both read the same kubeconfig; HOME is empty, so entroos has no config of its own.
    const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
    const cli = join(ROOT, 'packages/cli/bin/entroos.mjs');
    const entroosGet = () => time(process.execPath, [cli, 'get', 'pods'], env, PODS + 1);
    const kubectlGet = () => time('kubectl', ['get', 'pods'], env, PODS + 1);
    entroosGet();
    kubectlGet();
    const mine: number[] = [];
    const theirs: number[] = [];
    const version: number[] = [];
    const nodeBare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      mine.push(entroosGet());
      theirs.push(kubectlGet());
      version.push(time(process.execPath, [cli, 'version', '--client'], env));
      nodeBare.push(time(process.execPath, ['-e', '0'], env));
    }
    const show = (xs: number[]) => xs.map((x) => Math.round(x)).join(' ');
    console.log(`entroos get pods (ms):          ${show(mine)}`);
    console.log(`kubectl get pods (ms):          ${show(theirs)}`);
    console.log(`entroos version --client (ms):  ${show(version)}`);
    console.log(`node -e 0 (ms, for reference):  ${show(nodeBare)}`);
    const figures = {
      cli_get_1000_ms: round(median(mine)),
      kubectl_get_1000_ms: round(median(theirs)),
      cli_vs_kubectl: round(median(mine) / median(theirs), 2),
      cli_version_ms: round(median(version)),
      node_startup_ms: round(median(nodeBare)),
    };
    for (const [key, value] of Object.entries(figures)) {
      const target = CLI_TARGETS[key as keyof typeof CLI_TARGETS];
      console.log(
        `  ${key}: ${value}${target === undefined ? '' : ` (target ≤ ${target}) ${value <= target ? 'met' : 'NOT met'}`}`,
      );
    }
    console.log(JSON.stringify(figures));
  } finally {
    await server.stop();
  }
}

/** server.ts on an existing build (the tests' way), with the benchmark's password and no rate limit. */
async function startExisting(distDir: string, password: string) {
  const server = await startServer({
    env: {
      ENTROOS_DIST_DIR: distDir,
      ENTROOS_ADMIN_PASSWORD: password,
      ENTROOS_RATE_LIMIT_QPS: '1000000',
      ENTROOS_RATE_LIMIT_BURST: '1000000',
    },
  });
  const res = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password, tokenName: 'bench' }),
  });
  const token = ((await res.json()) as { token: string }).token;
  return { url: server.url, token, stop: async () => void (await server.stop()) };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
