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

/**
 * Splits a migration into statements at top-level semicolons, and drops comments. A `;` inside a quoted string,
 * a quoted identifier, a dollar-quoted body (`$$ … $$`, `$fn$ … $fn$`: how PostgreSQL writes function bodies) or a
 * comment does not end a statement. Not handled: `BEGIN ATOMIC … END` bodies and SQLite trigger bodies, which
 * end statements with bare semicolons and would need the SQL grammar to find their end.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const take = (end: number) => {
    current += sql.slice(i, end);
    i = end;
  };
  const flush = () => {
    const statement = current.trim();
    if (statement) statements.push(statement);
    current = '';
  };
  while (i < sql.length) {
    PLAIN.lastIndex = i;
    if (PLAIN.test(sql)) take(PLAIN.lastIndex);
    if (i >= sql.length) break;
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      // The newline stays, so a comment between two tokens still separates them.
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (ch === '/' && next === '*') {
      i = blockCommentEnd(sql, i);
      current += ' ';
    } else if (ch === "'" || ch === '"') {
      // PostgreSQL's E'…' strings escape a quote with a backslash as well as by doubling it.
      const backslashEscapes = ch === "'" && /[eE]/.test(sql[i - 1] ?? '') && !isWordChar(sql[i - 2] ?? '');
      take(quotedEnd(sql, i, ch, backslashEscapes));
    } else if (ch === '$' && !isWordChar(sql[i - 1] ?? '')) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      const close = tag ? sql.indexOf(tag, i + tag.length) : -1;
      if (!tag) take(i + 1);
      else take(close < 0 ? sql.length : close + tag.length);
    } else if (ch === ';') {
      flush();
      i++;
    } else take(i + 1);
  }
  flush();
  return statements;
}

// Everything up to the next character that may start a comment, a quote, a dollar quote or the end of a statement.
const PLAIN = /[^-/'"$;]+/y;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;

// `$` counts as a word character: in PostgreSQL `a$b$` is an identifier, not the start of a dollar quote.
const isWordChar = (ch: string) => /[\w$\u0080-\uffff]/.test(ch);

/** The index after the quote closing the string or identifier opened at `start` (doubling the quote escapes it). */
function quotedEnd(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

// The index after the end of the block comment opened at `start`; PostgreSQL lets block comments nest.
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
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
        const rows = await tx.$queryRaw<
          { checksum: string }[]
        >`SELECT "checksum" FROM "_entroos_migrations" WHERE "name" = ${file}`;
        if (rows.length) {
          if (rows[0].checksum !== checksum) {
            throw new Error(
              `migration ${file} was changed after it was applied; write a new migration instead of editing it`,
            );
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
