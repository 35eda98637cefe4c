import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { connectSocket, connected, decode, Mirror, subscribe } from '../helpers/socket.ts';
import type { ChangesMeta } from '@/lib/router/protocol.ts';

const PODS = '/api/v1/namespaces/default/pods';
// 'manual' keeps the scheduler from writing to these pods: the test decides every change.
const pod = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox:1.36' }] },
});

describe('socket router', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startServer({
      env: {
        ENTROOS_WATCH_HISTORY: '600',
        ENTROOS_SOCKET_COALESCE_MS: '20',
        ENTROOS_RATE_LIMIT_QPS: '10000',
        ENTROOS_RATE_LIMIT_BURST: '10000',
      },
    });
    token = await login(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a socket without credentials, and one with a bad token', async () => {
    for (const bad of [undefined, 'eos_not-a-real-token']) {
      const socket = connectSocket(server.url, bad);
      await expect(connected(socket)).rejects.toThrow(/Unauthorized/);
      socket.close();
    }
  });

  it('serves sockets over TLS (wss) on the same port, verified against the cluster CA', async () => {
    const { kubernetes } = (
      await client(server.url).post('/api/login', { username: 'admin', password: ADMIN_PASSWORD, tokenName: 'wss' })
    ).body;
    const ca = Buffer.from(kubernetes.certificateAuthorityData, 'base64').toString('utf8');
    expect(ca).toContain('BEGIN CERTIFICATE');
    const socket = connectSocket(`https://localhost:${server.port}`, token, { ca });
    await connected(socket);
    expect((await subscribe(socket, { id: 'tls', resource: 'pods' })).ok).toBe(true);
    socket.close();
  });

  it('answers bad or forbidden subscriptions with a named error and keeps the socket usable', async () => {
    const admin = client(server.url, token);
    const viewer = await userWithToken(server.url, token, 'sockviewer', 'viewer');
    const socket = connectSocket(server.url, viewer.token);
    await connected(socket);
    expect(await subscribe(socket, { id: 'a' })).toMatchObject({
      ok: false,
      error: { code: 400, message: expect.stringMatching(/resource/) },
    });
    expect(await subscribe(socket, { id: 'b', resource: 'widgets' })).toMatchObject({
      ok: false,
      error: { code: 404, message: expect.stringContaining('unknown resource "widgets"') },
    });
    // A viewer may not read secrets: not over the socket either.
    expect(await subscribe(socket, { id: 'b2', resource: 'secrets' })).toMatchObject({
      ok: false,
      error: { code: 403, message: 'user "sockviewer" (role viewer) cannot watch secrets' },
    });
    expect(await subscribe(socket, { id: 'c', resource: 'pods', labelSelector: 'a in (' })).toMatchObject({
      ok: false,
      error: { code: 400, message: expect.stringContaining('labelSelector') },
    });
    expect(await subscribe(socket, { id: 'd', stream: 'platform', topics: ['leader.changed'] })).toMatchObject({
      ok: false,
      error: { code: 403, message: 'user "sockviewer" (role viewer) cannot subscribe to leader.changed events' },
    });
    // Still usable: a viewer may watch pods.
    const ok = await subscribe(socket, { id: 'e', resource: 'pods', namespace: 'default' });
    expect(ok.ok).toBe(true);
    const got = new Promise<string>((resolve) =>
      socket.on('changes', (meta: ChangesMeta, p: Buffer) => resolve(decode(meta, p).changes[0].object.metadata.name)),
    );
    expect((await admin.post(PODS, pod('seen-by-viewer'))).status).toBe(201);
    expect(await got).toBe('seen-by-viewer');
    expect(await subscribe(socket, { id: 'e', resource: 'pods' })).toMatchObject({ ok: false, error: { code: 409 } });
    socket.close();
    await admin.delete(`${PODS}/seen-by-viewer`);
  });

  // 500 writes one after another: on a busy machine that alone can take 20–30 s.
  it(
    'a client that drops during 500 changes resumes from its last version and ends with exactly the server state',
    { timeout: 120_000 },
    async () => {
      const admin = client(server.url, token);
      for (let i = 0; i < 20; i++)
        expect((await admin.post(PODS, pod(`resume-${i}`, { suite: 'resume' }))).status).toBe(201);
      const list = (await admin.get(`${PODS}?labelSelector=suite%3Dresume`)).body;
      const mirror = new Mirror(list);
      let socket = connectSocket(server.url, token);
      mirror.attach(socket, 'pods');
      await connected(socket);
      expect(
        await subscribe(socket, {
          id: 'pods',
          resource: 'pods',
          namespace: 'default',
          labelSelector: 'suite=resume',
          resourceVersion: mirror.resourceVersion,
        }),
      ).toMatchObject({ ok: true });

      // 500 changes: updates, deletions and creations, the socket dropping a third of the way in.
      const exists = new Set(Array.from({ length: 20 }, (_, i) => i));
      const merge = (name: string, step: number) =>
        fetch(`${server.url}${PODS}/${name}`, {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json' },
          body: JSON.stringify({ metadata: { annotations: { step: String(step) } } }),
        });
      const writes: Promise<{ status: number }>[] = [];
      for (let i = 0; i < 500; i++) {
        if (i === 150) {
          for (const r of await Promise.all(writes.splice(0))) expect(r.status).toBeLessThan(300);
          await new Promise((r) => setTimeout(r, 100));
          socket.close();
        }
        const n = (i * 7) % 30;
        if (!exists.has(n)) {
          exists.add(n);
          writes.push(admin.post(PODS, pod(`resume-${n}`, { suite: 'resume' })));
        } else if (i % 6 === 0) {
          exists.delete(n);
          writes.push(admin.delete(`${PODS}/resume-${n}`));
        } else writes.push(merge(`resume-${n}`, i));
        // One write per object in flight at a time keeps every write valid.
        if (writes.length >= 1) for (const r of await Promise.all(writes.splice(0))) expect(r.status).toBeLessThan(300);
      }
      await Promise.all(writes);
      expect(mirror.received).toBeGreaterThan(0);
      socket = connectSocket(server.url, token);
      mirror.attach(socket, 'pods');
      await connected(socket);
      expect(
        await subscribe(socket, {
          id: 'pods',
          resource: 'pods',
          namespace: 'default',
          labelSelector: 'suite=resume',
          resourceVersion: mirror.resourceVersion,
        }),
      ).toMatchObject({ ok: true });
      const truth = (await admin.get(`${PODS}?labelSelector=suite%3Dresume`)).body;
      const expected = new Map<string, string>(
        truth.items.map((p: any) => [`default/${p.metadata.name}`, p.metadata.resourceVersion]),
      );
      await until(
        () =>
          mirror.objects.size === expected.size &&
          [...expected].every(([k, rv]) => mirror.objects.get(k)?.metadata.resourceVersion === rv),
        'the resumed client to match the server',
      );
      socket.close();
    },
  );

  it('a resume from a compacted version is refused with 410 so the client relists', async () => {
    const admin = client(server.url, token);
    const before = (await admin.get(PODS)).body.metadata.resourceVersion;
    for (let i = 0; i < 650; i += 10) {
      const created = await Promise.all(Array.from({ length: 10 }, (_, j) => admin.post(PODS, pod(`churn-${i + j}`))));
      expect(created.map((r) => r.status)).toEqual(Array(10).fill(201));
    }
    const socket = connectSocket(server.url, token);
    await connected(socket);
    const ack = await subscribe(socket, { id: 'old', resource: 'pods', resourceVersion: before });
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 410, reason: 'Expired', message: expect.stringContaining('list again') },
    });
    socket.close();
  });

  it('delivers platform events and counts sockets on /metrics', async () => {
    const socket = connectSocket(server.url, token);
    await connected(socket);
    expect(
      await subscribe(socket, { id: 'decisions', stream: 'platform', topics: ['scheduling.decision'] }),
    ).toMatchObject({ ok: true });
    const metrics = await client(server.url, token).get('/metrics');
    expect(metrics.text).toMatch(/entroos_router_sockets [1-9]/);
    expect(metrics.text).toContain('entroos_router_fanout_latency_seconds_bucket');
    socket.close();
  });

  it('disconnects a flooding or oversized client with a reason and stays up for others', async () => {
    const socket = connectSocket(server.url, token);
    await connected(socket);
    const bye = new Promise<string>((resolve) => socket.on('bye', ({ reason }: { reason: string }) => resolve(reason)));
    for (let i = 0; i < 400; i++) socket.emit('unsubscribe', { id: `x${i}` });
    expect(await bye).toMatch(/too many messages/);
    await until(() => socket.disconnected, 'the flooding socket to be disconnected');
    // An oversized message gets a reason too.
    const big = connectSocket(server.url, token);
    await connected(big);
    const tooLarge = new Promise<string>((resolve) =>
      big.on('bye', ({ reason }: { reason: string }) => resolve(reason)),
    );
    big.emit('subscribe', { id: 'x', resource: 'pods', labelSelector: 'a'.repeat(50_000) });
    expect(await tooLarge).toMatch(/message too large: \d+ bytes; at most 16384 bytes/);
    const other = connectSocket(server.url, token);
    await connected(other);
    expect((await subscribe(other, { id: 'fine', resource: 'nodes' })).ok).toBe(true);
    other.close();
  });
});
