import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigMap, CustomResourceDefinition, KubeObject, Pod } from '@entroos/client';
import type * as ClientNode from '@entroos/client/node';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, until } from '../helpers/kubectl.ts';
import { ensurePackagesBuilt } from './cli-support.ts';

// @entroos/client as built (dist/, imported through the workspace link) against a real server.

type ClientModule = typeof ClientNode;
let lib: ClientModule;

beforeAll(async () => {
  ensurePackagesBuilt();
  lib = await import('@entroos/client/node');
});

describe('@entroos/client package', () => {
  // The entroos.io types are printed from a TypeScript program of the server's modules: seconds of CPU.
  it(
    'has generated types that are current (from lib/apimachinery/generated and the server modules, not typed by hand)',
    { timeout: 120_000 },
    () => {
      const check = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['packages/client/scripts/generate.ts', '--check'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    },
  );

  it('keeps the browser core at most 30 KB minified and gzipped', async () => {
    const out = await build({
      entryPoints: [join(ROOT, 'packages/client/src/index.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const bytes = gzipSync(out.outputFiles[0].contents, { level: 9 }).length;
    expect(bytes).toBeLessThanOrEqual(30 * 1024);
    // The browser core must not pull in Node modules (kubeconfig loading lives in the node entry).
    expect(new TextDecoder().decode(out.outputFiles[0].contents)).not.toMatch(/node:(fs|http|https|os)/);
  });
});

describe('@entroos/client against a real server', () => {
  let server: TestServer;
  let client: InstanceType<ClientModule['Client']>;

  beforeAll(async () => {
    server = await startServer();
    const kubectl = await kubectlFor(server);
    client = lib.clientFromKubeconfig({ paths: [kubectl.kubeconfig] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates, reads, lists, updates, patches, applies and deletes built-in kinds, typed', async () => {
    const configmaps = client.resource('configmaps');
    const created: ConfigMap = await configmaps.create({
      metadata: { name: 'settings', labels: { app: 'x' } },
      data: { a: '1' },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect((await configmaps.get('settings')).data).toEqual({ a: '1' });
    const list = await configmaps.list({ namespace: 'default', labelSelector: 'app=x' });
    expect(list.items.map((c) => c.metadata?.name)).toEqual(['settings']);
    const updated = await configmaps.update({ ...created, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    expect((await configmaps.patch('settings', { data: { b: '3' } })).data).toEqual({ a: '2', b: '3' });
    const applied = await configmaps.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied' },
      data: { k: 'v' },
    });
    expect(applied.metadata?.managedFields?.[0]?.manager).toBe('entroos');
    await configmaps.delete('settings');
    await expect(configmaps.get('settings')).rejects.toBeInstanceOf(lib.NotFoundError);

    const pods = client.resource('po');
    const pod: Pod = await pods.create({
      metadata: { name: 'typed' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    expect(pod.status?.phase).toBe('Pending');
    const table = await pods.table({ namespace: 'default' });
    expect(table.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);

    const deployments = client.resource('deployments.apps');
    await deployments.create({
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    expect((await deployments.scale('web', 3)).spec?.replicas).toBe(3);
    expect((await deployments.get('web')).spec?.replicas).toBe(3);
  });

  it('serves a custom resource generically and typed, found through discovery', async () => {
    const crd: CustomResourceDefinition = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'crontabs.stable.example.com' },
      spec: {
        group: 'stable.example.com',
        scope: 'Namespaced',
        names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer', minimum: 1 } },
                  },
                },
              },
            },
          },
        ],
      },
    };
    await client.resource('customresourcedefinitions').create(crd);
    await until(
      async () =>
        (await client.resource('crd').get('crontabs.stable.example.com')).status?.conditions?.some(
          (c) => c.type === 'Established' && c.status === 'True',
        ),
      'the CRD to be established',
      20_000,
    );
    interface CronTab extends KubeObject {
      spec: { cronSpec: string; replicas?: number };
    }
    const crontabs = client.resource<CronTab>('ct');
    const made = await crontabs.create({
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly' },
      spec: { cronSpec: '0 3 * * *', replicas: 1 },
    });
    expect(made.spec.cronSpec).toBe('0 3 * * *');
    const patched = await crontabs.patch('nightly', { spec: { replicas: 2 } });
    expect(patched.spec.replicas).toBe(2);
    expect((await crontabs.list()).items).toHaveLength(1);
    const invalid = await crontabs.patch('nightly', { spec: { replicas: 0 } }).catch((err: unknown) => err);
    expect(invalid).toBeInstanceOf(lib.InvalidError);
    expect((invalid as InstanceType<ClientModule['InvalidError']>).causes[0]?.field).toContain('replicas');
    await crontabs.delete('nightly');
    await expect(client.resource('crontabs.stable.example.com').get('nightly')).rejects.toBeInstanceOf(
      lib.NotFoundError,
    );
  });

  it('throws typed errors from Status: NotFound, AlreadyExists/Conflict, Invalid with causes, Forbidden', async () => {
    const configmaps = client.resource('configmaps');
    const missing = await configmaps.get('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(lib.NotFoundError);
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound' });

    const first = await configmaps.create({ metadata: { name: 'twice' } });
    const again = await configmaps.create({ metadata: { name: 'twice' } }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(lib.AlreadyExistsError);
    expect(again).toBeInstanceOf(lib.ConflictError);
    await configmaps.patch('twice', { data: { x: '1' } });
    const stale = await configmaps.update({ ...first, data: { x: '2' } }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(lib.ConflictError);
    expect(stale).not.toBeInstanceOf(lib.AlreadyExistsError);

    const invalid = await client
      .resource('pods')
      .create({ metadata: { name: 'Bad_Name' }, spec: { containers: [] } })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(lib.InvalidError);
    expect((invalid as InstanceType<ClientModule['InvalidError']>).causes.length).toBeGreaterThan(0);

    const forbidden = await client
      .resource('namespaces')
      .delete('default')
      .catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(lib.ForbiddenError);
    expect(forbidden).toMatchObject({ code: 403 });
  });

  it('watches as an async iterator', async () => {
    const configmaps = client.resource('configmaps');
    const list = await configmaps.list({ namespace: 'default' });
    const seen: string[] = [];
    const done = (async () => {
      for await (const event of configmaps.watch({
        namespace: 'default',
        resourceVersion: list.metadata.resourceVersion,
      })) {
        if (event.type === 'BOOKMARK') continue;
        seen.push(`${event.type} ${event.object.metadata?.name}`);
        if (event.type === 'DELETED') break;
      }
    })();
    await configmaps.create({ metadata: { name: 'watched' } });
    await configmaps.patch('watched', { data: { a: 'b' } });
    await configmaps.delete('watched');
    await done;
    expect(seen).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
  });
});

describe('retries on 429 with Retry-After', () => {
  let server: TestServer;
  let kubeconfig: string;
  beforeAll(async () => {
    server = await startServer({ env: { ENTROOS_RATE_LIMIT_QPS: '5', ENTROOS_RATE_LIMIT_BURST: '5' } });
    kubeconfig = (await kubectlFor(server)).kubeconfig;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gets every answer through a tight rate limit, after retrying the 429s', { timeout: 120_000 }, async () => {
    const config = lib.loadKubeconfig({ paths: [kubeconfig] });
    const inner = lib.nodeTransport({ ca: config.ca });
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    const client = new lib.Client({
      server: config.server,
      token: config.token,
      retry: { retries: 10 },
      transport: async (req) => {
        const res = await inner(req);
        statuses.push(res.status);
        if (res.status === 429) retryAfter.push(res.header('retry-after'));
        return res;
      },
    });
    const answers = await Promise.all(Array.from({ length: 30 }, () => client.resource('namespaces').get('default')));
    expect(answers.every((n) => n.metadata?.name === 'default')).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(retryAfter.every((v) => v !== null && /^\d+$/.test(v))).toBe(true);
    // Without retries the same burst fails with the typed error.
    const impatient = new lib.Client({
      server: config.server,
      token: config.token,
      retry: { retries: 0 },
      transport: inner,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => impatient.resource('namespaces').get('default')),
    );
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0].reason).toBeInstanceOf(lib.TooManyRequestsError);
  });
});

describe('the informer across server restarts', () => {
  let server: TestServer;
  afterAll(async () => {
    await server?.stop();
  });

  it(
    'ends with exactly the server objects after 2,000 changes and 5 restarts, relisting at most once per restart',
    { timeout: 600_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'entroos-informer-'));
      server = await startServer({ dataDir });
      const port = String(server.port);
      const kubectl = await kubectlFor(server);
      const paths = [kubectl.kubeconfig];
      const watcher = lib.clientFromKubeconfig({ paths });
      const writer = lib.clientFromKubeconfig({ paths, retry: { retries: 20, maxDelayMs: 1000 } });
      const informer = new lib.Informer(watcher.resource('configmaps'), {
        namespace: 'default',
        labelSelector: 'test=informer',
        initialBackoffMs: 100,
        maxBackoffMs: 2000,
      });
      let duplicateAdds = 0;
      const keys = new Set<string>();
      informer.on('add', (o) => {
        if (keys.has(o.metadata!.name!)) duplicateAdds++;
        keys.add(o.metadata!.name!);
      });
      informer.on('delete', (o) => keys.delete(o.metadata!.name!));
      await informer.start();

      const api = writer.resource('configmaps');
      // Writes retry through a restart: a create or delete whose answer was lost is done when it is
      // AlreadyExists / NotFound on the retry.
      const write = async (op: () => Promise<unknown>) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await op();
          } catch (err) {
            if (err instanceof lib.AlreadyExistsError || err instanceof lib.NotFoundError) return;
            if (attempt > 100) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      };
      const live: string[] = [];
      let next = 0;
      let random = 7;
      const rand = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const CHANGES = 2000;
      const RESTARTS = 5;
      // Changes go in rounds of up to 10 concurrent writes, each to a different object (so their outcome does not
      // depend on their order); a restart falls between rounds.
      const ROUND = 10;
      const restartEvery = Math.floor(CHANGES / (RESTARTS + 1));
      let restarts = 0;
      for (let i = 0; i < CHANGES;) {
        if (restarts < RESTARTS && i >= (restarts + 1) * restartEvery) {
          await server.stop();
          server = await startServer({ dataDir, env: { PORT: port } });
          restarts++;
        }
        const touched = new Set<string>();
        const round: Promise<unknown>[] = [];
        while (round.length < ROUND && i < CHANGES) {
          const r = rand();
          if (live.length < 20 || r < 0.45) {
            const name = `cm-${next++}`;
            live.push(name);
            touched.add(name);
            round.push(write(() => api.create({ metadata: { name, labels: { test: 'informer' } }, data: { v: '0' } })));
          } else {
            const index = Math.floor(rand() * live.length);
            const name = live[index];
            if (touched.has(name)) continue; // one change per object per round: draw again
            touched.add(name);
            if (r < 0.8) {
              const value = String(i);
              round.push(write(() => api.patch(name, { data: { v: value } })));
            } else {
              live.splice(index, 1);
              round.push(write(() => api.delete(name)));
            }
          }
          i++;
        }
        await Promise.all(round);
      }
      expect(restarts).toBe(RESTARTS);
      const truth = await api.list({ namespace: 'default', labelSelector: 'test=informer' });
      const expected = new Map(truth.items.map((c) => [c.metadata!.name!, c.metadata!.resourceVersion!]));
      expect(expected.size).toBe(live.length);
      await until(
        () => {
          const got = informer.list();
          return (
            got.length === expected.size &&
            got.every((c) => expected.get(c.metadata!.name!) === c.metadata!.resourceVersion)
          );
        },
        'the informer to catch up',
        60_000,
      );
      const names = informer.list().map((c) => c.metadata!.name!);
      expect(new Set(names).size).toBe(names.length);
      expect([...expected.keys()].filter((n) => !names.includes(n))).toEqual([]);
      expect(duplicateAdds).toBe(0);
      expect(informer.stats.relists).toBeLessThanOrEqual(RESTARTS);
      expect(informer.stats.reconnects).toBeGreaterThan(0);
      console.log(`informer: ${JSON.stringify(informer.stats)}`);
      await informer.stop();
    },
  );
});
