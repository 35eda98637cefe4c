import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, userWithToken } from '../helpers/api.ts';
import { ADMIN_PASSWORD, ROOT, startServer, type TestServer } from '../helpers/server.ts';

// The EntroOS Python SDK (sdk/python) under pytest against real servers: one with two simulated nodes and a
// prover, and a second one, rate-limited, that this runner restarts (same port, same database) when a test
// asks for it by creating $ENTROOS_RESTART_DIR/restart-request (the watch-across-restart test).

const PYTHON = process.env.ENTROOS_TEST_PYTHON ?? '/usr/bin/python3';

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the EntroOS Python SDK', () => {
  let main: TestServer;
  let restartable: TestServer;
  let restartEnv: Record<string, string>;
  const work = mkdtempSync(join(tmpdir(), 'entroos-pysdk-'));
  const restartDir = join(work, 'signals');
  const restartData = join(work, 'data');
  let restarting: Promise<void> | undefined;
  let poll: NodeJS.Timeout | undefined;
  let restartError: Error | undefined;

  beforeAll(async () => {
    const port = await freePort();
    restartEnv = { PORT: String(port), ENTROOS_RATE_LIMIT_QPS: '5', ENTROOS_RATE_LIMIT_BURST: '30' };
    rmSync(restartDir, { recursive: true, force: true });
    mkdirSync(restartDir, { recursive: true });
    mkdirSync(restartData, { recursive: true });
    [main, restartable] = await Promise.all([
      startServer({ env: { ENTROOS_NODES: '2', ENTROOS_PROVERS: '1' } }),
      startServer({ dataDir: restartData, env: restartEnv }),
    ]);
    poll = setInterval(() => {
      const request = join(restartDir, 'restart-request');
      if (restarting || !existsSync(request)) return;
      unlinkSync(request);
      restarting = (async () => {
        await restartable.stop();
        restartable = await startServer({ dataDir: restartData, env: restartEnv });
        writeFileSync(join(restartDir, 'restarted'), new Date().toISOString());
      })().catch((err: Error) => {
        restartError = err;
      });
    }, 100);
  }, 120_000);

  afterAll(async () => {
    if (poll) clearInterval(poll);
    await restarting;
    await Promise.all([main?.stop(), restartable?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it('passes sdk/python/tests under pytest (CRUD, errors, retries, watches across a restart, async, data, Jupyter, notebooks, mypy)', async () => {
    const [token, restartToken, kubeconfig] = await Promise.all([
      login(main.url),
      login(restartable.url),
      run('npm', [
        'run',
        '-s',
        'kubeconfig',
        '--',
        '--server',
        main.url,
        '--user',
        'admin',
        '--password',
        ADMIN_PASSWORD,
      ]),
    ]);
    const [viewer, limited] = await Promise.all([
      userWithToken(main.url, token, 'sdk-viewer', 'viewer'),
      userWithToken(restartable.url, restartToken, 'limited', 'operator'),
    ]);
    expect(kubeconfig.code, kubeconfig.output).toBe(0);
    const kubeconfigPath = join(work, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig.output);

    const { code, output } = await run(
      PYTHON,
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--durations=6', 'sdk/python/tests'],
      {
        ENTROOS_URL: main.url,
        ENTROOS_TOKEN: token,
        ENTROOS_VIEWER_TOKEN: viewer.token,
        ENTROOS_KUBECONFIG: kubeconfigPath,
        ENTROOS_RESTART_URL: restartable.url,
        ENTROOS_RESTART_TOKEN: restartToken,
        ENTROOS_LIMITED_TOKEN: limited.token,
        ENTROOS_RESTART_DIR: restartDir,
        MPLBACKEND: 'Agg',
      },
    );
    if (restartError) throw restartError;
    // The summary and the slowest tests, to keep an eye on the suite's time.
    console.log(output.slice(output.lastIndexOf('slowest')).trim());
    expect(output).toMatch(/\d+ passed/);
    expect(output).not.toMatch(/\d+ (failed|skipped|error)/);
    expect(code, output).toBe(0);
  }, 240_000);
});
