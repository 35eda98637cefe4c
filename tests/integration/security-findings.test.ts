import { request as httpRequest } from 'node:http';
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login, userWithToken } from '../helpers/api.ts';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { startTwoInstances, type Instances } from '../helpers/instances.ts';
import { signIn, signOut } from '../helpers/session.ts';

// The measured findings of issue #18, each replayed against a real server as an attacker or an operator would.

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP request without fetch's URL normalisation, from a chosen local address (127.0.0.x are all this machine). */
function raw(
  url: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    localAddress?: string;
    timeoutMs?: number;
  },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.setTimeout(options.timeoutMs ?? 5_000, () => req.destroy(new Error(`no response to ${options.path}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Whether a socket.io connection with this cookie is accepted (the error message when not). */
function socketWith(baseUrl: string, cookie: string, origin?: string): Promise<true | string> {
  const socket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: origin ? { cookie, origin } : { cookie },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve(true);
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(err.message);
    });
  });
}

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' } });

describe('security findings of issue #18', () => {
  let server: TestServer;
  let adminToken: string;

  beforeAll(async () => {
    server = await startServer();
    adminToken = await login(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('a malformed percent-escape', () => {
    it.each([
      '/%',
      '/api/v1/%',
      '/login%',
      '/api/v1/namespaces/%zz/pods',
      '/apis/apps/v1/namespaces/default/deployments/%E0%A4%A',
      '/apis/entroos.io/v1/users/%',
      '/metrics%',
      '/_next/%',
      '/%C0%AF?x=1',
    ])('answers %s with 400 at once, unauthenticated', async (path) => {
      const res = await raw(server.url, { path });
      expect(res.status).toBe(400);
      if (/^\/(api|apis|metrics)(\/|%|$)/.test(path) && !path.startsWith('/metrics%')) {
        expect(JSON.parse(res.text)).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
      } else {
        expect(res.text).toMatch(/malformed percent-escape/);
      }
    });
  });

  describe('sessions end on logout, password, role and state changes', () => {
    const kube = '/api/v1/namespaces/default/configmaps';

    it('refuses an admin cookie replayed after sign-out on API routes, /metrics and sockets', async () => {
      const cookie = await signIn(server.url, 'admin', ADMIN_PASSWORD);
      const withCookie = { cookie };
      expect((await fetch(`${server.url}${kube}`, { headers: withCookie })).status).toBe(200);
      expect((await fetch(`${server.url}/apis/entroos.io/v1/users`, { headers: withCookie })).status).toBe(200);
      expect((await fetch(`${server.url}/metrics`, { headers: withCookie })).status).toBe(200);
      expect(await socketWith(server.url, cookie)).toBe(true);
      // A second session of the same user (another browser) ends with it.
      const other = await signIn(server.url, 'admin', ADMIN_PASSWORD);

      expect(await signOut(server.url, cookie)).toBeLessThan(400);

      for (const c of [cookie, other]) {
        for (const path of [kube, '/apis/entroos.io/v1/users', '/apis/entroos.io/v1/tokens', '/metrics']) {
          const res = await fetch(`${server.url}${path}`, { headers: { cookie: c } });
          expect(res.status, path).toBe(401);
        }
        const create = await fetch(`${server.url}/apis/entroos.io/v1/users`, {
          method: 'POST',
          headers: { cookie: c, origin: server.url, 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'intruder', password: 'intruder-password', role: 'admin' }),
        });
        expect(create.status).toBe(401);
        expect(await socketWith(server.url, c)).toMatch(/Unauthorized/);
      }
      // The token issued before is not a session: it still works.
      expect((await client(server.url, adminToken).get(kube)).status).toBe(200);
    });

    it('ends a user’s sessions when an admin changes their password, role or disables them', async () => {
      const admin = client(server.url, adminToken);
      const alice = await userWithToken(server.url, adminToken, 'alice', 'operator');
      let password = alice.password;
      const changes: Record<string, unknown>[] = [
        { password: 'alice-new-password' },
        { role: 'viewer' },
        { disabled: true },
      ];
      for (const change of changes) {
        const cookie = await signIn(server.url, 'alice', password);
        expect((await fetch(`${server.url}${kube}`, { headers: { cookie } })).status).toBe(200);
        const live = io(server.url, {
          path: '/socket.io',
          transports: ['websocket'],
          extraHeaders: { cookie },
          reconnection: false,
          forceNew: true,
        });
        await new Promise<void>((resolve, reject) => {
          live.once('connect', () => resolve());
          live.once('connect_error', reject);
        });
        const closed = new Promise<void>((resolve) => live.once('disconnect', () => resolve()));

        const res = await admin.patch(`/apis/entroos.io/v1/users/${alice.id}`, change);
        expect(res.status, JSON.stringify(change)).toBe(200);
        if (typeof change.password === 'string') password = change.password;

        expect((await fetch(`${server.url}${kube}`, { headers: { cookie } })).status, JSON.stringify(change)).toBe(401);
        expect(await socketWith(server.url, cookie)).toMatch(/Unauthorized/);
        await closed; // the open socket of that session is closed too
        live.close();
      }
    });
  });

  describe('cross-site request forgery', () => {
    let cookie: string;
    beforeAll(async () => {
      cookie = await signIn(server.url, 'admin', ADMIN_PASSWORD);
    });
    const path = '/api/v1/namespaces/default/configmaps';

    it('refuses a cookie-authenticated write from another origin with 403, whatever the route', async () => {
      const forged = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { cookie, origin: 'http://evil.example', 'content-type': 'text/plain' },
        body: JSON.stringify(configMap('forged')),
      });
      expect(forged.status).toBe(403);
      expect(await forged.json()).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: /Origin/ });

      const viaFetchMetadata = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
        body: JSON.stringify(configMap('forged-2')),
      });
      expect(viaFetchMetadata.status).toBe(403);

      const viaReferer = await fetch(`${server.url}/apis/entroos.io/v1/tokens`, {
        method: 'POST',
        headers: { cookie, referer: 'http://evil.example/page', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'stolen' }),
      });
      expect(viaReferer.status).toBe(403);

      for (const [method, target] of [
        ['POST', '/apis/entroos.io/v1/tokens'],
        ['DELETE', `${path}/anything`],
        ['PATCH', '/apis/entroos.io/v1/users/x'],
        ['PUT', `${path}/anything`],
      ]) {
        const res = await fetch(`${server.url}${target}`, {
          method,
          headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
          body: method === 'DELETE' ? undefined : '{}',
        });
        expect(res.status, `${method} ${target}`).toBe(403);
      }
      expect((await client(server.url, adminToken).get(`${path}/forged`)).status).toBe(404);
    });

    it('accepts the dashboard’s own writes and bearer-token writes from anywhere', async () => {
      const own = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { cookie, origin: server.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
        body: JSON.stringify(configMap('from-dashboard')),
      });
      expect(own.status).toBe(201);
      const bearer = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${adminToken}`,
          origin: 'http://evil.example',
          'content-type': 'application/json',
        },
        body: JSON.stringify(configMap('from-cli')),
      });
      expect(bearer.status).toBe(201);
    });

    it('refuses a socket opened with the session cookie from another site', async () => {
      expect(await socketWith(server.url, cookie, 'http://evil.example')).toMatch(/Forbidden/);
      expect(await socketWith(server.url, cookie, server.url)).toBe(true);
    });

    it('refuses a body whose content type the API does not read with 415', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': type },
          body: JSON.stringify(configMap('typed')),
        });
        expect(res.status, type).toBe(415);
        expect(await res.json()).toMatchObject({ kind: 'Status', code: 415, reason: 'UnsupportedMediaType' });
      }
      for (const type of ['application/json', 'application/json; charset=utf-8', 'application/yaml']) {
        const res = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': type },
          body: JSON.stringify(configMap(`typed-${type.replace(/[^a-z]/g, '')}`)),
        });
        expect(res.status, type).toBe(201);
      }
    });
  });

  describe('bodies that are malformed by shape', () => {
    const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

    it('refuses deeply nested JSON with 400 on every JSON route, never 500', async () => {
      const deep = nested(10_000);
      const targets: [string, string][] = [
        ['POST', '/api/v1/namespaces/default/configmaps'],
        ['POST', '/api/login'],
        ['POST', '/apis/entroos.io/v1/users'],
        ['POST', '/apis/entroos.io/v1/tokens'],
        ['PATCH', '/apis/entroos.io/v1/users/nobody'],
        ['PUT', '/apis/entroos.io/v1/scheduler/config'],
      ];
      for (const [method, path] of targets) {
        const res = await raw(server.url, {
          method,
          path,
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: deep,
          timeoutMs: 30_000,
        });
        expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status !== 405) {
          expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBe(400);
          expect(res.text).toMatch(/deeper than \d+ levels/);
        }
      }
      const object = await raw(server.url, {
        method: 'POST',
        path: '/api/v1/namespaces/default/configmaps',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${nested(10_000)}}`,
      });
      expect(object.status).toBe(400);
      expect(JSON.parse(object.text)).toMatchObject({ kind: 'Status', message: /deeper than \d+ levels/ });
    });

    it('refuses a spec that is a string or a number, and metadata that is a list, on every built-in kind', async () => {
      const admin = client(server.url, adminToken);
      const resources: { path: string; kind: string; apiVersion: string }[] = [];
      const groupVersions = ['v1'];
      const apis = await admin.get('/apis');
      for (const g of apis.body.groups as { name: string; preferredVersion: { groupVersion: string } }[])
        if (!g.name.endsWith('entroos.io')) groupVersions.push(g.preferredVersion.groupVersion);
      for (const gv of groupVersions) {
        const list = await admin.get(gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
        for (const r of list.body.resources as { name: string; kind: string; namespaced: boolean; verbs: string[] }[]) {
          if (r.name.includes('/') || !r.verbs.includes('create')) continue;
          const base = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
          resources.push({
            path: r.namespaced ? `${base}/namespaces/default/${r.name}` : `${base}/${r.name}`,
            kind: r.kind,
            apiVersion: gv,
          });
        }
      }
      expect(resources.length).toBeGreaterThan(10);
      const failures: string[] = [];
      let n = 0;
      for (const r of resources) {
        const extras: Record<string, unknown>[] = [{ spec: 'x' }, { spec: 5 }, { status: 7 }, { metadata: [] }];
        for (const extra of extras) {
          const body = { apiVersion: r.apiVersion, kind: r.kind, ...extra };
          if (!('metadata' in extra)) Object.assign(body, { metadata: { name: `shape-${n++}` } });
          const res = await admin.post(r.path, body);
          // A kind without that field drops it, as kube-apiserver does with unknown fields: created, field gone.
          const [field] = Object.keys(extra);
          const dropped =
            res.status === 201 && field !== 'metadata' && (res.body as Record<string, unknown>)[field] === undefined;
          if (![400, 422].includes(res.status) && !dropped)
            failures.push(`${r.path} ${JSON.stringify(extra)}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  });

  describe('login throttling', () => {
    it('does not lock the admin out of a clean IP after someone fails its login, and still throttles the guesser', async () => {
      const admin = client(server.url, adminToken);
      await admin.post('/apis/entroos.io/v1/users', { username: 'boss', password: 'boss-password', role: 'admin' });
      const attempt = (password: string, localAddress: string) =>
        raw(server.url, {
          method: 'POST',
          path: '/api/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'boss', password }),
          localAddress,
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await attempt(`wrong-${i}`, '127.0.0.3')).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
      // The guesser stays throttled, even with the right password...
      expect((await attempt('boss-password', '127.0.0.3')).status).toBe(429);
      // ...while the owner, from an IP that has not been failing, logs in.
      expect((await attempt('boss-password', '127.0.0.4')).status).toBe(201);
    });
  });

  describe('connections', () => {
    it('keeps idle keep-alive connections open longer than clients’ idle timeouts', async () => {
      const res = await fetch(`${server.url}/livez`);
      expect(res.headers.get('keep-alive')).toMatch(/timeout=(\d+)/);
      expect(Number(/timeout=(\d+)/.exec(res.headers.get('keep-alive') ?? '')?.[1])).toBeGreaterThan(30);

      // Node's old default closed an idle connection after 5 s: reuse one after 5.5 s.
      const socket: NetSocket = netConnect(server.port, '127.0.0.1');
      let closed = false;
      socket.on('close', () => (closed = true));
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (received += d));
      const ask = async () => {
        const before = (received.match(/HTTP\/1\.1 200/g) ?? []).length;
        socket.write('GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
        const deadline = Date.now() + 5_000;
        while ((received.match(/HTTP\/1\.1 200/g) ?? []).length === before && Date.now() < deadline && !closed)
          await new Promise((r) => setTimeout(r, 20));
        return (received.match(/HTTP\/1\.1 200/g) ?? []).length > before;
      };
      expect(await ask()).toBe(true);
      await new Promise((r) => setTimeout(r, 5_500)); // the idle time itself is what is tested
      expect(closed).toBe(false);
      expect(await ask()).toBe(true);
      socket.destroy();
    });

    it('answers a body over the limit with 413 that the client receives (no reset), on every route', async () => {
      const big = Buffer.alloc(4 * 1024 * 1024, 'a');
      for (const path of ['/api/v1/namespaces/default/configmaps', '/apis/entroos.io/v1/tokens', '/api/login']) {
        const res = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: big,
        });
        expect(res.status, path).toBe(413);
        expect(await res.json()).toMatchObject({ kind: 'Status', code: 413 });
      }
      // Streamed without a length: refused once read, and still received.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(97));
          controller.close();
        },
      });
      const streamed = await fetch(`${server.url}/api/v1/namespaces/default/configmaps`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: stream,
        // @ts-expect-error Node's fetch needs duplex for streamed request bodies
        duplex: 'half',
      });
      expect(streamed.status).toBe(413);
      expect((await client(server.url, adminToken).get('/livez')).status).toBe(200);
    });
  });
});

