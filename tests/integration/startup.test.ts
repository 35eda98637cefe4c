import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer, ADMIN_PASSWORD } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';

describe('start-up', () => {
  it.each([
    [
      { PORT: 'eighty' },
      'EntroOS: invalid configuration: PORT must be a whole number between 0 and 65535 (got "eighty")',
    ],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'EntroOS: invalid configuration: DATABASE_URL must be a SQLite URL'],
    [
      { ENTROOS_RATE_LIMIT_QPS: '-1' },
      'EntroOS: invalid configuration: ENTROOS_RATE_LIMIT_QPS must be a positive number',
    ],
  ])('stops on an invalid setting %o with one clear line', async (env, message) => {
    const server = await startServer({ env, expectExit: true });
    expect(await server.stop()).toBe(1);
    const lines = server
      .output()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('EntroOS:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(server.output()).not.toMatch(/\n\s+at /);
  });

  it('stops with a clear message when the database cannot be opened', async () => {
    const server = await startServer({
      env: { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' },
      expectExit: true,
    });
    expect(await server.stop()).toBe(1);
    expect(server.output()).toMatch(/EntroOS: cannot open the database at postgresql:\/\/nobody@127.0.0.1:1\/none/);
  });

  it('reads settings from entroos.config.json named by ENTROOS_CONFIG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-cfg-'));
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ logLevel: 'nonsense' }));
    const server = await startServer({
      env: { ENTROOS_CONFIG: join(dir, 'cfg.json'), LOG_LEVEL: undefined },
      expectExit: true,
    });
    expect(await server.stop()).toBe(1);
    expect(server.output()).toContain('"logLevel" in the config file must be one of');
  });

  it('creates the admin once, prints a generated password once, and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'entroos-restart-'));
    const first = await startServer({ dataDir, env: { ENTROOS_ADMIN_PASSWORD: undefined } });
    const password = /Log in as "admin" with password: (\S+)/.exec(first.output())?.[1];
    expect(password).toMatch(/^[a-zA-Z2-9]{20}$/);
    const token = await login(first.url, 'admin', password);
    expect(await first.stop()).toBe(0);

    const second = await startServer({ dataDir, env: { ENTROOS_ADMIN_PASSWORD: undefined } });
    expect(second.output()).not.toContain(password);
    expect(second.output()).toContain('Log in with your account');
    expect((await client(second.url, token).get('/apis/entroos.io/v1/whoami')).body.username).toBe('admin');
    expect(await second.stop()).toBe(0);
  });

  it('shuts down gracefully on SIGTERM: finishes the request in flight and exits 0', async () => {
    const server = await startServer({ env: { LOG_LEVEL: 'info' } });
    // A login takes ~100 ms of scrypt: send one, and once it is on the wire ask the server to stop.
    let onWritten = () => {};
    const written = new Promise<void>((resolve) => (onWritten = resolve));
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }), onWritten);
    });
    await written;
    const started = Date.now();
    const code = server.stop('SIGTERM');
    expect(await inFlight).toBe(201);
    expect(await code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('ends open watches on SIGTERM (their clients resume elsewhere) instead of waiting for them', async () => {
    // A stop that waited for the watch would last the whole shutdown timeout and exit 1.
    const server = await startServer({ env: { ENTROOS_SHUTDOWN_TIMEOUT_MS: '60000' } });
    const token = await login(server.url);
    const res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps?watch=true`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the watch has started
    const started = Date.now();
    const code = server.stop('SIGTERM');
    // The stream ends as a finished response (not a reset connection), as kube-apiserver ends watches on shutdown.
    for (;;) if ((await reader.read()).done) break;
    expect(await code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
