import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// Tests that need PostgreSQL use 127.0.0.1:5432 (ENTROOS_TEST_POSTGRES_URL
// overrides). Each test database is created fresh and dropped afterwards.
// A missing server fails the run: these tests never skip.
export const POSTGRES_ADMIN_URL = process.env.ENTROOS_TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `entroos_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is required for these tests and is not reachable at ${POSTGRES_ADMIN_URL} (${(err as Error).message}). ` +
        'Start it (pg_ctlcluster <version> main start) or set ENTROOS_TEST_POSTGRES_URL.',
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function createSqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'entroos-store-'));
  return { url: `file:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export const PROVIDERS = [
  { name: 'sqlite', create: async () => createSqliteDatabase() },
  { name: 'postgres', create: createPostgresDatabase },
] as const;
