import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@/lib/store/index.ts';
import { clusterKeyFromPem } from '@/lib/auth/cluster-key.ts';
import { createBackup } from '@/lib/backup/create.ts';
import { restoreBackup } from '@/lib/backup/restore.ts';
import type { KubeObject } from '@/lib/apimachinery/object.ts';
import { isApiError } from '@/lib/apimachinery/errors.ts';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.ts';

// A backup taken on one database restores into the other: every object identical (uid, data, labels, status),
// Secrets readable there under the same key, accounts merged; a second dry run then finds nothing to do.

const SIGNER = clusterKeyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const SECRET_KEY = randomBytes(32);

const object = (kind: string, name: string, namespace: string | undefined, extra: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'v1',
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      uid: `uid-${kind}-${name}-${randomBytes(3).toString('hex')}`,
      resourceVersion: '',
      labels: { app: name },
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    ...extra,
  }) as KubeObject;

async function seed(store: Store) {
  const writes = [
    store.objects.write('namespaces', undefined, 'shop', object('Namespace', 'shop', undefined)),
    store.objects.write('configmaps', 'shop', 'cfg', object('ConfigMap', 'cfg', 'shop', { data: { a: '1' } })),
    store.objects.write(
      'secrets',
      'shop',
      'db',
      object('Secret', 'db', 'shop', { type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } }),
    ),
    store.objects.write(
      'pods',
      'shop',
      'web',
      object('Pod', 'web', 'shop', { spec: { containers: [] }, status: { phase: 'Running' } }),
    ),
    store.objects.write('events', 'shop', 'e1', object('Event', 'e1', 'shop', { reason: 'Noise' })),
  ];
  await Promise.all(writes.map((w) => w.done));
  const user = await store.users.create({ username: 'alice', passwordHash: 'scrypt$alice', role: 'operator' });
  await store.tokens.create({
    userId: user.id,
    name: 'ci',
    secretHash: `h-${randomBytes(4).toString('hex')}`,
    prefix: 'eos_abcd',
    expiresAt: null,
  });
  await store.settings.set('scheduler.config', '{"profiles":[]}');
  await store.settings.set('auth.secret', 'never-in-a-backup');
}

const pairs = [
  [PROVIDERS[0], PROVIDERS[1]],
  [PROVIDERS[1], PROVIDERS[0]],
] as const;

