import { describe, expect, it } from 'vitest';
import { splitStatements } from '@/lib/store/migrate.ts';

describe('splitStatements', () => {
  it('keeps a dollar-quoted function body whole, semicolons and all', () => {
    const sql = [
      'CREATE FUNCTION touch() RETURNS trigger AS $$',
      'BEGIN',
      '  NEW."updatedAt" := now();',
      '  RETURN NEW;',
      'END;',
      '$$ LANGUAGE plpgsql;',
      'CREATE TRIGGER t BEFORE UPDATE ON "A" FOR EACH ROW EXECUTE FUNCTION touch();',
      'CREATE FUNCTION one() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      'CREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW."updatedAt" := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql',
      'CREATE TRIGGER t BEFORE UPDATE ON "A" FOR EACH ROW EXECUTE FUNCTION touch()',
      'CREATE FUNCTION one() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql',
    ]);
  });

  it('does not split inside strings or quoted identifiers', () => {
    const sql = `INSERT INTO "a;b" ("v") VALUES ('x;\ny'), ('it''s; fine');\nSELECT E'\\'; still';\nSELECT 2`;
    expect(splitStatements(sql)).toEqual([
      `INSERT INTO "a;b" ("v") VALUES ('x;\ny'), ('it''s; fine')`,
      `SELECT E'\\'; still'`,
      'SELECT 2',
    ]);
  });

  it('drops comments, including ones holding semicolons, and keeps tokens apart', () => {
    const sql = [
      '-- CreateTable; with a semicolon',
      'CREATE TABLE "A" ("id" TEXT); -- trailing; comment',
      '/* block; comment /* nested; */ still comment; */',
      'CREATE INDEX "i" ON "A"("id")/* between */;',
      "SELECT '-- not a comment', '/* nor this */';",
      'SELECT 1 --; last line without a newline',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      'CREATE TABLE "A" ("id" TEXT)',
      'CREATE INDEX "i" ON "A"("id")',
      "SELECT '-- not a comment', '/* nor this */'",
      'SELECT 1',
    ]);
  });

  it('leaves dollar signs that do not open a quote alone', () => {
    expect(splitStatements('SELECT a$b$c FROM t WHERE x = $1; SELECT 2')).toEqual([
      'SELECT a$b$c FROM t WHERE x = $1',
      'SELECT 2',
    ]);
  });
});
