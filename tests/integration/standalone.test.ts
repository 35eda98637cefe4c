// The production artifacts, run for real without a container daemon: the standalone build
// (scripts/build-standalone.mjs) installed by scripts/install.sh under a temporary prefix, then started
// the way the installed systemd unit says — plain node, the unit's EnvironmentFile, nothing of the checkout
// reachable (the install lives in the temporary folder, outside the repository's node_modules).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, TEST_DIST_DIR } from '../helpers/server.ts';

const work = mkdtempSync(join(tmpdir(), 'entroos-standalone-'));
const build = join(work, 'build');
const prefix = join(work, 'root');
const timings: Record<string, number> = {};

function timed<T>(what: string, fn: () => T): T {
  const started = Date.now();
  try {
    return fn();
  } finally {
    timings[what] = (Date.now() - started) / 1000;
  }
}

function sh(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** KEY=VALUE lines of an environment file, as systemd's EnvironmentFile= reads ours. */
function envFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/** Only PATH and what is given: no NODE_PATH, no npm_* variables, nothing pointing into the checkout. */
const bareEnv = (extra: Record<string, string> = {}) =>
  ({ PATH: '/usr/bin:/bin', ...extra }) as Record<string, string> as NodeJS.ProcessEnv;

const installed = {
  opt: join(prefix, 'opt', 'entroos'),
  env: join(prefix, 'etc', 'entroos', 'entroos.env'),
  unit: join(prefix, 'etc', 'systemd', 'system', 'entroos.service'),
};
const unitValue = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(readFileSync(installed.unit, 'utf8'))?.[1];

let server: ChildProcess;
let output = '';
let url = '';
let password = '';
let token = '';

beforeAll(() => {
  expect(relative(ROOT, work).startsWith('..')).toBe(true);
  // The Next build npm test made just before (or ENTROOS_TEST_DIST_DIR's); production packages hard-linked
  // from this checkout, the same ones `npm ci --omit=dev` installs (npm run build:standalone does that).
  timed('build', () =>
    sh('node', ['scripts/build-standalone.mjs', '--no-next-build', '--deps', 'link', '--out', build], {
      ...process.env,
      ENTROOS_DIST_DIR: process.env.ENTROOS_TEST_DIST_DIR ?? TEST_DIST_DIR,
    }),
  );
  // install.sh copies the build (no links back to the checkout), writes the env file and the unit.
  timed('install', () =>
    sh('bash', [join(build, 'install.sh'), '--prefix', prefix, '--no-systemd', '--port', '0', '--host', '127.0.0.1']),
  );
}, 240_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
  }
  // Gigabytes of small files: removed in the background rather than holding up the run.
  spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
  console.log(`standalone test timings (s): ${JSON.stringify(timings)}`);
});