describe.each(pairs)('backup on $name restores into $1.name', (source, target) => {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const d of databases) await d.drop();
  });
  const open = async (make: () => Promise<TestDatabase>, key = SECRET_KEY) => {
    const database = await make();
    databases.push(database);
    const store = await openStore(database.url, { secretKey: key });
    stores.push(store);
    return store;
  };

  it('restores every object identically, Secrets still sealed in the file and readable after, accounts merged', async () => {
    const a = await open(source.create);
    await seed(a);
    const { file, manifest } = await createBackup({ store: a, signer: SIGNER, version: 'test' });
    expect(manifest.sourceDatabase).toBe(source.name);
    expect(manifest.counts).toMatchObject({
      namespaces: 1,
      configmaps: 1,
      secrets: 1,
      pods: 1,
      users: 1,
      tokens: 1,
      settings: 1,
    });
    expect(manifest.counts.events).toBeUndefined();
    expect(manifest.resourceVersion).toBe(a.objects.resourceVersion);
    const { gunzipSync } = await import('node:zlib');
    const raw = gunzipSync(file).toString('latin1');
    expect(raw).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect(raw).not.toContain('never-in-a-backup');

    const b = await open(target.create);
    await b.users.create({ username: 'alice', passwordHash: 'old', role: 'viewer' });
    const dry = await restoreBackup({ store: b, clusterKeyId: SIGNER.keyId }, file, { dryRun: true });
    expect(dry.diff.configmaps).toEqual({ added: ['shop/cfg'], changed: [], removed: [], unchanged: 0 });
    expect(dry.diff.secrets.added).toEqual(['shop/db']);
    expect(dry.diff.users).toEqual({ added: [], changed: ['alice'], removed: [], unchanged: 0 });
    expect(b.objects.get('configmaps', 'shop', 'cfg')).toBeUndefined();

    const before = b.objects.resourceVersion;
    const done = await restoreBackup({ store: b, clusterKeyId: SIGNER.keyId }, file, { dryRun: false });
    expect(done.totals.added).toBe(4 + 1 + 1 + 0); // objects + the token + the setting
    for (const [resource, ns, name] of [
      ['configmaps', 'shop', 'cfg'],
      ['secrets', 'shop', 'db'],
      ['pods', 'shop', 'web'],
      ['namespaces', undefined, 'shop'],
    ] as const) {
      const want = a.objects.get(resource, ns, name)!;
      const got = b.objects.get(resource, ns, name)!;
      expect({ ...got, metadata: { ...got.metadata, resourceVersion: '' } }).toEqual({
        ...want,
        metadata: { ...want.metadata, resourceVersion: '' },
      });
      expect(Number(got.metadata.resourceVersion)).toBeGreaterThan(before);
    }
    expect((await b.users.getByUsername('alice'))?.passwordHash).toBe('scrypt$alice');
    expect(await b.settings.get('scheduler.config')).toBe('{"profiles":[]}');

    // Durable: a restarted store on the target reads the same objects, the Secret decrypting under the key.
    const reopened = await openStore(databases[1].url, { secretKey: SECRET_KEY });
    expect(reopened.objects.get('secrets', 'shop', 'db')?.data).toEqual({
      password: Buffer.from('hunter2').toString('base64'),
    });
    await reopened.close();

    const again = await restoreBackup({ store: b, clusterKeyId: SIGNER.keyId }, file, { dryRun: true });
    expect({ ...again.totals, unchanged: 0 }).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 0 });

    // Known changes: one changed, one added live (removed by a restore), one deleted live (added back).
    await b.objects.write('configmaps', 'shop', 'cfg', {
      ...b.objects.get('configmaps', 'shop', 'cfg')!,
      data: { a: '2' },
    }).done;
    await b.objects.write('configmaps', 'shop', 'extra', object('ConfigMap', 'extra', 'shop')).done;
    await b.objects.write('pods', 'shop', 'web', null).done;
    const diff = await restoreBackup({ store: b, clusterKeyId: SIGNER.keyId }, file, { dryRun: true });
    expect(diff.diff.configmaps).toEqual({ added: [], changed: ['shop/cfg'], removed: ['shop/extra'], unchanged: 0 });
    expect(diff.diff.pods).toEqual({ added: ['shop/web'], changed: [], removed: [], unchanged: 0 });
    expect(diff.totals).toMatchObject({ added: 1, changed: 1, removed: 1 });
    await restoreBackup({ store: b, clusterKeyId: SIGNER.keyId }, file, { dryRun: false });
    expect(b.objects.get('configmaps', 'shop', 'cfg')?.data).toEqual({ a: '1' });
    expect(b.objects.get('configmaps', 'shop', 'extra')).toBeUndefined();
    expect(b.objects.get('pods', 'shop', 'web')?.metadata.uid).toBe(a.objects.get('pods', 'shop', 'web')?.metadata.uid);
  });

  it('refuses a backup whose Secrets need a key this cluster does not hold, naming the key', async () => {
    const a = stores[0];
    const { file, manifest } = await createBackup({ store: a, signer: SIGNER, version: 'test' });
    const c = await open(target.create, randomBytes(32));
    const err = await restoreBackup({ store: c, clusterKeyId: SIGNER.keyId }, file, { dryRun: true }).catch(
      (e: unknown) => e,
    );
    expect(isApiError(err) && err.code).toBe(422);
    expect((err as Error).message).toContain(`sealed with secret key ${manifest.secretKeyId}`);
  });

  it('takes a snapshot at one resourceVersion while writes go on', async () => {
    const a = stores[0];
    let stop = false;
    const acked: { name: string; rv: number }[] = [];
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `load-${i}`;
        const w = a.objects.write(
          'configmaps',
          'shop',
          name,
          object('ConfigMap', name, 'shop', { data: { i: String(i) } }),
        );
        await w.done;
        acked.push({ name, rv: w.resourceVersion });
      }
    })();
    while (acked.length < 50) await new Promise((r) => setImmediate(r));
    const snapshot = await a.objects.snapshot();
    const ackedAtSnapshot = acked.length;
    while (acked.length < ackedAtSnapshot + 20) await new Promise((r) => setImmediate(r));
    stop = true;
    await writer;
    const names = new Set((snapshot.objects.get('configmaps') ?? []).map((o) => o.metadata.name));
    for (const { name, rv } of acked) expect(names.has(name)).toBe(rv <= snapshot.resourceVersion);
    for (const objects of snapshot.objects.values())
      for (const o of objects) expect(Number(o.metadata.resourceVersion)).toBeLessThanOrEqual(snapshot.resourceVersion);
  });
});
