import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startServer, ROOT, ADMIN_PASSWORD, type TestServer } from '../helpers/server.ts';
import { client, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.ts';

// Secrets through the official JavaScript client, unmodified: typed create/read/list/replace/patch/delete, a watch,
// the 422s, and a viewer's 403 — on SQLite and PostgreSQL.

const b64 = (s: string) => Buffer.from(s).toString('base64');

function statusOf(err: unknown): {
  code?: number;
  body: { reason?: string; details?: { causes?: { field?: string }[] } };
} {
  const e = err as { code?: number; body?: unknown };
  const body = typeof e.body === 'string' ? JSON.parse(e.body) : (e.body ?? {});
  return { code: e.code, body };
}

describe.each(PROVIDERS)('Secrets with @kubernetes/client-node on $name', ({ create }) => {
  let server: TestServer;
  let database: TestDatabase;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    database = await create();
    server = await startServer({ env: { DATABASE_URL: database.url } });
    const out = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/kubeconfig.ts', '--server', server.url, '--password', ADMIN_PASSWORD],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    kc = new k8s.KubeConfig();
    kc.loadFromString(out.stdout);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('creates, reads, lists, replaces, patches and deletes secrets; stringData becomes data', async () => {
    const created = await core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'node-db', labels: { via: 'client-node' } }, stringData: { password: 'hunter2' } },
    });
    expect(created.type).toBe('Opaque');
    expect(created.data).toEqual({ password: b64('hunter2') });
    expect(created.stringData).toBeUndefined();

    const read = await core.readNamespacedSecret({ name: 'node-db', namespace: 'default' });
    expect(read.data).toEqual({ password: b64('hunter2') });
    const list = await core.listNamespacedSecret({ namespace: 'default', labelSelector: 'via=client-node' });
    expect(list.items.map((s) => s.metadata?.name)).toEqual(['node-db']);

    const replaced = await core.replaceNamespacedSecret({
      name: 'node-db',
      namespace: 'default',
      body: { ...read, stringData: { user: 'admin' } },
    });
    expect(replaced.data).toEqual({ password: b64('hunter2'), user: b64('admin') });
    expect(replaced.stringData).toBeUndefined();

    const patched = await core.patchNamespacedSecret(
      { name: 'node-db', namespace: 'default', body: { stringData: { password: 'changed' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data?.password).toBe(b64('changed'));

    await core.deleteNamespacedSecret({ name: 'node-db', namespace: 'default' });
    await expect(core.readNamespacedSecret({ name: 'node-db', namespace: 'default' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('answers invalid secrets with a 422 naming the field', async () => {
    try {
      await core.createNamespacedSecret({
        namespace: 'default',
        body: { metadata: { name: 'node-tls' }, type: 'kubernetes.io/tls', stringData: { 'tls.key': 'k' } },
      });
      throw new Error('expected a 422');
    } catch (err) {
      const status = statusOf(err);
      expect(status.code).toBe(422);
      expect(status.body.reason).toBe('Invalid');
      expect(status.body.details?.causes?.map((c) => c.field)).toEqual(['data[tls.crt]']);
    }
  });

  it('watches secrets with the typed watch', async () => {
    const list = await core.listNamespacedSecret({ namespace: 'default' });
    const events: { type: string; name?: string; data?: Record<string, string> }[] = [];
    const watcher = new k8s.Watch(kc);
    const request = await watcher.watch(
      '/api/v1/namespaces/default/secrets',
      { resourceVersion: list.metadata?.resourceVersion },
      (type, obj: k8s.V1Secret) => events.push({ type, name: obj.metadata?.name, data: obj.data }),
      () => {},
    );
    try {
      await core.createNamespacedSecret({
        namespace: 'default',
        body: { metadata: { name: 'node-watched' }, stringData: { k: 'v' } },
      });
      await core.deleteNamespacedSecret({ name: 'node-watched', namespace: 'default' });
      await until(() => events.some((e) => e.type === 'DELETED'), 'the DELETED event');
      expect(events.map((e) => [e.type, e.name])).toEqual([
        ['ADDED', 'node-watched'],
        ['DELETED', 'node-watched'],
      ]);
      expect(events[0].data).toEqual({ k: b64('v') });
    } finally {
      request.abort();
    }
  });

  it('refuses a viewer with 403 Forbidden', async () => {
    const admin = (await (
      await fetch(`${server.url}/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD, tokenName: 'secrets admin' }),
      })
    ).json()) as { token: string };
    const viewer = await userWithToken(server.url, admin.token, 'node-viewer', 'viewer');
    const viewerConfig = new k8s.KubeConfig();
    viewerConfig.loadFromOptions({
      clusters: [{ name: 'entroos', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'viewer', token: viewer.token }],
      contexts: [{ name: 'viewer', cluster: 'entroos', user: 'viewer' }],
      currentContext: 'viewer',
    });
    const asViewer = viewerConfig.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'hidden' }, stringData: { a: 'b' } },
    });
    for (const call of [
      () => asViewer.readNamespacedSecret({ name: 'hidden', namespace: 'default' }),
      () => asViewer.listNamespacedSecret({ namespace: 'default' }),
      () => asViewer.listSecretForAllNamespaces(),
    ]) {
      try {
        await call();
        throw new Error('expected a 403');
      } catch (err) {
        const status = statusOf(err);
        expect(status.code).toBe(403);
        expect(status.body.reason).toBe('Forbidden');
      }
    }
    // The same viewer still reads config maps.
    expect((await client(server.url, viewer.token).get('/api/v1/namespaces/default/configmaps')).status).toBe(200);
  });
});
