import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { connectSocket, connected, decode, subscribe } from '../helpers/socket.ts';
import type { ChangesMeta } from '@/lib/router/protocol.ts';

// Two EntroOS instances on one PostgreSQL and the Redis on this machine
// (REDIS_URL overrides 127.0.0.1:6379; a missing Redis fails the test).
const REDIS_URL = process.env.ENTROOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PODS = '/api/v1/namespaces/default/pods';
const pod = (name: string) => ({
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
});

describe('several instances behind one database and Redis', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      ENTROOS_LEADER_LEASE_SECONDS: '2',
      ENTROOS_NODES: '2',
      ENTROOS_NODE_GRACE_SECONDS: '4',
    };
    a = await startServer({ env });
    b = await startServer({ env });
  }, 90_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await db?.drop();
  });

  it("a standalone agent pointed at the follower opens its tunnel to the leader: its pod's logs work through either instance", async () => {
    const token = await login(a.url);
    const viaA = client(a.url, token);
    const viaB = client(b.url, token);
    const agent = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/nko.mjs'),
        '--server',
        b.url,
        '--token',
        token,
        '--nodes',
        '1',
        '--prefix',
        'far',
        '--lease-seconds',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    let output = '';
    agent.stdout!.on('data', (d) => (output += d));
    agent.stderr!.on('data', (d) => (output += d));
    try {
      const node = await until(
        async () =>
          ((await viaA.get('/api/v1/nodes')).body.items as any[]).find(
            (n) =>
              n.metadata.name.startsWith('far-') &&
              n.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True',
          )?.metadata.name as string | undefined,
        "the agent's node to be Ready",
        20_000,
      );
      const created = await viaB.post(PODS, { ...pod('on-far'), spec: { ...pod('on-far').spec, nodeName: node } });
      expect(created.status).toBe(201);
      await until(
        async () => (await viaA.get(`${PODS}/on-far`)).body.status?.phase === 'Running',
        "the pod to run on the agent's node",
        20_000,
      );
      for (const via of [viaA, viaB]) {
        const logs = await until(
          async () => {
            const r = await via.get(`${PODS}/on-far/log`);
            return r.status === 200 ? r.text : undefined;
          },
          'the leader to reach the agent over its tunnel',
          10_000,
        );
        expect(logs).toContain('starting nginx:1.27 (container c)');
      }
      expect(output).toContain('opening the tunnel to the leader');
      expect((await viaA.delete(`${PODS}/on-far`)).status).toBeLessThan(300);
    } finally {
      agent.kill('SIGKILL');
    }
  }, 60_000);

  it('a change made on one instance reaches sockets on the other; writes through a follower reach the leader; the follower takes over when the leader dies', async () => {
    expect(a.output()).toMatch(/postgres store, leader\)/);
    expect(b.output()).toMatch(/postgres store, follower of http:\/\/127\.0\.0\.1:\d+\)/);
    const token = await login(a.url);
    const viaA = client(a.url, token);
    const viaB = client(b.url, token);

    const socket = connectSocket(b.url, token);
    await connected(socket);
    const seen = new Map<string, any>();
    socket.on('changes', (meta: ChangesMeta, payload: Buffer) => {
      for (const c of decode(meta, payload).changes) seen.set(c.object.metadata.name, c);
    });
    expect(await subscribe(socket, { id: 'pods', resource: 'pods', namespace: 'default' })).toMatchObject({ ok: true });

    // Created on A (the leader), seen live on a socket connected to B.
    expect((await viaA.post(PODS, pod('from-a'))).status).toBe(201);
    await until(() => seen.get('from-a'), 'the pod created on A to reach the socket on B');
    // Scheduled by the leader's scheduler; B's replica sees the binding.
    await until(async () => (await viaB.get(`${PODS}/from-a`)).body.spec?.nodeName, 'the pod to be scheduled');

    // Written through B (forwarded to the leader) and read back from B at once.
    const created = await viaB.post(PODS, pod('from-b'));
    expect(created.status).toBe(201);
    const readBack = await viaB.get(`${PODS}/from-b`);
    expect(readBack.status).toBe(200);
    expect(readBack.body.metadata.uid).toBe(created.body.metadata.uid);
    expect((await viaA.get(`${PODS}/from-b`)).body.metadata.uid).toBe(created.body.metadata.uid);

    // The leader dies without a goodbye: B takes the lease and runs the scheduler.
    const killedAt = Date.now();
    await a.stop('SIGKILL');
    const afterFailover = await until(
      async () => {
        const res = await viaB.post(PODS, pod('after-failover'));
        return res.status === 201 ? res : undefined;
      },
      'B to accept writes as the new leader',
      15_000,
    );
    expect(afterFailover!.status).toBe(201);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    await until(
      async () => (await viaB.get(`${PODS}/after-failover`)).body.spec?.nodeName,
      'the new leader to schedule the pod',
      15_000,
    );
    await until(() => seen.get('after-failover'), 'the socket on B to keep receiving after the failover');
    const metrics = await viaB.get('/metrics');
    expect(metrics.status).toBe(200);
    socket.close();
  }, 90_000);
});
