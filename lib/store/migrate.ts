import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, Provider } from './db.ts';

// Applies the SQL migrations written by `npm run db:migration` (one folder per
// provider) in name order, each in its own transaction, and records them in
// _entroos_migrations. Prisma's own migrate commands need a native engine or
// fail through the PostgreSQL driver adapter, so the store owns this step.

export interface MigrationResult {
  applied: string[];
  total: number;
}

const LOCK_ID = 7_242_001; // any constant: serialises instances migrating one PostgreSQL database

export function migrationsDir(provider: Provider, root = process.cwd()): string {
  return join(root, 'prisma', 'migrations', provider);
}

export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function migrate(db: Db, provider: Provider, dir = migrationsDir(provider)): Promise<MigrationResult> {
  if (!existsSync(dir)) throw new Error(`migrations folder ${dir} is missing: run the server from the project root`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  await db.$executeRawUnsafe(
    'CREATE TABLE IF NOT EXISTS "_entroos_migrations" ("name" TEXT NOT NULL PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)',
  );
  const applied: string[] = [];
  for (const file of files) {
    const sql = readFileSync(join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const didApply = await db.$transaction(
      async (tx) => {
        if (provider === 'postgres') await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_ID})`);
        const rows = await tx.$queryRaw<{ checksum: string }[]>`SELECT "checksum" FROM "_entroos_migrations" WHERE "name" = ${file}`;
        if (rows.length) {
          if (rows[0].checksum !== checksum) {
            throw new Error(`migration ${file} was changed after it was applied; write a new migration instead of editing it`);
          }
          return false;
        }
        for (const statement of splitStatements(sql)) await tx.$executeRawUnsafe(statement);
        const at = new Date().toISOString();
        await tx.$executeRaw`INSERT INTO "_entroos_migrations" ("name", "checksum", "appliedAt") VALUES (${file}, ${checksum}, ${at})`;
        return true;
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    if (didApply) applied.push(file);
  }
  return { applied, total: files.length };
}
