// Prisma CLI configuration. The JS engine (driver adapters) keeps every Prisma
// command offline: no native engine download. ENTROOS_PRISMA_SCHEMA selects the
// provider's schema (set by scripts/prisma-generate.mjs and new-migration.mjs).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';

const schema = process.env.ENTROOS_PRISMA_SCHEMA ?? path.join('prisma', 'schema.prisma');
const postgres = schema.includes('postgres');

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema,
  // Only used by commands that connect; ours (generate, migrate diff) do not.
  adapter: async () =>
    postgres && process.env.DATABASE_URL?.startsWith('postgres')
      ? new PrismaPg({ connectionString: process.env.DATABASE_URL })
      : new PrismaBetterSQLite3({ url: ':memory:' }),
});
