import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { startServer, type TestServer, ADMIN_PASSWORD } from '../helpers/server.ts';
import { client, leaksInternals, login, userWithToken } from '../helpers/api.ts';

let server: TestServer;
let adminToken: string;
let viewer: { id: string; token: string; password: string };
let operator: { id: string; token: string; password: string };
const seen: string[] = []; // every error body, checked for leaks at the end

const TOKENS = '/apis/entroos.io/v1/tokens';
const USERS = '/apis/entroos.io/v1/users';
const WHOAMI = '/apis/entroos.io/v1/whoami';

function expectStatus(res: { status: number; body: any; text: string }, code: number, reason: string) {
  seen.push(res.text);
  expect(res.status).toBe(code);
  expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  expect(typeof res.body.message).toBe('string');
}

beforeAll(async () => {
  server = await startServer();
  adminToken = await login(server.url);
  viewer = await userWithToken(server.url, adminToken, 'vera', 'viewer');
  operator = await userWithToken(server.url, adminToken, 'otto', 'operator');
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe('public endpoints', () => {
  it.each(['/healthz', '/livez', '/readyz'])('%s answers ok without credentials', async (path) => {
    const res = await client(server.url).get(path);
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok');
  });

  it('/version looks like Kubernetes', async () => {
    const res = await client(server.url).get('/version');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      major: '1',
      minor: expect.any(String),
      gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/),
    });
  });
});

