import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../helpers/api.ts';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';

// The official Python client (Debian's python3-kubernetes, unmodified) against a real server: every
// tests/compat/python/test_*.py runs under pytest with ENTROOS_URL and ENTROOS_TOKEN (an admin API token).

const PYTHON = process.env.ENTROOS_TEST_PYTHON ?? '/usr/bin/python3';

function pytest(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/compat/python'], {
      cwd: ROOT,
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('the official Python client against EntroOS', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startServer();
    token = await login(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('passes tests/compat/python under pytest', async () => {
    const { code, output } = await pytest({ ENTROOS_URL: server.url, ENTROOS_TOKEN: token });
    expect(output).toMatch(/\d+ passed/);
    expect(code, output).toBe(0);
  }, 120_000);
});
