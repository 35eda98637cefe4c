import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '@/lib/store/index.ts';
import { migrationsDir } from '@/lib/store/migrate.ts';
import { authenticateToken, createToken } from '@/lib/auth/tokens.ts';
import { TokenCache } from '@/lib/auth/token-cache.ts';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.ts';

// Issue #18: session generations (logout and account changes end every session) and a token cache that
// random tokens cannot flush.

describe.each(PROVIDERS)('session generations on $name', ({ name, create }) => {
  let database: TestDatabase;
  let store: Store | undefined;

  beforeAll(async () => {
    database = await create();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('adds the generation to existing users without losing their API tokens', async () => {
    const all = migrationsDir(name);
    const before = mkdtempSync(join(tmpdir(), 'entroos-migrations-'));
    try {
      // The migrations before this one: a database as it was, with a user and a token in it.
      for (const file of readdirSync(all))
        if (Number(file.slice(0, 4)) < 5) cpSync(join(all, file), join(before, file));
      await (await openStore(database.url, { migrationsDir: before })).close();
      // Written with the driver: this Prisma client already knows the new column.
      const rows = [
        `INSERT INTO "User" ("id", "username", "passwordHash", "role", "updatedAt") VALUES ('u1', 'kept', 'h', 'admin', CURRENT_TIMESTAMP)`,
        `INSERT INTO "ApiToken" ("id", "name", "userId", "secretHash", "prefix") VALUES ('t1', 't', 'u1', 'kept-hash', 'eos_')`,
      ];
      if (name === 'sqlite') {
        const db = new Database(database.url.replace(/^file:/, ''));
        for (const sql of rows) db.exec(sql);
        db.close();
      } else {
        const db = new pg.Client({ connectionString: database.url });
        await db.connect();
        for (const sql of rows) await db.query(sql);
        await db.end();
      }
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    store = await openStore(database.url);
    const user = await store.users.getByUsername('kept');
    expect(user?.sessionGeneration).toBe(0);
    expect((await store.tokens.getBySecretHash('kept-hash'))?.user.username).toBe('kept');
  });

  it('raises the generation on logout and on changes that end sessions, and only then', async () => {
    const s = store!;
    const user = await s.users.create({ username: 'gen', passwordHash: 'h', role: 'operator' });
    expect(user.sessionGeneration).toBe(0);
    expect(await s.users.endSessions(user.id)).toBe(1);
    expect((await s.users.update(user.id, { role: 'viewer', endSessions: true })).sessionGeneration).toBe(2);
    expect((await s.users.update(user.id, { disabled: false })).sessionGeneration).toBe(2);
    expect(await s.users.endSessions('no-such-user')).toBeNull();
  });
});

const SPRAY = 12_000;

describe('the token cache', () => {
  it('keeps a valid token while 20,000 unknown ones pass through, and bounds itself', () => {
    const now = 0;
    const cache = new TokenCache<{ id: string }>(5_000, 10_000, 1_000, () => now);
    cache.set('valid', { id: 'v' });
    for (let i = 0; i < 20_000; i++) {
      expect(cache.get(`random-${i}`)).toBeUndefined();
      cache.set(`random-${i}`, null);
    }
    expect(cache.get('valid')?.value).toEqual({ id: 'v' });
    expect(cache.unknown.size).toBe(1_000);
    // Known tokens are an LRU: the least recently used goes first, the one in use stays.
    for (let i = 0; i < 10_000; i++) {
      cache.set(`known-${i}`, { id: String(i) });
      if (i % 1_000 === 0) cache.get('valid');
    }
    expect(cache.known.size).toBe(10_000);
    expect(cache.get('valid')).toBeDefined();
    expect(cache.get('known-0')).toBeUndefined();
  });

  describe('behind authenticateToken, on a real store', () => {
    let database: TestDatabase;
    let store: Store;
    beforeAll(async () => {
      database = await PROVIDERS[0].create();
      store = await openStore(database.url);
    });
    afterAll(async () => {
      vi.useRealTimers();
      await store?.close();
      await database?.drop();
    });

    // 12,000 lookups (the cache test above sprays 20,000 without a database): past the 10,000 entries at which the
    // old cache flushed itself, at a cost a loaded CI machine bears.
    it('does not evict a valid token when random tokens are sprayed at it', async () => {
      // The clock stands still: only eviction, not the cache's 5 s lifetime, can make the valid token miss.
      vi.useFakeTimers({ toFake: ['Date'] });
      const platform = { store, log: pino({ level: 'silent' }) };
      const user = await store.users.create({ username: 'sprayed', passwordHash: 'h', role: 'admin' });
      const principal = { userId: user.id, username: user.username, role: 'admin' as const, via: 'token' as const };
      const { token } = await createToken(store, principal, { name: 'valid' });
      const lookup = store.tokens.getBySecretHash;
      let lookups = 0;
      store.tokens.getBySecretHash = (hash) => {
        lookups++;
        return lookup(hash);
      };
      expect((await authenticateToken(platform, token))?.username).toBe('sprayed');
      expect(lookups).toBe(1);
      for (let i = 0; i < SPRAY; i++) {
        const sprayed = `eos_${randomBytes(32).toString('base64url')}`;
        expect(await authenticateToken(platform, sprayed)).toBeNull();
      }
      expect(lookups).toBe(SPRAY + 1);
      expect((await authenticateToken(platform, token))?.username).toBe('sprayed');
      expect(lookups).toBe(SPRAY + 1); // served from the cache
    }, 120_000);
  });
});