describe('readiness after a crash and restart (issue #18)', () => {
  it('is not ready while writes would fail, and every ready answer can write', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'entroos-ready-'));
    // A lease long enough that the restarted instance is up well before the dead one's lease expires.
    const env = { ENTROOS_LEADER_LEASE_SECONDS: '15' };
    try {
      const first = await startServer({ dataDir, env });
      const token = await login(first.url);
      const port = first.port;
      await first.stop('SIGKILL');

      const second = startServer({ dataDir, env: { ...env, PORT: String(port) } });
      let running: TestServer | undefined;
      void second.then((s) => (running = s));
      const url = `http://127.0.0.1:${port}`;
      const seen: string[] = [];
      let wrote = false;
      const deadline = Date.now() + 60_000;
      for (let i = 0; !wrote && Date.now() < deadline; i++) {
        const ready = await fetch(`${url}/readyz`).catch(() => null);
        if (!ready) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const text = await ready.text();
        seen.push(`${ready.status} ${text}`);
        if (ready.status !== 200) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const write = await client(url, token).post('/api/v1/namespaces/default/configmaps', configMap(`after-${i}`));
        expect(write.status, `readyz said ${text}; the write answered ${write.text}`).toBe(201);
        wrote = true;
      }
      expect(wrote).toBe(true);
      // The restarted instance did answer while it waited for the dead one's lease, and said it was not ready.
      expect(seen.some((s) => s.startsWith('503'))).toBe(true);
      await (running ?? (await second)).stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('sessions across instances (issue #18)', () => {
  let instances: Instances | undefined;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    instances = await startTwoInstances();
    ({ a, b } = instances);
  }, 120_000);
  afterAll(async () => {
    await instances?.stop();
  });

  it('ends a session on every instance at once when the user changes on one', async () => {
    const token = await login(a.url);
    // The follower is ready: its leader is alive to take its writes.
    let ready = '';
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && ready !== 'ok';) {
      ready = await (await fetch(`${b.url}/readyz`)).text();
      if (ready !== 'ok') await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe('ok');
    const user = await userWithToken(a.url, token, 'remote', 'operator');
    const cookie = await signIn(b.url, 'remote', user.password);
    const path = '/api/v1/namespaces/default/configmaps';
    // Twice: the second answer comes from the follower's cache of the session user.
    for (let i = 0; i < 2; i++) expect((await fetch(`${b.url}${path}`, { headers: { cookie } })).status).toBe(200);

    expect((await client(a.url, token).patch(`/apis/entroos.io/v1/users/${user.id}`, { role: 'viewer' })).status).toBe(
      200,
    );
    // Well inside the cache's 5 s lifetime: only the event from the other instance can have dropped it.
    const deadline = Date.now() + 2_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await fetch(`${b.url}${path}`, { headers: { cookie } })).status) !== 401)
      await new Promise((r) => setTimeout(r, 20));
    expect(status).toBe(401);
  });
});
