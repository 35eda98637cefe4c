import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/apimachinery/errors.ts';
import type { Container, Volume } from '@/lib/apimachinery/generated/kinds.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { validateObject } from '@/lib/apiserver/validation.ts';
import { toTable } from '@/lib/apiserver/tables.ts';
import { can } from '@/lib/auth/rbac.ts';
import { ConfigError, loadConfig } from '@/lib/config.ts';
import { containerFiles, resolveEnv, resolveVolumes, type ConfigLookup } from '@/lib/kubelet/container-config.ts';
import { WatchCache, type KubeObject } from '@/lib/store/index.ts';
import { admitPod } from '@/lib/kubelet/admission.ts';
import type { PodObject } from '@/lib/kubelet/backend.ts';
import { simNode } from '@/lib/kubelet/node-registration.ts';
import { syncContainers } from '@/lib/kubelet/pod-worker.ts';
import { mixedFleet } from '@/lib/kubelet/profiles.ts';
import { ImageRegistry } from '@/lib/kubelet/runtime/registry.ts';
import { loadOrCreateKeyFile, parseSecretKey, secretCipher, SecretKeyError } from '@/lib/store/secret-cipher.ts';

const SECRETS = typeByKey('secrets');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function api() {
  const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 100, persist: async () => {} });
  const objects = new ObjectApi(cache);
  cache.write('namespaces', undefined, 'default', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'default', uid: 'ns-default', resourceVersion: '' },
  });
  return objects;
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError)
      return { code: err.code, reason: err.reason, message: err.message, causes: err.details?.causes ?? [] };
    throw err;
  }
  throw new Error('expected the write to be refused');
}

describe('Secret validation (ValidateSecret)', () => {
  const secret = (type: string | undefined, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'default' },
    ...(type ? { type } : {}),
    data,
    ...extra,
  });
  const fields = (obj: unknown, old?: unknown) => validateObject('Secret', obj, true, old).map((c) => c.field);

  it('accepts Opaque data with valid config keys', () => {
    expect(fields(secret('Opaque', { 'a.b_c-D9': b64('x') }))).toEqual([]);
  });

  it('refuses keys that are not config keys, naming data[key]', () => {
    const causes = validateObject('Secret', secret('Opaque', { 'no/slash': b64('x'), '..dots': b64('y') }), true);
    expect(causes.map((c) => c.field)).toEqual(['data[no/slash]', 'data[..dots]']);
    expect(causes[0].message).toContain("regex used for validation is '[-._a-zA-Z0-9]+'");
    expect(causes[1].message).toContain("must not start with '..'");
  });

  it('requires tls.crt and tls.key for kubernetes.io/tls', () => {
    expect(fields(secret('kubernetes.io/tls', {}))).toEqual(['data[tls.crt]', 'data[tls.key]']);
    expect(fields(secret('kubernetes.io/tls', { 'tls.crt': b64('c'), 'tls.key': b64('k') }))).toEqual([]);
  });

  it('requires valid JSON in .dockerconfigjson, without echoing the value', () => {
    expect(fields(secret('kubernetes.io/dockerconfigjson', {}))).toEqual(['data[.dockerconfigjson]']);
    const causes = validateObject(
      'Secret',
      secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('hunter2{') }),
      true,
    );
    expect(causes.map((c) => c.field)).toEqual(['data[.dockerconfigjson]']);
    expect(causes[0].message).toContain('<secret contents redacted>');
    expect(causes[0].message).not.toContain('hunter2');
    expect(fields(secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('{"auths":{}}') }))).toEqual([]);
  });

  it('requires username or password for basic-auth, ssh-privatekey for ssh-auth, the account for SA tokens', () => {
    expect(fields(secret('kubernetes.io/basic-auth', {}))).toEqual(['data[username]', 'data[password]']);
    expect(fields(secret('kubernetes.io/basic-auth', { password: b64('p') }))).toEqual([]);
    expect(fields(secret('kubernetes.io/ssh-auth', {}))).toEqual(['data[ssh-privatekey]']);
    expect(fields(secret('kubernetes.io/service-account-token', {}))).toEqual([
      'metadata.annotations[kubernetes.io/service-account.name]',
    ]);
    expect(fields(secret('bootstrap.kubernetes.io/token', { 'token-id': b64('abcdef') }))).toEqual([]);
  });

  it('limits a secret to 1 MiB of keys and decoded values', () => {
    const big = Buffer.alloc(1024 * 1024).toString('base64');
    const causes = validateObject('Secret', secret('Opaque', { big }), true);
    expect(causes).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: 'data' },
    ]);
    expect(fields(secret('Opaque', { b: Buffer.alloc(1024 * 1024 - 1).toString('base64') }))).toEqual([]);
  });

  it('keeps type immutable, and data and immutable once immutable is set', () => {
    const old = secret('Opaque', { a: b64('1') }, { immutable: true });
    const causes = validateObject(
      'Secret',
      secret('kubernetes.io/tls', { a: b64('2'), 'tls.crt': b64('c'), 'tls.key': b64('k') }, { immutable: false }),
      true,
      old,
    );
    expect(causes.map((c) => [c.field, c.reason])).toEqual([
      ['type', 'FieldValueInvalid'],
      ['immutable', 'FieldValueForbidden'],
      ['data', 'FieldValueForbidden'],
    ]);
    expect(causes[0].message).toBe('Invalid value: "kubernetes.io/tls": field is immutable');
    expect(causes[1].message).toBe('Forbidden: field is immutable when `immutable` is set');
    // Metadata may still change; the same data with other padding is the same data.
    expect(fields(secret('Opaque', { a: b64('1') }, { immutable: true }), old)).toEqual([]);
  });
});

