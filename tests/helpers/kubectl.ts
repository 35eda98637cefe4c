import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ADMIN_PASSWORD, type TestServer } from './server.ts';

export interface Kubectl {
  kubeconfig: string;
  /** Runs kubectl; resolves with stdout, rejects with stderr on a non-zero exit. */
  run: (...args: string[]) => Promise<string>;
  /** Runs kubectl and resolves with exit code, stdout and stderr. */
  exec: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  /** Starts a long-running kubectl (e.g. get -w); returns a reader of its output so far and a stop function. */
  spawn: (...args: string[]) => { output: () => string; stop: () => void };
  home: string;
}

export function requireKubectl() {
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'kubectl is required for the compatibility tests: install it (apt-get install -y kubectl) — .ci/run does this',
    );
  }
}

/** Makes a kubeconfig with `npm run -s kubeconfig` (as users do) and returns a kubectl bound to it. */
export async function kubectlFor(server: TestServer, user = 'admin', password = ADMIN_PASSWORD): Promise<Kubectl> {
  requireKubectl();
  const home = mkdtempSync(join(tmpdir(), 'entroos-kubectl-'));
  const config = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['scripts/kubeconfig.ts', '--server', server.url, '--user', user, '--password', password],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (config.status !== 0) throw new Error(`kubeconfig failed: ${config.stderr}`);
  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(kubeconfig, config.stdout);
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: home };
  const exec = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('kubectl', args, { env, timeout: 30_000, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({
          code: err ? (((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) ?? 1) : 0,
          stdout,
          stderr,
        }),
      ),
    );
  return {
    kubeconfig,
    home,
    exec,
    run: async (...args) => {
      const r = await exec(...args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    spawn: (...args) => {
      const child = spawn('kubectl', args, { env });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      return { output: () => out, stop: () => child.kill('SIGTERM') };
    },
  };
}

export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
