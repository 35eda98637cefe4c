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

  it('survives a reopen with its data', async () => {
    const user = await store.users.create({ username: `p-${name}`, passwordHash: 'h', role: 'admin' });
    const reopened = await openStore(database.url);
    expect((await reopened.users.getById(user.id))?.username).toBe(`p-${name}`);
    await reopened.close();
  });
});