describe('stringData on every write path', () => {
  let objects: ObjectApi;
  beforeEach(() => {
    objects = api();
  });

  it('create merges stringData into data (stringData wins), defaults the type, and stores no stringData', async () => {
    const created = await objects.create(SECRETS, 'default', {
      metadata: { name: 'db' },
      data: { user: b64('old'), keep: b64('k') },
      stringData: { user: 'admin', password: 's3cr3t' },
    });
    expect(created.data).toEqual({ user: b64('admin'), keep: b64('k'), password: b64('s3cr3t') });
    expect(created.type).toBe('Opaque');
    expect(created).not.toHaveProperty('stringData');
    expect(objects.get(SECRETS, 'default', 'db')).not.toHaveProperty('stringData');
  });

  it('update, every patch type and server-side apply merge stringData too', async () => {
    await objects.create(SECRETS, 'default', { metadata: { name: 'db' }, stringData: { a: '1' } });
    const current = objects.get(SECRETS, 'default', 'db');
    const updated = await objects.update(SECRETS, 'default', 'db', { ...current, stringData: { b: '2' } });
    expect(updated.data).toEqual({ a: b64('1'), b: b64('2') });
    expect(updated).not.toHaveProperty('stringData');

    const merged = await objects.patch(SECRETS, 'default', 'db', 'merge', { stringData: { c: '3' } });
    expect(merged.data).toMatchObject({ c: b64('3') });
    const strategic = await objects.patch(SECRETS, 'default', 'db', 'strategic', { stringData: { d: '4' } });
    expect(strategic.data).toMatchObject({ d: b64('4') });
    const json = await objects.patch(SECRETS, 'default', 'db', 'json', [
      { op: 'add', path: '/stringData', value: { e: '5' } },
    ]);
    expect(json.data).toMatchObject({ e: b64('5') });
    for (const o of [merged, strategic, json]) expect(o).not.toHaveProperty('stringData');

    const applied = await objects.apply(
      SECRETS,
      'default',
      'applied',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'applied' }, stringData: { token: 'abc' } },
      { fieldManager: 'test' },
    );
    expect(applied.created).toBe(true);
    expect(applied.object.data).toEqual({ token: b64('abc') });
    expect(applied.object).not.toHaveProperty('stringData');
    const again = await objects.apply(
      SECRETS,
      'default',
      'applied',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'applied' }, stringData: { token: 'xyz' } },
      { fieldManager: 'test' },
    );
    expect(again.object.data).toEqual({ token: b64('xyz') });
    expect(again.object).not.toHaveProperty('stringData');
  });

  it('validates stringData keys as data keys, and refuses type changes and immutable edits with a 422', async () => {
    const bad = await rejection(
      objects.create(SECRETS, 'default', { metadata: { name: 'x' }, stringData: { 'a b': 'v' } }),
    );
    expect(bad.code).toBe(422);
    expect(bad.causes.map((c) => c.field)).toEqual(['data[a b]']);
    expect(bad.message).not.toContain('"v"');

    await objects.create(SECRETS, 'default', { metadata: { name: 'frozen' }, stringData: { a: '1' }, immutable: true });
    const changed = await rejection(objects.patch(SECRETS, 'default', 'frozen', 'merge', { stringData: { a: '2' } }));
    expect(changed.code).toBe(422);
    expect(changed.causes.map((c) => c.field)).toEqual(['data']);
    const retyped = await rejection(
      objects.patch(SECRETS, 'default', 'frozen', 'merge', { type: 'kubernetes.io/basic-auth' }),
    );
    expect(retyped.causes.map((c) => c.field)).toContain('type');
    // Labels of an immutable secret may change.
    const labelled = await objects.patch(SECRETS, 'default', 'frozen', 'merge', { metadata: { labels: { a: 'b' } } });
    expect(labelled.metadata.labels).toEqual({ a: 'b' });
  });

  it('refuses data that is not base64 with the decoder 400, like kube-apiserver', async () => {
    const bad = await rejection(
      objects.create(SECRETS, 'default', { metadata: { name: 'x' }, data: { a: 'not base64!' } }),
    );
    expect(bad.code).toBe(400);
    expect(bad.message).toContain('illegal base64 data at input byte');
  });

  it('prints NAME TYPE DATA AGE', async () => {
    const created = await objects.create(SECRETS, 'default', {
      metadata: { name: 'db' },
      stringData: { a: '1', b: '2' },
    });
    const table = toTable(SECRETS, [created], {}, 'None');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(table.rows[0].cells.slice(0, 3)).toEqual(['db', 'Opaque', 2]);
  });
});

