import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, ROOT, ADMIN_PASSWORD, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { connectSocket, connected, subscribe } from '../helpers/socket.ts';
import { signIn, signOut } from '../helpers/session.ts';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { verifyAuditFiles } from '@/lib/audit/verify-files.ts';

// Issue #18: every write path produces its audit record (Kubernetes API, secrets, logins, tokens, users,
// refusals, socket subscriptions), bodies never hold secret values, and tampering with the stored records makes
// verify (the API and `npm run audit:verify`) name the first bad record.

const AUDIT = '/apis/entroos.io/v1/audit';
const CM = '/api/v1/namespaces/default/configmaps';

let server: TestServer;
let webhook: Server;
const received: { auditID: string; verb: string }[] = [];
let admin: ReturnType<typeof client>;
let adminToken: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'entroos-audit-'));
  // Bodies everywhere: what must never show up in them is then really tested.
  const policy = join(dir, 'policy.yaml');
  writeFileSync(
    policy,
    [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: [RequestReceived]',
      'rules:',
      '  - level: None',
      '    nonResourceURLs: [/healthz*, /readyz*, /livez*, /api/auth/session, /api/auth/csrf]',
      '  - level: RequestResponse',
    ].join('\n'),
  );
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(...(JSON.parse(body) as { items: { auditID: string; verb: string }[] }).items);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  server = await startServer({
    dataDir: dir,
    env: {
      ENTROOS_AUDIT_POLICY_FILE: policy,
      ENTROOS_AUDIT_LOG_PATH: join(dir, 'audit.jsonl'),
      ENTROOS_AUDIT_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as { port: number }).port}/audit`,
      ENTROOS_AUDIT_FLUSH_MS: '20',
      ENTROOS_AUDIT_CHECKPOINT_SECONDS: '1',
    },
  });
  adminToken = await login(server.url);
  admin = client(server.url, adminToken);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  webhook?.close();
});

type Event = Record<string, any>;

/** The records matching `query`, waiting for the batch that holds them to be appended. */
async function records(query: string, until: (items: Event[]) => boolean = (i) => i.length > 0): Promise<Event[]> {
  for (let attempt = 0; ; attempt++) {
    const res = await admin.get(`${AUDIT}/events?${query}&limit=1000`);
    expect(res.status).toBe(200);
    if (until(res.body.items) || attempt > 100) return res.body.items;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the audit trail of a running server', () => {
  it('records the Kubernetes API writes with who, what, the answer and the decision', async () => {
    const created = await admin.post(CM, { metadata: { name: 'audited' }, data: { k: 'v1' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('audit-id')).toMatch(/^[0-9a-f-]{36}$/);
    const cm = created.body;
    expect((await admin.put(`${CM}/audited`, { ...cm, data: { k: 'v2' } })).status).toBe(200);
    const patched = await fetch(`${server.url}${CM}/audited`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { k: 'v3' } }),
    });
    expect(patched.status).toBe(200);
    expect((await admin.delete(`${CM}/audited`)).status).toBe(200);
    const items = await records('resource=configmaps&namespace=default&name=audited', (i) => i.length >= 4);
    expect(items.map((e) => e.verb).reverse()).toEqual(['create', 'update', 'patch', 'delete']);
    const create = items.find((e) => e.verb === 'create');
    expect(create).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      stage: 'ResponseComplete',
      auditID: created.headers.get('audit-id'),
      requestURI: CM,
      user: { username: 'admin', groups: expect.arrayContaining(['system:authenticated']) },
      sourceIPs: expect.arrayContaining(['127.0.0.1']),
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' },
      responseStatus: { code: 201 },
      requestObject: { metadata: { name: 'audited' }, data: { k: 'v1' } },
      responseObject: { kind: 'ConfigMap', metadata: { name: 'audited' } },
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': expect.any(String) },
    });
    expect(create?.userAgent).toBeTruthy();
  });

  it('never records the value of a Secret', async () => {
    const value = Buffer.from('hunter2-do-not-log').toString('base64');
    const res = await admin.post('/api/v1/namespaces/default/secrets', {
      metadata: { name: 'creds' },
      data: { password: value },
      stringData: { token: 'plain-secret-value' },
    });
    expect(res.status).toBe(201);
    expect((await admin.get('/api/v1/namespaces/default/secrets/creds')).status).toBe(200);
    const items = await records('resource=secrets&name=creds', (i) => i.length >= 2);
    const text = JSON.stringify(items);
    expect(text).not.toContain(value);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('plain-secret-value');
    expect(items.find((e) => e.verb === 'create')?.requestObject).toMatchObject({
      data: { password: '<redacted>' },
      stringData: { token: '<redacted>' },
    });
  });

  it('records failed and successful logins, token creation and user changes without their secrets', async () => {
    expect(
      (await client(server.url).post('/api/login', { username: 'admin', password: 'wrong-password' })).status,
    ).toBe(401);
    const token = await login(server.url);
    const created = await admin.post('/apis/entroos.io/v1/tokens', { name: 'audited token' });
    expect(created.status).toBe(201);
    const user = await admin.post('/apis/entroos.io/v1/users', {
      username: 'carol',
      password: 'carol-password-1',
      role: 'viewer',
    });
    expect(user.status).toBe(201);
    const changed = await admin.patch(`/apis/entroos.io/v1/users/${user.body.id}`, {
      password: 'carol-password-2',
      role: 'operator',
    });
    expect(changed.status).toBe(200);

    const logins = await records('verb=login', (i) => i.length >= 2);
    const failed = logins.find((e) => e.annotations?.['authentication.entroos.io/result'] === 'failure');
    expect(failed).toMatchObject({
      user: { username: 'admin' },
      responseStatus: { code: 401 },
      requestURI: '/api/login',
    });
    expect(failed?.annotations['authentication.entroos.io/reason']).toBeTruthy();
    expect(
      logins.some(
        (e) => e.annotations?.['authentication.entroos.io/result'] === 'success' && e.responseStatus.code === 201,
      ),
    ).toBe(true);

    const tokens = await records('resource=tokens&verb=create', (i) =>
      i.some((e) => e.objectRef?.name === created.body.id),
    );
    const users = await records('resource=users', (i) => i.length >= 2);
    expect(users.map((e) => e.verb).sort()).toEqual(['create', 'patch']);
    expect(users.find((e) => e.verb === 'patch')?.objectRef.name).toBe(user.body.id);
    const text = JSON.stringify([logins, tokens, users]);
    for (const secret of [
      ADMIN_PASSWORD,
      'wrong-password',
      'carol-password-1',
      'carol-password-2',
      token,
      created.body.token,
    ])
      expect(text).not.toContain(secret);
  });

  it('records refusals with the authorizer decision and its reason', async () => {
    const viewer = await userWithToken(server.url, adminToken, 'vic', 'viewer');
    const res = await client(server.url, viewer.token).post(CM, { metadata: { name: 'nope' } });
    expect(res.status).toBe(403);
    const [event] = await records('user=vic&resource=configmaps');
    expect(event).toMatchObject({
      verb: 'create',
      responseStatus: { code: 403 },
      annotations: { 'authorization.k8s.io/decision': 'forbid' },
    });
    expect(event.annotations['authorization.k8s.io/reason']).toMatch(/\S/);
    expect((await client(server.url).get('/api/v1/pods')).status).toBe(401);
    const anonymous = await records('user=system:anonymous');
    expect(anonymous.some((e) => e.responseStatus.code === 401)).toBe(true);
  });

  it('records socket subscriptions', async () => {
    const socket = connectSocket(server.url, adminToken);
    try {
      await connected(socket);
      expect(await subscribe(socket, { id: 'x', resource: 'pods', namespace: 'kube-system' })).toMatchObject({
        ok: true,
      });
      const [event] = await records('verb=watch&resource=pods&namespace=kube-system');
      expect(event).toMatchObject({
        user: { username: 'admin' },
        annotations: { 'audit.entroos.io/transport': 'socket.io', 'authorization.k8s.io/decision': 'allow' },
        responseStatus: { code: 200 },
      });
    } finally {
      socket.close();
    }
  });

  it('records logouts with the user who logged out', async () => {
    const user = await admin.post('/apis/entroos.io/v1/users', {
      username: 'lou',
      password: 'lou-password-1',
      role: 'viewer',
    });
    expect(user.status).toBe(201);
    const cookie = await signIn(server.url, 'lou', 'lou-password-1');
    expect(await signOut(server.url, cookie, { 'user-agent': 'audit-test-browser' })).toBe(200);
    const [event] = await records('verb=logout&user=lou');
    expect(event).toMatchObject({
      verb: 'logout',
      requestURI: '/api/auth/signout',
      user: { username: 'lou', uid: user.body.id, groups: expect.arrayContaining(['entroos:viewer']) },
      sourceIPs: ['127.0.0.1'],
      userAgent: 'audit-test-browser',
      responseStatus: { code: 200 },
    });
  });

  it('records refused socket handshakes: who if anyone, from where, with what client, and why', async () => {
    const handshake = (options: Partial<ManagerOptions & SocketOptions>) =>
      new Promise<string>((resolve) => {
        const socket = io(server.url, {
          path: '/socket.io',
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          ...options,
        });
        socket.once('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.once('connect_error', (err) => {
          socket.close();
          resolve(err.message);
        });
      });
    expect(
      await handshake({
        auth: { token: 'eos_this-token-does-not-exist' },
        // From a peer that is no trusted proxy: kept as a claim, never as the source.
        extraHeaders: { 'user-agent': 'audit-test-socket/1', 'x-forwarded-for': '6.6.6.6' },
      }),
    ).toMatch(/^Unauthorized: /);
    const cookie = await signIn(server.url, 'admin', ADMIN_PASSWORD);
    expect(
      await handshake({
        extraHeaders: { cookie, origin: 'http://evil.example', 'user-agent': 'audit-test-socket/2' },
      }),
    ).toMatch(/^Forbidden: /);

    const socketOnes = (items: Event[]) =>
      items.filter(
        (e) => e.annotations?.['audit.entroos.io/transport'] === 'socket.io' && e.responseStatus.code >= 400,
      );
    const refused = socketOnes(await records('verb=get', (items) => socketOnes(items).length >= 2));
    expect(refused.find((e) => e.responseStatus.code === 401)).toMatchObject({
      verb: 'get',
      requestURI: '/socket.io/',
      user: { username: 'system:anonymous' },
      sourceIPs: ['127.0.0.1'],
      userAgent: 'audit-test-socket/1',
      responseStatus: { code: 401, message: expect.stringMatching(/token/i) },
      annotations: {
        'authentication.entroos.io/reason': expect.stringMatching(/token/i),
        'audit.entroos.io/unverified-forwarded-for': '6.6.6.6',
      },
    });
    expect(refused.find((e) => e.responseStatus.code === 403)).toMatchObject({
      user: { username: 'admin' },
      sourceIPs: ['127.0.0.1'],
      userAgent: 'audit-test-socket/2',
      annotations: {
        'authorization.k8s.io/decision': 'forbid',
        'authorization.k8s.io/reason': expect.stringContaining('http://evil.example'),
      },
    });
  });

  it('verifies, and names the first bad record once the database is tampered with', async () => {
    // Everything so far reached the chain, the file and the webhook.
    const events = await records('');
    const verified = await admin.get(`${AUDIT}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.message).toMatch(/^ok: \d+ records, \d+ checkpoints$/);
    expect(verified.body.records).toBeGreaterThanOrEqual(events.length - 5);
    for (let i = 0; i < 100 && received.length < events.length - 5; i++) await new Promise((r) => setTimeout(r, 100));
    expect(new Set(received.map((e) => e.auditID))).toContain(events[events.length - 1].auditID);
    const file = await verifyAuditFiles([join(dir, 'audit.jsonl')], verified.body.publicKeyPem);
    expect(file).toMatchObject({ ok: true });

    const db = new Database(join(dir, 'entroos.db'));
    try {
      db.prepare(
        `UPDATE "AuditRecord" SET "event" = replace("event", '"verb":"create"', '"verb":"get"') WHERE "seq" = ?`,
      ).run((db.prepare(`SELECT min("seq") AS s FROM "AuditRecord" WHERE "verb" = 'create'`).get() as { s: number }).s);
    } finally {
      db.close();
    }
    const bad = await admin.get(`${AUDIT}/verify`);
    expect(bad.body).toMatchObject({ ok: false, problem: 'changed' });
    expect(bad.body.message).toMatch(/^audit verify: record #\d+ is changed/);
    const script = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: `file:${join(dir, 'entroos.db')}`,
        ENTROOS_SECRET_KEY: 'ZW50cm9vcy10ZXN0LXNlY3JldC1rZXktMzItYnl0ZXM=',
      },
    }).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => err,
    );
    expect(script.code).toBe(1);
    expect(script.stdout).toContain(`audit verify: record #${bad.body.seq} is changed`);
  }, 60_000);

  it('reports the controls in force as JSON, CSV and printable HTML', async () => {
    const json = await admin.get(`${AUDIT}/compliance`);
    expect(json.status).toBe(200);
    expect(json.body.controls.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([
        'authentication',
        'rbac',
        'rate-limits',
        'tls',
        'encryption-at-rest',
        'audit',
        'sessions',
      ]),
    );
    const csv = await admin.get(`${AUDIT}/compliance?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('control,name,status,evidence,value');
    const html = await admin.get(`${AUDIT}/compliance?format=html`);
    expect(html.text).toContain('@media print');
    expect(html.text).toContain('Audit coverage');
    expect((await admin.get(`${AUDIT}/compliance?format=pdf`)).status).toBe(400);
    const viewer = await userWithToken(server.url, adminToken, 'val', 'viewer');
    expect((await client(server.url, viewer.token).get(`${AUDIT}/events`)).status).toBe(403);
  });
});
