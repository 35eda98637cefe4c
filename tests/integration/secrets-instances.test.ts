import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';

// Secrets with two instances on one PostgreSQL and Redis (both with the same ENTROOS_SECRET_KEY, which the test
// helper sets): what the leader publishes to the followers over Redis holds no plaintext, a follower serves the
// secret, and a standalone node agent (which reads Secrets over the HTTP API) starts a pod once its secret exists.

const REDIS_URL = process.env.ENTROOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NS = '/api/v1/namespaces/default';
const VALUE = `multi-${randomBytes(10).toString('hex')}`;
const leaked = (text: string) =>
  [VALUE, Buffer.from(VALUE).toString('base64')].filter((needle) => text.includes(needle));

describe('Secrets across instances', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let redis: Redis;
  const published: string[] = [];

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL, ENTROOS_LEADER_LEASE_SECONDS: '2', ENTROOS_NODES: '0' };
    a = await startServer({ env });
    b = await startServer({ env });
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    redis.on('pmessage', (_pattern: string, _channel: string, message: string) => published.push(message));
    await redis.psubscribe('entroos:*:changes');
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await b?.stop();
    await a?.stop();
    await db?.drop();
  });

  it('replicates a secret to the follower without plaintext in Redis or in the database', async () => {
    const token = await login(a.url);
    const viaA = client(a.url, token);
    const viaB = client(b.url, token);
    expect((await viaA.post(`${NS}/secrets`, { metadata: { name: 'shared' }, stringData: { v: VALUE } })).status).toBe(
      201,
    );
    const onB = await until(async () => {
      const r = await viaB.get(`${NS}/secrets/shared`);
      return r.status === 200 ? r.body : undefined;
    }, 'the secret on the follower');
    expect(onB.data).toEqual({ v: Buffer.from(VALUE).toString('base64') });
    const messages = published.filter((m) => m.includes('"resource":"secrets"'));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toContain('enc:aesgcm:');
    expect(leaked(published.join('\n'))).toEqual([]);

    const client2 = new pg.Client({ connectionString: db.url });
    await client2.connect();
    const rows = await client2.query<{ row: string }>(`SELECT row_to_json(o)::text AS row FROM "KubeObject" o`);
    await client2.end();
    expect(leaked(rows.rows.map((r) => r.row).join('\n'))).toEqual([]);
  });

  it("a standalone agent reads a pod's secret over the API: CreateContainerConfigError until it exists, then Running", async () => {
    const token = await login(a.url);
    const viaA = client(a.url, token);
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
        'sec',
        '--lease-seconds',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'debug' } },
    );
    let output = '';
    agent.stdout!.on('data', (d) => (output += d));
    agent.stderr!.on('data', (d) => (output += d));
    try {
      const node = await until(
        async () =>
          ((await viaA.get('/api/v1/nodes')).body.items as { metadata: { name: string } }[]).find((n) =>
            n.metadata.name.startsWith('sec-'),
          )?.metadata.name,
        "the agent's node",
        20_000,
      );
      const created = await viaA.post(`${NS}/pods`, {
        metadata: { name: 'far-secret' },
        spec: {
          nodeName: node,
          containers: [
            {
              name: 'app',
              image: 'busybox:1.36',
              env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'far', key: 'v' } } }],
            },
          ],
        },
      });
      expect(created.status).toBe(201);
      const waiting = await until(
        async () => {
          const w = (await viaA.get(`${NS}/pods/far-secret`)).body.status?.containerStatuses?.[0]?.state?.waiting;
          return w?.reason === 'CreateContainerConfigError' ? w : undefined;
        },
        'CreateContainerConfigError on the agent',
        20_000,
      );
      expect(waiting.message).toBe('secret "far" not found');
      await viaA.post(`${NS}/secrets`, { metadata: { name: 'far' }, stringData: { v: VALUE } });
      await until(
        async () => (await viaA.get(`${NS}/pods/far-secret`)).body.status?.phase === 'Running',
        'the pod to run on the agent',
        30_000,
      );
      expect(leaked(output)).toEqual([]);
    } finally {
      agent.kill('SIGKILL');
    }
  }, 90_000);
});
