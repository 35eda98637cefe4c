import type { Db } from './db.ts';

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

/** Durable copy of the API objects. Reads come from the watch cache; this is written in group commits. */
export function objectsRepo(db: Db) {
  return {
    loadAll: async (): Promise<{ objects: StoredObject[]; resourceVersion: number }> => {
      const [rows, counter] = await Promise.all([db.kubeObject.findMany(), db.counter.findUnique({ where: { key: RV_COUNTER } })]);
      const objects = rows.map((r) => ({ ...r, resourceVersion: Number(r.resourceVersion) }));
      const maxRow = objects.reduce((m, o) => Math.max(m, o.resourceVersion), 0);
      return { objects, resourceVersion: Math.max(maxRow, Number(counter?.value ?? 0)) };
    },
    /** Writes a batch of changes and the new resourceVersion in one transaction. */
    commit: async (batch: ObjectBatch): Promise<void> => {
      const rv = BigInt(batch.resourceVersion);
      await db.$transaction([
        ...batch.deletes.map((d) => db.kubeObject.deleteMany({ where: { resource: d.resource, namespace: d.namespace, name: d.name } })),
        ...batch.puts.map((o) =>
          db.kubeObject.upsert({
            where: { resource_namespace_name: { resource: o.resource, namespace: o.namespace, name: o.name } },
            create: { ...o, resourceVersion: BigInt(o.resourceVersion) },
            update: { uid: o.uid, data: o.data, resourceVersion: BigInt(o.resourceVersion) },
          }),
        ),
        db.counter.upsert({ where: { key: RV_COUNTER }, create: { key: RV_COUNTER, value: rv }, update: { value: rv } }),
      ]);
    },
  };
}