describe('who may read secrets', () => {
  it('viewers may not read or write them; operators and admins may do both', () => {
    for (const verb of ['get', 'list', 'watch', 'create', 'delete'] as const) {
      expect(can('viewer', verb, 'secrets')).toBe(false);
      expect(can('operator', verb, 'secrets')).toBe(true);
      expect(can('admin', verb, 'secrets')).toBe(true);
    }
    expect(can('viewer', 'list', 'configmaps')).toBe(true);
  });
});

describe('encryption at rest', () => {
  const key = randomBytes(32);

  it('round-trips under a fresh nonce each time, bound to its row', () => {
    const cipher = secretCipher(key);
    const a = cipher.encrypt('{"data":{"p":"czNjcjN0"}}', 'secrets/default/db');
    const b = cipher.encrypt('{"data":{"p":"czNjcjN0"}}', 'secrets/default/db');
    expect(a).not.toBe(b);
    expect(a.startsWith(`enc:aesgcm:${cipher.keyId}:`)).toBe(true);
    expect(a).not.toContain('czNjcjN0');
    expect(cipher.decrypt(a, 'secrets/default/db')).toBe('{"data":{"p":"czNjcjN0"}}');
    expect(() => cipher.decrypt(a, 'secrets/default/other')).toThrow(/does not authenticate/);
    const flipped = a.slice(0, -4) + (a.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => cipher.decrypt(flipped, 'secrets/default/db')).toThrow(SecretKeyError);
  });

  it('names the key a row was written with, reads older keys, and passes plaintext rows through', () => {
    const old = secretCipher(key);
    const row = old.encrypt('{}', 'secrets/ns/a');
    const other = secretCipher(randomBytes(32));
    expect(() => other.decrypt(row, 'secrets/ns/a')).toThrow(new RegExp(`encrypted with key ${old.keyId}`));
    const rotated = secretCipher(randomBytes(32), [key]);
    expect(rotated.decrypt(row, 'secrets/ns/a')).toBe('{}');
    expect(rotated.decrypt('{"plain":true}', 'secrets/ns/a')).toBe('{"plain":true}');
  });

  it('generates the key file once with mode 0600 and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-key-'));
    const path = join(dir, 'sub', 'secret-encryption.key');
    const first = loadOrCreateKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKeyFile(path).equals(first)).toBe(true);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    writeFileSync(path, 'short');
    expect(() => loadOrCreateKeyFile(path)).toThrow(/must be base64 of 32 random bytes/);
    expect(() => parseSecretKey(Buffer.alloc(16).toString('base64'), 'X')).toThrow(/decode to 32 bytes/);
  });

  it('validates ENTROOS_SECRET_KEY, and requires it with several instances', () => {
    const good = randomBytes(32).toString('base64');
    expect(loadConfig({ ENTROOS_SECRET_KEY: good }, tmpdir()).secretKey).toBe(good);
    expect(() => loadConfig({ ENTROOS_SECRET_KEY: 'dG9vIHNob3J0' }, tmpdir())).toThrow(ConfigError);
    expect(() => loadConfig({ ENTROOS_SECRET_KEY: 'dG9vIHNob3J0' }, tmpdir())).toThrow(
      'invalid configuration: ENTROOS_SECRET_KEY must be base64 of exactly 32 bytes (generate one with `openssl rand -base64 32`) (got "***")',
    );
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, tmpdir())).toThrow(
      'invalid configuration: ENTROOS_SECRET_KEY must be set on every instance when REDIS_URL is set (all instances must encrypt Secrets with the same key)',
    );
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', ENTROOS_SECRET_KEY: good }, tmpdir()).secretKey).toBe(
      good,
    );
  });
});

