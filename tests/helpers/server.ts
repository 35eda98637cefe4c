import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverEntry } from './server-bundle.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const TEST_DIST_DIR = '.next-test';
export const ADMIN_PASSWORD = 'admin-test-password';

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  process: ChildProcess;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  dataDir?: string;
  /** Resolve when the process exits instead of when it is ready (for start-up failures). */
  expectExit?: boolean;
  timeoutMs?: number;
}

/** Starts the real server (server.ts, production build in .next-test) on a random port with a fresh SQLite store. */
export function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'entroos-test-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    // ENTROOS_TEST_DIST_DIR: a build of one's own, so that rebuilding does not pull .next-test from under
    // someone else's running tests.
    ENTROOS_DIST_DIR: process.env.ENTROOS_TEST_DIST_DIR ?? TEST_DIST_DIR,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `file:${join(dataDir, 'entroos.db')}`,
    ENTROOS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    // Tests that want simulated nodes ask for them.
    ENTROOS_NODES: '0',
    // One Secret encryption key for every instance a test starts (several instances need the same one); a test of
    // the generated key file passes ENTROOS_SECRET_KEY: undefined.
    ENTROOS_SECRET_KEY: 'ZW50cm9vcy10ZXN0LXNlY3JldC1rZXktMzItYnl0ZXM=',
    ENTROOS_DEMO: 'false',
    // Backups stay with the test's data, not in the checkout's ./data/backups.
    ENTROOS_BACKUP_DIR: join(dataDir, 'backups'),
    // The conversion app's files too.
    ENTROOS_CONVERT_DIR: join(dataDir, 'convert'),
    // Proving every binding costs CPU; tests about proofs turn it on.
    ENTROOS_PROVERS: '0',
    CHECKPOINT_DISABLE: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  // One process (node itself, not the tsx wrapper): a SIGKILL must kill the server itself.
  const child = spawn(process.execPath, serverEntry(), {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stopping = false;
  // A server that dies on its own in the middle of a test shows up there only as "other side closed": say why.
  void exited.then((code) => {
    if (!stopping && !options.expectExit && code !== 0)
      console.error(`test server (pid ${child.pid}) exited with code ${code}; last output:\n${output.slice(-4000)}`);
  });

  const server = (port: number): TestServer => ({
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    output: () => output,
    process: child,
    stop: async (signal = 'SIGTERM') => {
      stopping = true;
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not become ready in time; output:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    exited.then((code) => {
      clearTimeout(timer);
      if (options.expectExit) resolve({ ...server(0), stop: async () => code });
      else reject(new Error(`server exited with code ${code} before it was ready; output:\n${output}`));
    });
    if (options.expectExit) return;
    const onData = () => {
      const match = /EntroOS is ready at http:\/\/[^:]+:(\d+)/.exec(output);
      if (!match) return;
      child.stdout!.off('data', onData);
      clearTimeout(timer);
      resolve(server(Number(match[1])));
    };
    child.stdout!.on('data', onData);
  });
}
