import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@/lib/store/index.ts';
import { createPostgresDatabase, createSqliteDatabase, type TestDatabase } from '../helpers/databases.ts';

// A Secret's values must not be readable from the database: neither the base64 form the API stores nor the
// decoded value, in the row or anywhere in the SQLite files; and a restarted store reads them back.

const VALUE = `pw-${randomBytes(12).toString('hex')}`;
const BASE64 = Buffer.from(VALUE).toString('base64');

function secret(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '' },
    data: { password: BASE64 },
  };
}

/** The plaintext forms a leak would show: the stored base64, the value, and its hex. */
const leaks = (text: string) =>
  [BASE64, VALUE, Buffer.from(VALUE).toString('hex')].filter((needle) => text.includes(needle));

async function writeAndReopen(database: TestDatabase, key: Buffer | undefined) {
  const store = await openStore(database.url, key ? { secretKey: key } : {});
  store.objects.write('secrets', 'default', 'db', secret('db'));
  store.objects.write('configmaps', 'default', 'plain', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'plain', namespace: 'default', uid: 'uid-cm', resourceVersion: '' },
    data: { visible: 'not-a-secret' },
  });
  await store.objects.flush();
  await store.close();
  const again = await openStore(database.url, key ? { secretKey: key } : {});
  const read = again.objects.get('secrets', 'default', 'db');
  await again.close();
  return read;
}

describe('Secrets at rest on SQLite', () => {
  let database: TestDatabase;
  afterAll(async () => database?.drop());

  it('stores the row encrypted, leaves no plaintext in the database files, and reads it back after a restart', async () => {
    database = createSqliteDatabase();
    // No key given: one is generated beside the database (0600) and reused on the restart.
    const read = await writeAndReopen(database, undefined);
    expect(read?.data).toEqual({ password: BASE64 });

    const path = database.url.slice('file:'.length);
    const keyFile = join(dirname(path), 'secret-encryption.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT "resource", "data" FROM "KubeObject"').all() as {
      resource: string;
      data: string;
    }[];
    db.close();
    const stored = rows.find((r) => r.resource === 'secrets')?.data ?? '';
    expect(stored).toMatch(/^enc:aesgcm:[0-9a-f]{8}:/);
    expect(leaks(stored)).toEqual([]);
    // The other kinds stay plain JSON (the test would catch an encrypt-everything or encrypt-nothing store).
    expect(rows.find((r) => r.resource === 'configmaps')?.data).toContain('not-a-secret');

    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file).toString('latin1');
      expect(leaks(bytes), file).toEqual([]);
    }
  });

  it('refuses to start with another key rather than lose the secrets', async () => {
    await expect(openStore(database.url, { secretKey: randomBytes(32) })).rejects.toThrow(
      /secrets\/default\/db was encrypted with key [0-9a-f]{8}, but the configured secret encryption key is [0-9a-f]{8}/,
    );
  });
});

describe('Secrets at rest on PostgreSQL', () => {
  let database: TestDatabase;
  afterAll(async () => database?.drop());

  it('stores the row encrypted and reads it back after a restart', async () => {
    database = await createPostgresDatabase();
    const key = randomBytes(32);
    const read = await writeAndReopen(database, key);
    expect(read?.data).toEqual({ password: BASE64 });

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ data: string }>(
      `SELECT "data" FROM "KubeObject" WHERE "resource" = 'secrets' AND "name" = 'db'`,
    );
    const dump = await client.query<{ row: string }>(`SELECT row_to_json(o)::text AS row FROM "KubeObject" o`);
    await client.end();
    expect(rows[0].data).toMatch(/^enc:aesgcm:[0-9a-f]{8}:/);
    expect(leaks(rows[0].data)).toEqual([]);
    expect(leaks(dump.rows.map((r) => r.row).join('\n'))).toEqual([]);
  });
});
