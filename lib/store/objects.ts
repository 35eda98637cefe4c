import type { Db, Provider } from './db.ts';
import { ENCRYPTED_RESOURCES, rowContext, type SecretCipher } from './secret-cipher.ts';
import type { SqliteWriter, WriterCommit } from './sqlite-writer.ts';

export interface StoredObject {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: number;
  data: string;
}

export interface ObjectBatch {
  puts: StoredObject[];
  deletes: { resource: string; namespace: string; name: string }[];
  resourceVersion: number;
}

export interface Fence {
  name: string;
  holder: string;
  term: number;
}

export class LeaseLost extends Error {
  constructor(readonly fence: Fence) {
    super(`this instance lost the ${fence.name} lease (term ${fence.term}); its writes were refused`);
    this.name = 'LeaseLost';
  }
}

const RV_COUNTER = 'resourceVersion';

// Rows per statement: SQLite allows 32,766 bound parameters, PostgreSQL 65,535.
const CHUNK = 500;

/** Durable copy of the API objects. Reads come from the watch cache; this is written in group commits. */
export function objectsRepo(db: Db, provider: Provider, cipher?: SecretCipher, writer?: SqliteWriter) {
  // Only these rows pass through the cipher: every other kind is stored as plain JSON.
  const sealed = (o: StoredObject) =>
    cipher && ENCRYPTED_RESOURCES.has(o.resource)
      ? cipher.encrypt(o.data, rowContext(o.resource, o.namespace, o.name))
      : o.data;
  const opened = (o: StoredObject) =>
    cipher && ENCRYPTED_RESOURCES.has(o.resource)
      ? { ...o, data: cipher.decrypt(o.data, rowContext(o.resource, o.namespace, o.name)) }
      : o;
  const ph = (i: number) => (provider === 'postgres' ? `$${i}` : '?');
  const placeholders = (rows: number, perRow: number) =>
    Array.from(
      { length: rows },
      (_, r) => `(${Array.from({ length: perRow }, (_, c) => ph(r * perRow + c + 1)).join(', ')})`,
    ).join(', ');
  let fence: Fence | null = null;
  return {
    loadAll: async (): Promise<{ objects: StoredObject[]; resourceVersion: number }> => {
      // Counter first: rows read afterwards are at least that new, so a
      // replica that replays changes after the returned version only repeats
      // (idempotent) changes it already has, and never misses one.
      const counter = await db.counter.findUnique({ where: { key: RV_COUNTER } });
      const rows = await db.kubeObject.findMany();
      const objects = rows.map((r) => opened({ ...r, resourceVersion: Number(r.resourceVersion) }));
      const maxRow = objects.reduce((m, o) => Math.max(m, o.resourceVersion), 0);
      return { objects, resourceVersion: Math.max(maxRow, Number(counter?.value ?? 0)) };
    },
    /** Writes a batch of changes and the new resourceVersion in one transaction. */
    // Through Prisma (PostgreSQL, or SQLite without its writer thread): multi-row statements (one
    // INSERT … ON CONFLICT per 500 objects) keep a group commit to a few round trips.
    commit: async (batch: ObjectBatch): Promise<void> => {
      // SQLite: the writer thread runs the commit off the event loop (sqlite-writer.ts).
      if (writer?.alive) {
        const held = fence;
        const committed = await writer.commit({
          deletes: batch.deletes.map((d): WriterCommit['deletes'][number] => [d.resource, d.namespace, d.name]),
          puts: batch.puts.map((o): WriterCommit['puts'][number] => [
            o.resource,
            o.namespace,
            o.name,
            o.uid,
            o.resourceVersion,
            sealed(o),
          ]),
          resourceVersion: batch.resourceVersion,
          counterKey: RV_COUNTER,
          fence: held,
        });
        if (!committed && held) throw new LeaseLost(held);
        return;
      }
      const statements: [string, unknown[]][] = [];
      for (let i = 0; i < batch.deletes.length; i += CHUNK) {
        const rows = batch.deletes.slice(i, i + CHUNK);
        statements.push([
          `DELETE FROM "KubeObject" WHERE ("resource", "namespace", "name") IN (VALUES ${placeholders(rows.length, 3)})`,
          rows.flatMap((d) => [d.resource, d.namespace, d.name]),
        ]);
      }
      for (let i = 0; i < batch.puts.length; i += CHUNK) {
        const rows = batch.puts.slice(i, i + CHUNK);
        statements.push([
          `INSERT INTO "KubeObject" ("resource", "namespace", "name", "uid", "resourceVersion", "data") VALUES ${placeholders(rows.length, 6)} ` +
            'ON CONFLICT ("resource", "namespace", "name") DO UPDATE SET "uid" = excluded."uid", "resourceVersion" = excluded."resourceVersion", "data" = excluded."data"',
          rows.flatMap((o) => [o.resource, o.namespace, o.name, o.uid, o.resourceVersion, sealed(o)]),
        ]);
      }
      statements.push([
        `INSERT INTO "Counter" ("key", "value") VALUES (${ph(1)}, ${ph(2)}) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"`,
        [RV_COUNTER, batch.resourceVersion],
      ]);
      const held = fence;
      if (!held) {
        await db.$transaction(statements.map(([sql, params]) => db.$executeRawUnsafe(sql, ...params)));
        return;
      }
      // With several instances only the current leader may write: the lease
      // row is checked inside the same transaction, so a leader that lost its
      // lease (paused, partitioned) cannot overwrite its successor's commits.
      await db.$transaction(async (tx) => {
        const still = await tx.$executeRawUnsafe(
          `UPDATE "LeaderLease" SET "holder" = "holder" WHERE "name" = ${ph(1)} AND "holder" = ${ph(2)} AND "term" = ${ph(3)}`,
          held.name,
          held.holder,
          held.term,
        );
        if (still !== 1) throw new LeaseLost(held);
        for (const [sql, params] of statements) await tx.$executeRawUnsafe(sql, ...params);
      });
    },
    /** Makes every later commit conditional on holding this lease term (or unconditional again with null). */
    setFence: (next: Fence | null) => {
      fence = next;
    },
  };
}
