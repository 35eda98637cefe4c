// Writes the SQL migration for the change in prisma/schema.prisma since the
// last migration, once per provider: `npm run db:migration -- add_things`.
// The store applies pending migrations at start-up (lib/store/migrate.ts).
// `prisma migrate diff` prints SQL without touching a database, so this works
// offline and for PostgreSQL too (see ../shared/DESIGN.md).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, writePostgresSchema } from './prisma-generate.mjs';

const name = (process.argv[2] ?? '').trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name in lower_snake_case>');
  process.exit(2);
}
const root = join(SQLITE_SCHEMA, '../..');
const migrations = join(root, 'prisma/migrations');
const snapshot = join(migrations, 'schema.snapshot.prisma');
writePostgresSchema();

const toPostgres = (source) =>
  source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:./data/entroos.db"', 'url      = "postgresql://localhost/unused"');

let wrote = 0;
for (const [provider, schema] of [
  ['sqlite', SQLITE_SCHEMA],
  ['postgres', POSTGRES_SCHEMA],
]) {
  const dir = join(migrations, provider);
  mkdirSync(dir, { recursive: true });
  const from = ['--from-empty'];
  if (existsSync(snapshot)) {
    const old = join(root, `prisma/generated/snapshot.${provider}.prisma`);
    const text = readFileSync(snapshot, 'utf8');
    writeFileSync(old, provider === 'postgres' ? toPostgres(text) : text);
    from.splice(0, 1, '--from-schema-datamodel', old);
  }
  const sql = execFileSync(
    join(root, 'node_modules/.bin/prisma'),
    ['migrate', 'diff', ...from, '--to-schema-datamodel', schema, '--script'],
    {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ENTROOS_PRISMA_SCHEMA: schema },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
    console.log(`${provider}: no schema change`);
    continue;
  }
  const next = String(readdirSync(dir).filter((f) => f.endsWith('.sql')).length + 1).padStart(4, '0');
  const file = join(dir, `${next}_${name}.sql`);
  writeFileSync(file, sql);
  console.log(`${provider}: wrote ${file}`);
  wrote++;
}
if (wrote) copyFileSync(SQLITE_SCHEMA, snapshot);
