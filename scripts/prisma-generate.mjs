// Generates the Prisma clients for both providers (SQLite and PostgreSQL)
// from prisma/schema.prisma. Runs at `npm install` (postinstall); offline.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SQLITE_SCHEMA = join(root, 'prisma/schema.prisma');
export const POSTGRES_SCHEMA = join(root, 'prisma/generated/postgres.prisma');

export function writePostgresSchema() {
  const source = readFileSync(SQLITE_SCHEMA, 'utf8');
  const pg = source
    .replace(
      'output                 = "../lib/store/generated/sqlite"',
      'output                 = "../../lib/store/generated/postgres"',
    )
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:./data/entroos.db"', 'url      = "postgresql://localhost/unused"');
  if (pg === source || !pg.includes('postgresql') || !pg.includes('generated/postgres')) {
    throw new Error('prisma/schema.prisma no longer matches the patterns scripts/prisma-generate.mjs rewrites');
  }
  mkdirSync(dirname(POSTGRES_SCHEMA), { recursive: true });
  writeFileSync(
    POSTGRES_SCHEMA,
    `// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs: do not edit.\n${pg}`,
  );
}

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const prisma = join(root, 'node_modules/.bin/prisma');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writePostgresSchema();
  for (const schema of [SQLITE_SCHEMA, POSTGRES_SCHEMA]) {
    execFileSync(prisma, ['generate'], {
      cwd: root,
      env: { ...env, ENTROOS_PRISMA_SCHEMA: schema },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  console.log('prisma: generated clients for sqlite and postgres');
}