describe('the standalone build installed by scripts/install.sh', () => {
  it('holds production packages only, and resolves them inside the install', () => {
    const modules = join(installed.opt, 'node_modules');
    for (const tool of ['vitest', 'eslint', 'prettier', 'dependency-cruiser', 'autocannon', 'fast-check'])
      expect(existsSync(join(modules, tool)), tool).toBe(false);
    const inside = spawnSync(
      'node',
      ['-p', "[require.resolve('next'), require.resolve('better-sqlite3'), require.resolve('socket.io')].join('\\n')"],
      { cwd: installed.opt, env: bareEnv(), encoding: 'utf8' },
    );
    for (const path of inside.stdout.trim().split('\n')) expect(path.startsWith(modules + '/')).toBe(true);
    const info = JSON.parse(readFileSync(join(installed.opt, 'build-info.json'), 'utf8')) as { nodeAbi: string };
    expect(info.nodeAbi).toBe(process.versions.modules);
  });

  it('wrote an env file with a fresh secret key and a unit pointing at the install', () => {
    const env = envFile(installed.env);
    expect(Buffer.from(env.ENTROOS_SECRET_KEY, 'base64')).toHaveLength(32);
    expect(env.DATABASE_URL).toBe(`file:${prefix}/var/lib/entroos/entroos.db`);
    expect(unitValue('EnvironmentFile')).toBe(installed.env);
    expect(unitValue('WorkingDirectory')).toBe(installed.opt);
    expect(unitValue('ExecStart')).toBe(`${process.execPath} ${installed.opt}/start.mjs`);
  });

  it('starts with plain node as the unit runs it and is ready', async () => {
    // What systemd would run: ExecStart, in WorkingDirectory, with the EnvironmentFile and nothing else
    // (no NODE_PATH, no npm_* variables). Two simulated nodes and one prover keep it light.
    const [command, ...args] = unitValue('ExecStart')!.split(' ');
    const started = Date.now();
    server = spawn(command, args, {
      cwd: unitValue('WorkingDirectory'),
      env: bareEnv({ ...envFile(installed.env), ENTROOS_NODES: '2', ENTROOS_PROVERS: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    await new Promise<void>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
      const onData = () => {
        const ready = /EntroOS is ready at (http:\/\/localhost:\d+)/.exec(output);
        const login = /Log in as "admin" with password: (\S+)/.exec(output);
        if (!ready || !login) return;
        server.stdout!.off('data', onData);
        url = ready[1].replace('localhost', '127.0.0.1');
        password = login[1];
        resolve();
      };
      server.stdout!.on('data', onData);
    });
    timings.start = (Date.now() - started) / 1000;
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ok');
  }, 90_000);

  it('logs in with the printed admin password and lists the demo pods through the Kubernetes API', async () => {
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password, tokenName: 'standalone-test' }),
    });
    expect(login.ok).toBe(true);
    token = ((await login.json()) as { token: string }).token;
    const pods = await fetch(`${url}/api/v1/namespaces/demo/pods`, { headers: { authorization: `Bearer ${token}` } });
    expect(pods.status).toBe(200);
    const list = (await pods.json()) as { kind: string; items: unknown[] };
    expect(list.kind).toBe('PodList');
    expect(list.items.length).toBeGreaterThan(0);
  });

  it('serves the dashboard login page and its assets from the Next build', async () => {
    const page = await fetch(`${url}/login`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('EntroOS');
    const asset = /\/_next\/static\/[^"']+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${url}${asset}`)).status).toBe(200);
  });

  it('proves placements in the prover thread shipped beside the bundle', async () => {
    const deadline = Date.now() + 60_000;
    let counts: Record<string, number> = {};
    while (Date.now() < deadline && !counts.proved) {
      const res = await fetch(`${url}/apis/entroos.io/v1/proofs?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      counts = ((await res.json()) as { counts: Record<string, number> }).counts;
      if (!counts.proved) await new Promise((r) => setTimeout(r, 250));
    }
    expect(counts.proved).toBeGreaterThan(0);
  }, 90_000);

  it('exports every metric the alert rules and the Grafana dashboard use', async () => {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    // The one instance leads; its watch cache has the demo objects.
    expect(text).toMatch(/^entroos_leader 1$/m);
    expect(Number(/^entroos_store_resource_version (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    const exported = new Set<string>();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name + suffix);
    }
    const rules = parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
      groups: { rules: { expr: string }[] }[];
    };
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/entroos-dashboard.json'), 'utf8')) as {
      panels: { targets?: { expr: string }[] }[];
      templating: { list: { definition: string }[] };
    };
    const queries = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.definition),
    ];
    const used = new Set(queries.flatMap((q) => q.match(/\bentroos_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('stops on SIGTERM, and its operator script resets the admin password', async () => {
    const exited = new Promise<number | null>((r) => server.once('exit', r));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    const reset = spawnSync(process.execPath, ['admin-password.mjs'], {
      cwd: installed.opt,
      env: bareEnv(envFile(installed.env)),
      encoding: 'utf8',
    });
    expect(reset.stderr).toBe('');
    expect(reset.stdout).toMatch(/New password for "admin": \S+/);
  }, 30_000);

  it('would install again in place, keeping the env file and the previous build', () => {
    // A dry run: a real second install copies the gigabyte again (docs/deployment.md, "Upgrades").
    const out = sh('bash', [join(build, 'install.sh'), '--prefix', prefix, '--no-systemd', '--dry-run']);
    expect(out).toContain(`keeping ${installed.env}`);
    expect(out).toContain(`+ mv ${installed.opt} ${installed.opt}.previous`);
    expect(out).toContain(`+ mv ${installed.opt}.new ${installed.opt}`);
  });
});