describe('the kubelet resolves env and volumes from Secrets and ConfigMaps', () => {
  const objects: Record<string, KubeObject> = {
    'secrets/default/db': {
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'default', uid: '1', resourceVersion: '1' },
      data: { user: b64('admin'), password: b64('s3cr3t') },
    },
    'configmaps/default/app': {
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'default', uid: '2', resourceVersion: '1' },
      data: { MODE: 'fast' },
      binaryData: { blob: b64('bin') },
    },
  };
  const lookup: ConfigLookup = (resource, namespace, name) => objects[`${resource}/${namespace}/${name}`] ?? null;
  const pod = { namespace: 'default', name: 'p', uid: 'u', nodeName: 'n1', podIP: '10.0.0.2', hostIP: '172.16.0.1' };
  const env = (container: Partial<Container>) => resolveEnv({ name: 'c', ...container }, pod, lookup);

  it('builds the environment: envFrom, then env with secretKeyRef, configMapKeyRef, fieldRef and $(VAR)', () => {
    expect(
      env({
        envFrom: [{ secretRef: { name: 'db' }, prefix: 'DB_' }, { configMapRef: { name: 'app' } }],
        env: [
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'MODE2', valueFrom: { configMapKeyRef: { name: 'app', key: 'MODE' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'URL', value: 'postgres://$(DB_user)@db/$(MISSING)$$(x)' },
          { name: 'OPT', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } },
        ],
      }),
    ).toEqual({
      ok: true,
      value: {
        DB_user: 'admin',
        DB_password: 's3cr3t',
        MODE: 'fast',
        blob: 'bin',
        PASSWORD: 's3cr3t',
        MODE2: 'fast',
        POD: 'p',
        URL: 'postgres://admin@db/$(MISSING)$(x)',
      },
    });
  });

  it('fails with kubelet messages for a missing object or key', () => {
    expect(env({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }] })).toEqual({
      ok: false,
      pending: false,
      message: 'secret "gone" not found',
    });
    expect(env({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }] })).toEqual({
      ok: false,
      pending: false,
      message: "couldn't find key k in Secret default/db",
    });
    expect(env({ envFrom: [{ configMapRef: { name: 'gone' } }] })).toMatchObject({
      message: 'configmap "gone" not found',
    });
    expect(env({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app', key: 'k' } } }] })).toMatchObject({
      message: "couldn't find key k in ConfigMap default/app",
    });
  });

  it('mounts secret and configMap volumes as files, or fails with MountVolume.SetUp', () => {
    const volumes: Volume[] = [
      { name: 'creds', secret: { secretName: 'db' } },
      { name: 'cfg', configMap: { name: 'app', items: [{ key: 'MODE', path: 'mode.txt' }] } },
      { name: 'opt', secret: { secretName: 'nope', optional: true } },
      { name: 'scratch', emptyDir: {} },
    ];
    const mounted = resolveVolumes(volumes, 'default', lookup);
    if (!mounted.ok) throw new Error('expected the volumes to mount');
    const files = containerFiles(
      {
        name: 'c',
        volumeMounts: [
          { name: 'creds', mountPath: '/etc/creds/' },
          { name: 'cfg', mountPath: '/etc/app' },
          { name: 'creds', mountPath: '/run/pw', subPath: 'password' },
        ],
      },
      mounted.value,
    );
    expect(Object.fromEntries([...files].map(([k, v]) => [k, v.toString()]))).toEqual({
      '/etc/creds/user': 'admin',
      '/etc/creds/password': 's3cr3t',
      '/etc/app/mode.txt': 'fast',
      '/run/pw': 's3cr3t',
    });
    expect(resolveVolumes([{ name: 'v', secret: { secretName: 'gone' } }], 'default', lookup)).toMatchObject({
      ok: false,
      message: 'MountVolume.SetUp failed for volume "v" : secret "gone" not found',
    });
    expect(
      resolveVolumes(
        [{ name: 'v', secret: { secretName: 'db', items: [{ key: 'nokey', path: 'x' }] } }],
        'default',
        lookup,
      ),
    ).toMatchObject({ message: 'MountVolume.SetUp failed for volume "v" : references non-existent secret key: nokey' });
  });
});

