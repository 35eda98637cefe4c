import { generateKeyPairSync } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@/lib/store/index.ts';
import { clusterKeyFromPem } from '@/lib/auth/cluster-key.ts';
import { AuditTrail } from '@/lib/audit/trail.ts';
import { DEFAULT_POLICY, PolicyEvaluator } from '@/lib/audit/policy.ts';
import { verifyStoredTrail } from '@/lib/audit/verify.ts';
import { searchAudit, auditQuerySchema } from '@/lib/audit/search.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.ts';

// Issue #18: the audit trail on both databases — appends from two instances form one chain, search by user and
// object, and tampering with the rows (edit, delete, reorder, truncate) makes verify name the first bad record.

const key = clusterKeyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const log = pino({ level: 'silent' });
const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'operator', via: 'token', tokenId: 't1' };
const bob: Principal = { userId: 'u-bob', username: 'bob', role: 'viewer', via: 'session' };

function request(trail: AuditTrail, who: Principal, method: string, uri: string, code: number, allowed = true) {
  const id = trail.begin({ method, uri, sourceIPs: ['10.0.0.7'], userAgent: 'kubectl/v1.32' });
  trail.authenticated(id, who);
  const verb = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? 'get';
  trail.authorized(id, {
    principal: who,
    verb,
    allowed,
    reason: allowed ? 'RBAC: allowed' : 'RBAC: no role allows it',
  });
  trail.end(id, code);
}

describe.each(PROVIDERS)('the audit trail on $name', ({ name, create }) => {
  let database: TestDatabase;
  let store: Store;
  let other: Store;
  let sql: (text: string) => Promise<void>;
  let closeSql: () => Promise<void>;

  beforeAll(async () => {
    database = await create();
    store = await openStore(database.url);
    other = await openStore(database.url);
    if (name === 'sqlite') {
      const db = new Database(database.url.replace(/^file:/, ''));
      sql = async (text) => {
        db.exec(text);
      };
      closeSql = async () => {
        db.close();
      };
    } else {
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      sql = async (text) => void (await db.query(text));
      closeSql = () => db.end();
    }
  });
  afterAll(async () => {
    await closeSql?.();
    await other?.close();
    await store?.close();
    await database?.drop();
  });

  it('chains the records of two instances into one verifiable chain, and finds them by user and object', async () => {
    const policy = new PolicyEvaluator(DEFAULT_POLICY);
    const a = new AuditTrail({ store, policy, signer: key, log, flushMs: 5, checkpointSeconds: 0.05 });
    const b = new AuditTrail({ store: other, policy, signer: key, log, flushMs: 5, checkpointSeconds: 0.05 });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      request(a, alice, 'POST', `/api/v1/namespaces/ns${i % 3}/configmaps`, 201);
      request(b, bob, 'PATCH', `/api/v1/namespaces/ns${i % 3}/pods/web-${i % 5}`, 403, false);
      if (i % 20 === 19) writes.push(a.flush(), b.flush());
    }
    request(a, alice, 'GET', '/healthz', 200); // the default policy does not keep probes
    await Promise.all(writes);
    await Promise.all([a.close(), b.close()]);
    expect(await store.audit.count()).toBe(120);
    const result = await verifyStoredTrail(store, key.publicKeyPem);
    expect(result).toMatchObject({ ok: true, records: 120 });
    expect(result.ok && result.checkpoints).toBeGreaterThan(0);

    const byUser = await searchAudit(store, auditQuerySchema.parse({ user: 'bob', limit: '7' }));
    expect(byUser.items).toHaveLength(7);
    expect(byUser.metadata.continue).toMatch(/^\d+$/);
    const event = byUser.kind === 'EventList' ? byUser.items[0] : undefined;
    expect(event).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      stage: 'ResponseComplete',
      verb: 'patch',
      user: { username: 'bob', uid: 'u-bob', groups: ['system:authenticated', 'entroos:viewer'] },
      sourceIPs: ['10.0.0.7'],
      userAgent: 'kubectl/v1.32',
      objectRef: { resource: 'pods', apiVersion: 'v1' },
      responseStatus: { code: 403 },
      annotations: {
        'authorization.k8s.io/decision': 'forbid',
        'authorization.k8s.io/reason': 'RBAC: no role allows it',
      },
    });
    const next = await searchAudit(
      store,
      auditQuerySchema.parse({ user: 'bob', limit: '100', continue: byUser.metadata.continue }),
    );
    expect(next.items).toHaveLength(53);
    const byObject = await searchAudit(
      store,
      auditQuerySchema.parse({ resource: 'pods', namespace: 'ns1', name: 'web-1', format: 'summary' }),
    );
    expect(byObject.items.length).toBeGreaterThan(0);
    expect(byObject.items.every((s) => 'seq' in s && s.name === 'web-1' && s.namespace === 'ns1')).toBe(true);
    const since = await searchAudit(
      store,
      auditQuerySchema.parse({ since: new Date(Date.now() + 60_000).toISOString() }),
    );
    expect(since.items).toHaveLength(0);
    const window = {
      since: new Date(Date.now() - 600_000).toISOString(),
      until: new Date(Date.now() + 1_000).toISOString(),
    };
    expect((await searchAudit(store, auditQuerySchema.parse({ ...window, limit: '1000' }))).items).toHaveLength(120);
    const until = await searchAudit(
      store,
      auditQuerySchema.parse({ until: new Date(Date.now() - 600_000).toISOString() }),
    );
    expect(until.items).toHaveLength(0);
  });

  it('names the first changed, missing, reordered or truncated record', async () => {
    const verify = () => verifyStoredTrail(store, key.publicKeyPem);
    await sql(`UPDATE "AuditRecord" SET "event" = replace("event", '"code":', '"code":1') WHERE "seq" = 40`);
    expect(await verify()).toMatchObject({ ok: false, seq: 40, problem: 'changed' });
    await sql(`UPDATE "AuditRecord" SET "event" = replace("event", '"code":1', '"code":') WHERE "seq" = 40`);
    expect(await verify()).toMatchObject({ ok: true });

    await sql(`UPDATE "AuditRecord" SET "seq" = -10 WHERE "seq" = 10`);
    await sql(`UPDATE "AuditRecord" SET "seq" = 10 WHERE "seq" = 11`);
    await sql(`UPDATE "AuditRecord" SET "seq" = 11 WHERE "seq" = -10`);
    expect(await verify()).toMatchObject({ ok: false, seq: 10, problem: 'out of order' });
    await sql(`UPDATE "AuditRecord" SET "seq" = -10 WHERE "seq" = 10`);
    await sql(`UPDATE "AuditRecord" SET "seq" = 10 WHERE "seq" = 11`);
    await sql(`UPDATE "AuditRecord" SET "seq" = 11 WHERE "seq" = -10`);
    expect(await verify()).toMatchObject({ ok: true });

    await sql(`DELETE FROM "AuditRecord" WHERE "seq" > 115`);
    const truncated = await verify();
    expect(truncated).toMatchObject({ ok: false, seq: 116, problem: 'missing' });
    expect(!truncated.ok && truncated.message).toMatch(/^audit verify: record #116 is missing/);

    await sql(`DELETE FROM "AuditRecord" WHERE "seq" = 33`);
    expect(await verify()).toMatchObject({ ok: false, seq: 33, problem: 'missing' });
  });
});