describe('authentication', () => {
  it.each([WHOAMI, TOKENS, '/api/v1/pods', '/apis/apps/v1/deployments', '/metrics'])(
    'anonymous %s → 401 Status',
    async (path) => {
      expectStatus(await client(server.url).get(path), 401, 'Unauthorized');
    },
  );

  it('rejects an unknown token and a malformed Authorization header', async () => {
    const unknown = await client(server.url, 'eos_not-a-real-token').get(WHOAMI);
    expectStatus(unknown, 401, 'Unauthorized');
    expect(unknown.body.message).toMatch(/invalid, expired or revoked/);
    expectStatus(await client(server.url).get(WHOAMI, { Authorization: 'Basic YWRtaW46eA==' }), 401, 'Unauthorized');
  });

  it('identifies a token holder', async () => {
    const res = await client(server.url, viewer.token).get(WHOAMI);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'vera', role: 'viewer', via: 'token' });
  });

  it('refuses a revoked token at once', async () => {
    const op = client(server.url, operator.token);
    const created = await op.post(TOKENS, { name: 'short-lived' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^eos_/);
    const fresh = client(server.url, created.body.token);
    expect((await fresh.get(WHOAMI)).status).toBe(200);
    const revoked = await op.delete(`${TOKENS}/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expectStatus(await fresh.get(WHOAMI), 401, 'Unauthorized');
  });

  it('refuses an expired token', async () => {
    const created = await client(server.url, operator.token).post(TOKENS, { name: 'one-second', expiresInSeconds: 1 });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1200));
    expectStatus(await client(server.url, created.body.token).get(WHOAMI), 401, 'Unauthorized');
  });

  it('refuses tokens of a disabled user, and accepts them again when re-enabled', async () => {
    const admin = client(server.url, adminToken);
    const user = await userWithToken(server.url, adminToken, 'dora', 'operator');
    expect((await admin.patch(`${USERS}/${user.id}`, { disabled: true })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5100)); // the token cache lives 5 s
    expectStatus(await client(server.url, user.token).get(WHOAMI), 401, 'Unauthorized');
    expect((await admin.patch(`${USERS}/${user.id}`, { disabled: false })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5100));
    expect((await client(server.url, user.token).get(WHOAMI)).status).toBe(200);
  });

  it('logs in with a password through /api/login, and refuses a wrong one', async () => {
    expectStatus(
      await client(server.url).post('/api/login', { username: 'admin', password: 'wrong-password' }),
      401,
      'Unauthorized',
    );
    expectStatus(
      await client(server.url).post('/api/login', { username: 'vera', password: viewer.password }),
      403,
      'Forbidden',
    );
    const ok = await client(server.url).post('/api/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(ok.status).toBe(201);
  });

  it('rate-limits failed logins per account: the right password is refused too once locked', async () => {
    await userWithToken(server.url, adminToken, 'lockme', 'operator');
    const anon = client(server.url);
    for (let i = 0; i < 5; i++)
      expect((await anon.post('/api/login', { username: 'lockme', password: `nope-${i}` })).status).toBe(401);
    const locked = await anon.post('/api/login', { username: 'lockme', password: 'lockme-password' });
    expectStatus(locked, 429, 'TooManyRequests');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('authorization', () => {
  it('a viewer cannot create or delete', async () => {
    const v = client(server.url, viewer.token);
    expectStatus(await v.post(TOKENS, { name: 'mine' }), 403, 'Forbidden');
    expectStatus(await v.post(USERS, { username: 'eve', password: 'password1', role: 'admin' }), 403, 'Forbidden');
    const listed = await client(server.url, adminToken).get(TOKENS);
    const someToken = listed.body.items[0].id;
    expectStatus(await v.delete(`${TOKENS}/${someToken}`), 403, 'Forbidden');
    expect((await v.get(TOKENS)).status).toBe(200);
  });

  it('an operator manages only their own tokens and cannot manage users', async () => {
    const op = client(server.url, operator.token);
    const mine = await op.get(TOKENS);
    expect(mine.status).toBe(200);
    expect(mine.body.items.every((t: { username: string }) => t.username === 'otto')).toBe(true);
    const adminTokens = (await client(server.url, adminToken).get(TOKENS)).body.items.filter(
      (t: { username: string }) => t.username === 'admin',
    );
    expectStatus(await op.delete(`${TOKENS}/${adminTokens[0].id}`), 404, 'NotFound');
    expectStatus(await op.post(TOKENS, { name: 'for-vera', username: 'vera' }), 403, 'Forbidden');
    expectStatus(await op.get(USERS), 403, 'Forbidden');
  });

  it('/metrics is for admins', async () => {
    expectStatus(await client(server.url, viewer.token).get('/metrics'), 403, 'Forbidden');
    const res = await client(server.url, adminToken).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /entroos_http_requests_total\{method="GET",route="\/apis\/entroos.io\/v1\/whoami",code="200"\} \d+/,
    );
    expect(res.text).toMatch(/entroos_http_request_duration_seconds_bucket/);
    expect(res.text).toMatch(/entroos_process_cpu_seconds_total/);
  });
});

describe('bad input', () => {
  it('malformed JSON → 400 BadRequest', async () => {
    const res = await client(server.url, operator.token).post(TOKENS, '{"name": ');
    expectStatus(res, 400, 'BadRequest');
    expect(res.body.message).toMatch(/not valid JSON/);
  });

  it('an invalid object → 422 Invalid naming each field', async () => {
    const res = await client(server.url, adminToken).post(USERS, {
      username: 'Not OK',
      password: 'short',
      role: 'root',
    });
    expectStatus(res, 422, 'Invalid');
    expect(res.body.details.causes.map((c: { field: string }) => c.field).sort()).toEqual([
      'password',
      'role',
      'username',
    ]);
  });

  it('a duplicate user → 409 AlreadyExists and the original is untouched', async () => {
    const admin = client(server.url, adminToken);
    expectStatus(
      await admin.post(USERS, { username: 'vera', password: 'other-password', role: 'admin' }),
      409,
      'AlreadyExists',
    );
    expect((await client(server.url).post('/api/login', { username: 'vera', password: 'other-password' })).status).toBe(
      401,
    );
    const users = await admin.get(USERS);
    expect(users.body.items.find((u: { username: string }) => u.username === 'vera').role).toBe('viewer');
  });

  it('a body over 3 MiB → 413', async () => {
    expectStatus(
      await client(server.url, operator.token).post(TOKENS, { name: 'x'.repeat(3 * 1024 * 1024 + 10) }),
      413,
      'RequestEntityTooLarge',
    );
  });

  it.each(['/api/v1/nothing-here', '/apis/unknown.group/v1/things', '/apis/entroos.io/v1/nothing'])(
    'unknown route %s → 404 Status',
    async (path) => {
      expectStatus(await client(server.url, viewer.token).get(path), 404, 'NotFound');
    },
  );

  it('no error response leaks a stack trace or internals', () => {
    expect(seen.length).toBeGreaterThan(20);
    for (const text of seen) expect(leaksInternals(text), text).toBe(false);
  });
});

describe('sockets', () => {
  const open = (auth?: { token: string }) =>
    connect(server.url, { path: '/socket.io', transports: ['websocket'], auth, reconnection: false, timeout: 5000 });

  it('refuses an unauthenticated socket', async () => {
    const socket = open();
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(error.message).toMatch(/^Unauthorized/);
    socket.close();
  });

  it('refuses a bad token and accepts a good one', async () => {
    const bad = open({ token: 'eos_nope' });
    expect((await new Promise<Error>((resolve) => bad.on('connect_error', resolve))).message).toMatch(
      /invalid, expired or revoked/,
    );
    bad.close();
    const good = open({ token: viewer.token });
    const hello = await new Promise<{ user: string; role: string }>((resolve, reject) => {
      good.on('hello', resolve);
      good.on('connect_error', reject);
    });
    expect(hello).toMatchObject({ user: 'vera', role: 'viewer' });
    good.close();
  });
});
