import { cpSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@/lib/store/index.ts';
import { migrationsDir } from '@/lib/store/migrate.ts';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.ts';

// The same suite runs against SQLite and PostgreSQL.
describe.each(PROVIDERS)('store on $name', ({ name, create }) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await create();
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('applies every migration on a fresh database, and none the second time', async () => {
    expect(store.provider).toBe(name);
    expect(store.migrations.applied.length).toBe(store.migrations.total);
    expect(store.migrations.total).toBeGreaterThan(0);
    const again = await openStore(database.url);
    expect(again.migrations.applied).toEqual([]);
    await again.close();
  });

  it('refuses to start when an applied migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entroos-migrations-'));
    cpSync(migrationsDir(store.provider), dir, { recursive: true });
    appendFileSync(join(dir, '0001_init.sql'), '\n-- edited\n');
    await expect(openStore(database.url, { migrationsDir: dir })).rejects.toThrow(
      /0001_init.sql was changed after it was applied/,
    );
  });

  it('creates, finds and updates users; usernames are unique', async () => {
    const user = await store.users.create({ username: `u-${name}`, passwordHash: 'h', role: 'viewer' });
    expect(await store.users.getByUsername(`u-${name}`)).toMatchObject({
      id: user.id,
      role: 'viewer',
      disabled: false,
    });
    const updated = await store.users.update(user.id, { role: 'operator', disabled: true });
    expect(updated).toMatchObject({ role: 'operator', disabled: true });
    await expect(store.users.create({ username: `u-${name}`, passwordHash: 'h', role: 'viewer' })).rejects.toThrow();
    expect((await store.users.list()).map((u) => u.username)).toContain(`u-${name}`);
  });

  it('stores tokens by hash, lists them without secrets, and revokes them', async () => {
    const user = await store.users.create({ username: `t-${name}`, passwordHash: 'h', role: 'operator' });
    const token = await store.tokens.create({
      userId: user.id,
      name: 'ci',
      secretHash: `hash-${name}`,
      prefix: 'eos_abc',
      expiresAt: null,
    });
    expect(token.user.username).toBe(`t-${name}`);
    expect(await store.tokens.getBySecretHash(`hash-${name}`)).toMatchObject({ id: token.id, revokedAt: null });
    const listed = await store.tokens.list({ userId: user.id });
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('secretHash');
    const revoked = await store.tokens.revoke(token.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    await store.tokens.touch(token.id);
    expect((await store.tokens.getById(token.id))?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('keeps the first value of a setting when two writers race', async () => {
    const values = await Promise.all([
      store.settings.getOrCreate(`race-${name}`, () => 'one'),
      store.settings.getOrCreate(`race-${name}`, () => 'two'),
    ]);
    expect(values[0]).toBe(values[1]);
    await store.settings.set(`race-${name}`, 'three');
    expect(await store.settings.get(`race-${name}`)).toBe('three');
  });

  it("finds pods' placements with their batch in one query, whatever the number of pods", async () => {
    const placement = (i: number, namespace: string) => ({
      bindingId: `b-${namespace}-${i}`,
      slot: i,
      podUid: `uid-${namespace}-${i}`,
      namespace,
      name: `pod-${i}`,
      node: `node-${i % 3}`,
      commitment: `c-${i}`,
      cpu: '100',
      memory: '64',
      salt: 's',
    });
    const proof = { circuit: 'placement_batch_v2', vkeyId: 'vk', publicSignals: '[]', proof: '{}', proveMs: 42 };
    await store.proofs.save(
      { ...proof, id: 'batch-a', status: 'verified' },
      [0, 1, 2].map((i) => placement(i, 'ns-a')),
    );
    await store.proofs.save(
      { ...proof, id: 'batch-b', status: 'proved' },
      [1, 7].map((i) => placement(i, 'ns-b')),
    );
    const pods = Array.from({ length: 1200 }, (_, i) => ({ namespace: 'ns-a', name: `pod-${i}` }));
    const found = await store.proofs.placementsForPods([...pods, { namespace: 'ns-b', name: 'pod-7' }]);
    const byUid = new Map(found.map((p) => [p.podUid, p]));
    expect([...byUid.keys()].sort()).toEqual(
      // Namespace and name select the candidates; the caller tells pods apart by uid (ns-b/pod-1 comes too).
      ['uid-ns-a-0', 'uid-ns-a-1', 'uid-ns-a-2', 'uid-ns-b-1', 'uid-ns-b-7'],
    );
    const one = byUid.get('uid-ns-b-7')!;
    expect(one).toMatchObject({
      bindingId: 'b-ns-b-7',
      slot: 7,
      namespace: 'ns-b',
      name: 'pod-7',
      node: 'node-1',
      commitment: 'c-7',
      batch: { id: 'batch-b', circuit: 'placement_batch_v2', status: 'proved', proveMs: 42 },
    });
    expect(one.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(one.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    // What opens a commitment is never served.
    expect(one).not.toHaveProperty('salt');
    expect(one).not.toHaveProperty('cpu');
    expect(await store.proofs.placementsForPods([])).toEqual([]);
    expect(await store.proofs.placementsForPods([{ namespace: 'ns-c', name: 'pod-1' }])).toEqual([]);
  });

  it('survives a reopen with its data', async () => {
    const user = await store.users.create({ username: `p-${name}`, passwordHash: 'h', role: 'admin' });
    const reopened = await openStore(database.url);
    expect((await reopened.users.getById(user.id))?.username).toBe(`p-${name}`);
    await reopened.close();
  });
});
