import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { PrismaClient as PostgresClient } from './generated/postgres/client.ts';

/** The Prisma client type. Both providers generate the same model API from one schema. */
export type Db = SqliteClient;
export type Provider = 'sqlite' | 'postgres';

export function providerOf(url: string): Provider {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`unsupported DATABASE_URL scheme in ${url.split(':')[0]}: (use file: or postgresql:)`);
}

/** Path of a SQLite file: URL, relative to the working directory like Prisma's. */
export function sqlitePath(url: string): string {
  const path = url.slice('file:'.length).split('?')[0];
  return path === ':memory:' ? path : resolve(process.cwd(), path);
}

export async function openDb(url: string): Promise<{ db: Db; provider: Provider }> {
  const provider = providerOf(url);
  if (provider === 'postgres') {
    const db = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) }) as unknown as Db;
    await db.$connect();
    return { db, provider };
  }
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: path, timeout: 10_000 }) });
  await db.$connect();
  // WAL lets readers proceed while a write commits; NORMAL sync is safe with WAL.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
  await db.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  return { db, provider };
}
