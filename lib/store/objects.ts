import type { Db, Provider } from './db.ts';

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

const RV_COUNTER = 'resourceVersion';

// Rows per statement: SQLite allows 32,766 bound parameters, PostgreSQL 65,535.
const CHUNK = 500;

/** Durable copy of the API objects. Reads come from the watch cache; this is written in group commits. */
export function objectsRepo(db: Db, provider: Provider) {
  const ph = (i: number) => (provider === 'postgres' ? `$${i}` : '?');
  const placeholders = (rows: number, perRow: number) =>
    Array.from({ length: rows }, (_, r) => `(${Array.from({ length: perRow }, (_, c) => ph(r * perRow + c + 1)).join(', ')})`).join(', ');
  return {
    loadAll: async (): Promise<{ objects: StoredObject[]; resourceVersion: number }> => {
      const [rows, counter] = await Promise.all([db.kubeObject.findMany(), db.counter.findUnique({ where: { key: RV_COUNTER } })]);
      const objects = rows.map((r) => ({ ...r, resourceVersion: Number(r.resourceVersion) }));
      const maxRow = objects.reduce((m, o) => Math.max(m, o.resourceVersion), 0);
      return { objects, resourceVersion: Math.max(maxRow, Number(counter?.value ?? 0)) };
    },
    /** Writes a batch of changes and the new resourceVersion in one transaction. */
    // Multi-row statements (one INSERT … ON CONFLICT per 500 objects) keep a
    // group commit to a few round trips, on SQLite and PostgreSQL alike.
    commit: async (batch: ObjectBatch): Promise<void> => {
      const statements = [];
      for (let i = 0; i < batch.deletes.length; i += CHUNK) {
        const rows = batch.deletes.slice(i, i + CHUNK);
        statements.push(
          db.$executeRawUnsafe(
            `DELETE FROM "KubeObject" WHERE ("resource", "namespace", "name") IN (VALUES ${placeholders(rows.length, 3)})`,
            ...rows.flatMap((d) => [d.resource, d.namespace, d.name]),
          ),
        );
      }
      for (let i = 0; i < batch.puts.length; i += CHUNK) {
        const rows = batch.puts.slice(i, i + CHUNK);
        statements.push(
          db.$executeRawUnsafe(
            `INSERT INTO "KubeObject" ("resource", "namespace", "name", "uid", "resourceVersion", "data") VALUES ${placeholders(rows.length, 6)} ` +
              'ON CONFLICT ("resource", "namespace", "name") DO UPDATE SET "uid" = excluded."uid", "resourceVersion" = excluded."resourceVersion", "data" = excluded."data"',
            ...rows.flatMap((o) => [o.resource, o.namespace, o.name, o.uid, o.resourceVersion, o.data]),
          ),
        );
      }
      statements.push(
        db.$executeRawUnsafe(
          `INSERT INTO "Counter" ("key", "value") VALUES (${ph(1)}, ${ph(2)}) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"`,
          RV_COUNTER,
          batch.resourceVersion,
        ),
      );
      await db.$transaction(statements);
    },
  };
}