describe('a container start on a simulated node', () => {
  const secretObject: KubeObject = {
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'default', uid: 's1', resourceVersion: '1' },
    data: { password: b64('s3cr3t') },
  };
  function admitted(lookup: ConfigLookup) {
    const node = simNode(mixedFleet(1)[0], 0, Date.now(), 10);
    const events: string[] = [];
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'pod-uid', resourceVersion: '1' },
      spec: {
        nodeName: node.spec.name,
        volumes: [{ name: 'creds', secret: { secretName: 'db' } }],
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            imagePullPolicy: 'IfNotPresent',
            env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
            volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }],
          },
        ],
      },
    } as PodObject;
    const settings = { registry: new ImageRegistry(), pullBytesPerSecond: 2 ** 30, crashBackoffMs: 1000, seed: 1 };
    const event = (type: string, reason: string, message: string) => void events.push(`${type} ${reason}: ${message}`);
    const sim = admitPod(pod, node, settings, event);
    const step = (at: number) => syncContainers(sim, at, { ...settings, lookupConfig: lookup }, event, () => {});
    return { sim, events, step };
  }

  it('hands the runtime the resolved env and files, and logs no value', () => {
    const { sim, events, step } = admitted((resource, ns, name) =>
      resource === 'secrets' && name === 'db' ? secretObject : null,
    );
    step(Date.now() + 60_000);
    const c = sim.containers[0];
    expect(c.state.kind).toBe('running');
    expect(c.config?.env).toEqual({ PASSWORD: 's3cr3t' });
    expect(c.config?.files.get('/etc/creds/password')?.toString()).toBe('s3cr3t');
    const visible = [...events, ...(c.run?.events ?? []).map((e) => e.text)].join('\n');
    expect(visible).not.toContain('s3cr3t');
    expect(visible).not.toContain(b64('s3cr3t'));
  });

  it('retries a missing secret: FailedMount first, then the start once it exists', () => {
    let exists = false;
    const { sim, events, step } = admitted((resource, ns, name) => (exists && name === 'db' ? secretObject : null));
    const t0 = Date.now() + 60_000;
    step(t0);
    const c = sim.containers[0];
    expect(c.state).toMatchObject({ kind: 'waiting', reason: 'ContainerCreating' });
    expect(events).toContain(
      'Warning FailedMount: MountVolume.SetUp failed for volume "creds" : secret "db" not found',
    );
    expect(c.nextAt).toBeGreaterThan(t0);
    exists = true;
    step(c.nextAt ?? 0);
    expect(c.state.kind).toBe('running');
    expect(c.config?.env.PASSWORD).toBe('s3cr3t');
  });
});
