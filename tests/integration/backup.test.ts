import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readManifest } from '@/lib/backup/format.ts';
import { readTar, writeTar } from '@/lib/backup/tar.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.ts';
import { client, login } from '../helpers/api.ts';

// A backup taken on SQLite while writes go on restores into a fresh server on PostgreSQL: every write acknowledged
// at or before the backup's resourceVersion is there and identical, the Secret still decrypts; a tampered file is
// refused naming its part; a dry run's diff is exact; a namespace exported from one server imports into the other.

const API = '/apis/entroos.io/v1';
const configMap = (name: string, i: number) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { load: 'yes', i: String(i) } },
  data: { value: `v-${i}` },
});

async function raw(server: TestServer, token: string, method: string, path: string, body?: Buffer) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/gzip' } : {}) },
    body: body ? new Uint8Array(body) : undefined,
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

describe('backup and restore across databases', () => {
  let a: TestServer;
  let b: TestServer;
  let pgDb: TestDatabase;
  let tokenA: string;
  let tokenB: string;
  let file: Buffer;
  let rv: number;
  const acked: { name: string; rv: number; i: number }[] = [];

  beforeAll(async () => {
    pgDb = await createPostgresDatabase();
    [a, b] = await Promise.all([startServer(), startServer({ env: { DATABASE_URL: pgDb.url } })]);
    [tokenA, tokenB] = await Promise.all([login(a.url), login(b.url)]);
  }, 180_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await pgDb?.drop();
  });

  it('takes a backup at one resourceVersion while configmaps are being created', async () => {
    const api = client(a.url, tokenA);
    expect((await api.post('/api/v1/namespaces', { metadata: { name: 'load' } })).status).toBe(201);
    const secret = await api.post('/api/v1/namespaces/load/secrets', {
      metadata: { name: 'db' },
      stringData: { password: 'hunter2' },
    });
    expect(secret.status).toBe(201);
    let stop = false;
    let next = 0;
    const loop = async () => {
      while (!stop) {
        const i = next++;
        const res = await api.post('/api/v1/namespaces/load/configmaps', configMap(`cm-${i}`, i));
        if (res.status !== 201) throw new Error(`create cm-${i}: ${res.status} ${res.text}`);
        acked.push({ name: `cm-${i}`, rv: Number(res.body.metadata.resourceVersion), i });
      }
    };
    const loops = [loop(), loop(), loop()];
    while (acked.length < 100) await new Promise((r) => setTimeout(r, 10));
    const res = await raw(a, tokenA, 'POST', `${API}/backups?download=true`);
    const ackedDuring = acked.length;
    while (acked.length < ackedDuring + 50) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(loops);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    file = res.body;
    const manifest = readManifest(file);
    rv = manifest.resourceVersion;
    expect(manifest.sourceDatabase).toBe('sqlite');
    expect(acked.some((x) => x.rv > rv)).toBe(true); // writes went on after the snapshot
    const inBackup = new Set(
      readTar(gunzipSync(file))
        .find((e) => e.name === 'objects/configmaps.jsonl')!
        .data.toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).metadata.name as string),
    );
    for (const x of acked) expect(inBackup.has(x.name), `${x.name} at ${x.rv} vs backup at ${rv}`).toBe(x.rv <= rv);
    // The Secret is sealed in the file.
    expect(gunzipSync(file).toString('latin1')).not.toContain(Buffer.from('hunter2').toString('base64'));
    const listed = await client(a.url, tokenA).get(`${API}/backups`);
    expect(listed.body.items[0].manifest.resourceVersion).toBe(rv);
  });

  it('refuses a tampered backup naming the part, and a foreign signer until trusted', async () => {
    const entries = readTar(gunzipSync(file)).map((e) =>
      e.name === 'objects/configmaps.jsonl'
        ? { name: e.name, data: Buffer.from(e.data.toString().replace('"v-1"', '"v-X"')) }
        : e,
    );
    const tampered = await raw(b, tokenB, 'POST', `${API}/restores?dryRun=true`, gzipSync(writeTar(entries)));
    expect(tampered.status).toBe(422);
    expect(JSON.parse(tampered.body.toString()).message).toMatch(
      /objects\/configmaps\.jsonl does not match its sha256/,
    );

    const foreign = await raw(b, tokenB, 'POST', `${API}/restores?dryRun=true`, file);
    expect(foreign.status).toBe(422);
    expect(JSON.parse(foreign.body.toString()).message).toContain(`signed by key ${readManifest(file).signer.keyId}`);
  });

  it('restores into an empty PostgreSQL cluster: every acknowledged object present and identical, Secrets readable', async () => {
    const keyId = readManifest(file).signer.keyId;
    const dry = await raw(b, tokenB, 'POST', `${API}/restores?dryRun=true&trustKey=${keyId}`, file);
    expect(dry.status).toBe(200);
    const plan = JSON.parse(dry.body.toString());
    expect(plan.diff.configmaps.added.filter((n: string) => n.startsWith('load/cm-')).length).toBe(
      acked.filter((x) => x.rv <= rv).length,
    );
    expect(plan.diff.secrets.added).toContain('load/db');
    const done = await raw(b, tokenB, 'POST', `${API}/restores?dryRun=false&trustKey=${keyId}`, file);
    expect(done.status).toBe(200);
    const api = client(b.url, tokenB);
    const list = await api.get('/api/v1/namespaces/load/configmaps');
    const byName = new Map<string, { data: unknown; metadata: { labels: unknown } }>(
      list.body.items.map((o: { metadata: { name: string } }) => [o.metadata.name, o]),
    );
    for (const x of acked.filter((y) => y.rv <= rv)) {
      const o = byName.get(x.name);
      expect(o, x.name).toBeDefined();
      expect(o?.data).toEqual(configMap(x.name, x.i).data);
      expect(o?.metadata.labels).toEqual(configMap(x.name, x.i).metadata.labels);
    }
    for (const x of acked.filter((y) => y.rv > rv)) expect(byName.has(x.name)).toBe(false);
    const secret = await api.get('/api/v1/namespaces/load/secrets/db');
    expect(Buffer.from(secret.body.data.password, 'base64').toString()).toBe('hunter2');
    // The backup's admin password hash came along: the admin logs in to B with the same password still.
    expect(await login(b.url)).toMatch(/^eos_/);
  });

  it('dry run reports exactly the known changes, and the restore undoes them', async () => {
    const api = client(a.url, tokenA);
    const changed = await api.get('/api/v1/namespaces/load/configmaps/cm-3');
    expect(
      (await api.put('/api/v1/namespaces/load/configmaps/cm-3', { ...changed.body, data: { value: 'edited' } })).status,
    ).toBe(200);
    expect((await api.delete('/api/v1/namespaces/load/configmaps/cm-5')).status).toBe(200);
    expect((await api.post('/api/v1/namespaces/load/configmaps', configMap('extra', 0))).status).toBe(201);
    const dry = await raw(a, tokenA, 'POST', `${API}/restores?dryRun=true`, file);
    expect(dry.status).toBe(200);
    const d = JSON.parse(dry.body.toString()).diff.configmaps;
    const inLoad = (names: string[]) => names.filter((n) => n.startsWith('load/')).sort();
    expect(inLoad(d.changed)).toEqual(['load/cm-3']);
    expect(inLoad(d.added)).toEqual(['load/cm-5']);
    expect(inLoad(d.removed)).toEqual(
      ['load/extra', ...acked.filter((x) => x.rv > rv).map((x) => `load/${x.name}`)].sort(),
    );
    const before = Number((await api.get('/api/v1/namespaces/load/configmaps')).body.metadata.resourceVersion);
    expect((await raw(a, tokenA, 'POST', `${API}/restores`, file)).status).toBe(200);
    const after = await api.get('/api/v1/namespaces/load/configmaps/cm-3');
    expect(after.body.data).toEqual({ value: 'v-3' });
    expect(Number(after.body.metadata.resourceVersion)).toBeGreaterThan(before); // versions never go backwards
    expect((await api.get('/api/v1/namespaces/load/configmaps/cm-5')).status).toBe(200);
    expect((await api.get('/api/v1/namespaces/load/configmaps/extra')).status).toBe(404);
  });

  it('exports a namespace as YAML and imports it into the other server', async () => {
    const api = client(a.url, tokenA);
    await api.post('/api/v1/namespaces', { metadata: { name: 'shop' } });
    await api.post('/api/v1/namespaces/shop/configmaps', configMap('settings', 7));
    await api.post('/apis/apps/v1/namespaces/shop/deployments', {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    });
    await api.post('/api/v1/namespaces/shop/services', {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    const exported = await raw(a, tokenA, 'GET', `${API}/namespaces/shop/export`);
    expect(exported.status).toBe(200);
    const yaml = exported.body.toString();
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual(
      ['ConfigMap/settings', 'Deployment/web', 'Service/web'].sort(),
    );
    for (const d of docs) {
      expect(d.status).toBeUndefined();
      expect(d.metadata.uid).toBeUndefined();
      expect(d.metadata.resourceVersion).toBeUndefined();
    }
    const imported = await fetch(`${b.url}${API}/namespaces/shop/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/yaml' },
      body: `${yaml}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: stray, namespace: elsewhere}\n`,
    });
    expect(imported.status).toBe(200);
    const result = await imported.json();
    expect(result.failed).toBe(1);
    expect(result.items.filter((i: { result?: string }) => i.result === 'created')).toHaveLength(3);
    expect(result.items.at(-1).status.message).toMatch(/namespace elsewhere/);
    const cm = await client(b.url, tokenB).get('/api/v1/namespaces/shop/configmaps/settings');
    expect(cm.body.data).toEqual({ value: 'v-7' });
    const again = await raw(b, tokenB, 'GET', `${API}/namespaces/shop/export`);
    const strip = (text: string) =>
      parseAllDocuments(text).map((d) => {
        const o = d.toJS();
        delete o.metadata.annotations;
        return o;
      });
    expect(strip(again.body.toString())).toEqual(strip(yaml));
  });
});
