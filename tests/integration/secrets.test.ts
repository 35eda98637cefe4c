import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';
import { connectSocket, connected, subscribe } from '../helpers/socket.ts';

// Secrets end to end against a real server with simulated nodes: kubectl's typed `create secret` commands, the
// stored form (base64 data, never stringData), kube-apiserver's 422s, viewers refused, values absent from the log
// and from events, and pods whose env and volumes name a Secret that does not exist yet.

const VALUE = `s3cr3t-${randomBytes(8).toString('hex')}`;
const DOCKER_PASSWORD = `dockerpw-${randomBytes(8).toString('hex')}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Every form in which VALUE or the docker password could leak. */
const leaked = (text: string) =>
  [VALUE, b64(VALUE), DOCKER_PASSWORD, b64(DOCKER_PASSWORD)].filter((needle) => text.includes(needle));

let server: TestServer;
let api: ReturnType<typeof client>;
let kubectl: Kubectl;
let adminToken: string;
const NS = '/api/v1/namespaces/default';

beforeAll(async () => {
  server = await startServer({
    env: { ENTROOS_NODES: '2', ENTROOS_CRASH_BACKOFF_MS: '300', LOG_LEVEL: 'debug' },
  });
  adminToken = await login(server.url);
  api = client(server.url, adminToken);
  kubectl = await kubectlFor(server);
});
afterAll(async () => {
  await server?.stop();
});

const podStatus = async (name: string) => (await api.get(`${NS}/pods/${name}`)).body.status;
const eventsOf = async (name: string) =>
  ((await api.get(`${NS}/events?fieldSelector=involvedObject.name%3D${name}`)).body.items ?? []) as {
    reason: string;
    message: string;
    type: string;
  }[];

describe('kubectl create secret', () => {
  it('generic --from-literal stores base64 data, prints NAME TYPE DATA AGE, and returns no stringData', async () => {
    await kubectl.run(
      'create',
      'secret',
      'generic',
      'db',
      `--from-literal=password=${VALUE}`,
      '--from-literal=user=admin',
    );
    const yaml = await kubectl.run('get', 'secret', 'db', '-o', 'yaml');
    expect(yaml).toContain(`password: ${b64(VALUE)}`);
    expect(yaml).toContain(`user: ${b64('admin')}`);
    expect(yaml).toContain('type: Opaque');
    expect(yaml).not.toContain('stringData');
    const table = await kubectl.run('get', 'secrets');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE$/);
    expect(table).toMatch(/\ndb\s+Opaque\s+2\s+\d+s/);
  });

  it('tls --cert --key stores a kubernetes.io/tls secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-tls-'));
    const [cert, key] = [join(dir, 'tls.crt'), join(dir, 'tls.key')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=web.example',
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    await kubectl.run('create', 'secret', 'tls', 'web-tls', `--cert=${cert}`, `--key=${key}`);
    const secret = (await api.get(`${NS}/secrets/web-tls`)).body;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(secret.data['tls.crt'], 'base64').toString()).toBe(readFileSync(cert, 'utf8'));
    expect(Buffer.from(secret.data['tls.key'], 'base64').toString()).toBe(readFileSync(key, 'utf8'));
    expect(await kubectl.run('get', 'secret', 'web-tls')).toMatch(/web-tls\s+kubernetes\.io\/tls\s+2/);
  });

  it('docker-registry stores a .dockerconfigjson holding the credentials', async () => {
    await kubectl.run(
      'create',
      'secret',
      'docker-registry',
      'registry',
      '--docker-server=registry.example:5000',
      '--docker-username=robot',
      `--docker-password=${DOCKER_PASSWORD}`,
    );
    const secret = (await api.get(`${NS}/secrets/registry`)).body;
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString());
    expect(config.auths['registry.example:5000']).toMatchObject({ username: 'robot', password: DOCKER_PASSWORD });
  });

  it('apply with stringData stores it as data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-apply-'));
    const file = join(dir, 'secret.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\ntype: kubernetes.io/basic-auth\nstringData:\n  username: ops\n',
    );
    await kubectl.run('apply', '--server-side', '-f', file);
    const secret = (await api.get(`${NS}/secrets/applied`)).body;
    expect(secret.data).toEqual({ username: b64('ops') });
    expect(secret).not.toHaveProperty('stringData');
  });
});

describe('validation', () => {
  it('answers 422 with causes naming the field, as kube-apiserver words them', async () => {
    const tls = await api.post(`${NS}/secrets`, {
      metadata: { name: 'half-tls' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': 'x' },
    });
    expect(tls.status).toBe(422);
    expect(tls.body).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      details: { kind: 'Secret', name: 'half-tls' },
    });
    expect(tls.body.details.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'data[tls.key]' },
    ]);
    expect(tls.body.message).toBe('Secret "half-tls" is invalid: data[tls.key]: Required value');

    const key = await api.post(`${NS}/secrets`, { metadata: { name: 'bad-key' }, data: { 'a/b': b64('v') } });
    expect(key.status).toBe(422);
    expect(key.body.details.causes[0].field).toBe('data[a/b]');

    const docker = await api.post(`${NS}/secrets`, {
      metadata: { name: 'bad-docker' },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': `{not json ${VALUE}` },
    });
    expect(docker.status).toBe(422);
    expect(docker.body.details.causes[0].field).toBe('data[.dockerconfigjson]');
    expect(leaked(docker.text)).toEqual([]);

    const basic = await api.post(`${NS}/secrets`, {
      metadata: { name: 'bad-basic' },
      type: 'kubernetes.io/basic-auth',
    });
    expect(basic.body.details.causes.map((c: { field: string }) => c.field)).toEqual([
      'data[username]',
      'data[password]',
    ]);

    const huge = await api.post(`${NS}/secrets`, {
      metadata: { name: 'huge' },
      data: { big: Buffer.alloc(1024 * 1024 + 1).toString('base64') },
    });
    expect(huge.status).toBe(422);
    expect(huge.body.details.causes).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: 'data' },
    ]);

    const notBase64 = await api.post(`${NS}/secrets`, { metadata: { name: 'raw' }, data: { a: 'plain text!' } });
    expect(notBase64.status).toBe(400);
  });

  it('keeps type immutable, and data once immutable is set (kubectl shows the 422)', async () => {
    const retype = await kubectl.exec('patch', 'secret', 'db', '-p', '{"type":"kubernetes.io/basic-auth"}');
    expect(retype.code).not.toBe(0);
    expect(retype.stderr).toContain(
      'Secret "db" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    );

    await kubectl.run('create', 'secret', 'generic', 'frozen', '--from-literal=a=1');
    await kubectl.run('patch', 'secret', 'frozen', '-p', '{"immutable":true}');
    const change = await kubectl.exec('patch', 'secret', 'frozen', '-p', '{"stringData":{"a":"2"}}');
    expect(change.code).not.toBe(0);
    expect(change.stderr).toContain('data: Forbidden: field is immutable when `immutable` is set');
    await kubectl.run('label', 'secret', 'frozen', 'tier=db');
    expect((await api.get(`${NS}/secrets/frozen`)).body.metadata.labels).toEqual({ tier: 'db' });
  });
});

describe('who may read secrets', () => {
  it('refuses viewers get, list and watch with a 403 Status; operators read them', async () => {
    const viewer = await userWithToken(server.url, adminToken, 'secret-viewer', 'viewer');
    const operator = await userWithToken(server.url, adminToken, 'secret-operator', 'operator');
    const asViewer = client(server.url, viewer.token);
    for (const path of [`${NS}/secrets/db`, `${NS}/secrets`, '/api/v1/secrets', `${NS}/secrets?watch=true`]) {
      const res = await asViewer.get(path);
      expect(res.status, path).toBe(403);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      expect(leaked(res.text)).toEqual([]);
    }
    // Viewers still read the other kinds.
    expect((await asViewer.get(`${NS}/configmaps`)).status).toBe(200);

    // Viewers may not make tokens of their own (npm run kubeconfig): kubectl runs with the one the admin issued.
    const denied = await kubectl.exec('--token', viewer.token, 'get', 'secret', 'db', '-o', 'yaml');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('Forbidden');
    expect(leaked(denied.stdout + denied.stderr)).toEqual([]);

    const socket = connectSocket(server.url, viewer.token);
    try {
      await connected(socket);
      const ack = await subscribe(socket, {
        id: 'secrets',
        stream: 'objects',
        resource: 'secrets',
        namespace: 'default',
      });
      expect(ack).toMatchObject({ ok: false, error: { code: 403, reason: 'Forbidden' } });
    } finally {
      socket.close();
    }

    const asOperator = client(server.url, operator.token);
    const read = await asOperator.get(`${NS}/secrets/db`);
    expect(read.status).toBe(200);
    expect(read.body.data.password).toBe(b64(VALUE));
    expect(
      (await asOperator.post(`${NS}/secrets`, { metadata: { name: 'by-operator' }, stringData: { a: 'b' } })).status,
    ).toBe(201);
  });
});

describe('secrets in pods', () => {
  const pod = (name: string, spec: Record<string, unknown>) => ({
    metadata: { name },
    spec: {
      containers: [{ name: 'app', image: 'busybox:1.36', ...spec }],
    },
  });

  it('leaves a container in CreateContainerConfigError until the secret it names exists, then starts it', async () => {
    const created = await api.post(
      `${NS}/pods`,
      pod('needs-secret', {
        env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'late', key: 'password' } } }],
        envFrom: [{ secretRef: { name: 'db' } }],
      }),
    );
    expect(created.status).toBe(201);
    const waiting = await until(
      async () => {
        const state = (await podStatus('needs-secret'))?.containerStatuses?.[0]?.state?.waiting;
        return state?.reason === 'CreateContainerConfigError' ? state : undefined;
      },
      'CreateContainerConfigError',
      20_000,
    );
    expect(waiting.message).toBe('secret "late" not found');
    const failed = await until(
      async () => (await eventsOf('needs-secret')).find((e) => e.reason === 'Failed'),
      'the Failed event',
    );
    expect(failed).toMatchObject({ type: 'Warning', message: 'Error: secret "late" not found' });

    // The secret exists, but not the key yet.
    await api.post(`${NS}/secrets`, { metadata: { name: 'late' }, stringData: { other: VALUE } });
    await until(
      async () =>
        (await podStatus('needs-secret'))?.containerStatuses?.[0]?.state?.waiting?.message ===
        "couldn't find key password in Secret default/late",
      'the missing key message',
      20_000,
    );
    await kubectl.run('patch', 'secret', 'late', '-p', JSON.stringify({ stringData: { password: VALUE } }));
    await until(async () => (await podStatus('needs-secret'))?.phase === 'Running', 'the pod to run', 20_000);
  });

  it('keeps a pod ContainerCreating with FailedMount until its secret volume can be mounted', async () => {
    await api.post(`${NS}/pods`, {
      metadata: { name: 'mounts-secret' },
      spec: {
        volumes: [{ name: 'creds', secret: { secretName: 'mount-me' } }],
        containers: [
          { name: 'app', image: 'busybox:1.36', volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }] },
        ],
      },
    });
    const event = await until(
      async () => (await eventsOf('mounts-secret')).find((e) => e.reason === 'FailedMount'),
      'the FailedMount event',
      20_000,
    );
    expect(event).toMatchObject({
      type: 'Warning',
      message: 'MountVolume.SetUp failed for volume "creds" : secret "mount-me" not found',
    });
    const status = await podStatus('mounts-secret');
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    await api.post(`${NS}/secrets`, { metadata: { name: 'mount-me' }, stringData: { token: VALUE } });
    await until(async () => (await podStatus('mounts-secret'))?.phase === 'Running', 'the pod to run', 20_000);
  });

  it('never shows a secret value in events or in the server log', async () => {
    const events = await api.get('/api/v1/events');
    expect(events.status).toBe(200);
    expect(events.body.items.length).toBeGreaterThan(0);
    expect(leaked(events.text)).toEqual([]);
    // The log is at debug level and the server has handled every secret above.
    expect(server.output().length).toBeGreaterThan(0);
    expect(leaked(server.output())).toEqual([]);
  });
});

describe('encryption key', () => {
  it('is generated once into the data directory (0600) without ENTROOS_SECRET_KEY, and reused on restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'entroos-secret-key-'));
    const first = await startServer({ dataDir, env: { ENTROOS_SECRET_KEY: undefined } });
    try {
      const token = await login(first.url);
      const res = await client(first.url, token).post(`${NS}/secrets`, {
        metadata: { name: 'kept' },
        stringData: { v: VALUE },
      });
      expect(res.status).toBe(201);
    } finally {
      await first.stop();
    }
    const keyFile = join(dataDir, 'secret-encryption.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const db = readFileSync(join(dataDir, 'entroos.db')).toString('latin1');
    expect(leaked(db)).toEqual([]);

    const second = await startServer({ dataDir, env: { ENTROOS_SECRET_KEY: undefined } });
    try {
      const token = await login(second.url);
      const kept = await client(second.url, token).get(`${NS}/secrets/kept`);
      expect(kept.status).toBe(200);
      expect(kept.body.data).toEqual({ v: b64(VALUE) });
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('refuses to start with an invalid ENTROOS_SECRET_KEY, saying what it must be', async () => {
    const bad = await startServer({ env: { ENTROOS_SECRET_KEY: 'c2hvcnQ=' }, expectExit: true });
    expect(await bad.stop()).not.toBe(0);
    expect(bad.output()).toContain('ENTROOS_SECRET_KEY must be base64 of exactly 32 bytes');
    expect(bad.output()).not.toContain('c2hvcnQ=');
  }, 90_000);
});
