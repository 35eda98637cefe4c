import type { Db, Provider } from './db.ts';

export interface StoredPlacement {
  bindingId: string;
  slot: number;
  podUid: string;
  namespace: string;
  name: string;
  node: string;
  commitment: string;
  cpu: string;
  memory: string;
  salt: string;
}

export interface StoredProof {
  id: string;
  circuit: string;
  vkeyId: string;
  publicSignals: string;
  proof: string;
  proveMs: number;
  status: string;
  createdAt: Date;
  verifiedAt: Date | null;
}

/** A placement as served: without what opens its commitment (cpu, memory, salt). */
export type PublicPlacement = Omit<StoredPlacement, 'cpu' | 'memory' | 'salt'> & {
  createdAt: Date;
  batch: Pick<StoredProof, 'id' | 'circuit' | 'status' | 'proveMs'>;
};

const PUBLIC_PLACEMENT = {
  bindingId: true,
  slot: true,
  podUid: true,
  namespace: true,
  name: true,
  node: true,
  commitment: true,
  createdAt: true,
  batchId: true,
} as const;

export interface PlacementFilter {
  namespace?: string;
  name?: string;
  node?: string;
  status?: string;
  limit?: number;
}

/** A placement row of `placementsForPods`' join, as either driver returns it. */
interface PlacementJoinRow {
  bindingId: string;
  slot: number | bigint;
  podUid: string;
  namespace: string;
  name: string;
  node: string;
  commitment: string;
  createdAt: Date | string;
  batchId: string;
  circuit: string;
  status: string;
  proveMs: number | bigint;
}

export function proofsRepo(db: Db, provider: Provider) {
  // One statement of a fixed shape whatever the number of pods: the names travel as one JSON (SQLite) or array
  // (PostgreSQL) parameter, so nothing is compiled per call — Prisma's query compiler rebuilt an `IN (…500 values)`
  // plan on every GraphQL page of pods, a third of its time — and the batch comes in the same join.
  const placementsSql = `SELECT p."bindingId", p."slot", p."podUid", p."namespace", p."name", p."node", p."commitment",
      p."createdAt", b."id" AS "batchId", b."circuit", b."status", b."proveMs"
    FROM "Placement" p JOIN "ProofBatch" b ON b."id" = p."batchId"
    WHERE ${
      provider === 'postgres'
        ? 'p."namespace" = ANY($1::text[]) AND p."name" = ANY($2::text[])'
        : 'p."namespace" IN (SELECT value FROM json_each(?)) AND p."name" IN (SELECT value FROM json_each(?))'
    }`;
  const listParam = (values: string[]) => (provider === 'postgres' ? values : JSON.stringify(values));
  return {
    save: async (
      proof: Omit<StoredProof, 'createdAt' | 'verifiedAt'>,
      placements: StoredPlacement[],
    ): Promise<void> => {
      await db.$transaction([
        db.proofBatch.create({ data: proof }),
        db.placement.createMany({ data: placements.map((p) => ({ ...p, batchId: proof.id })) }),
      ]);
    },
    listPlacements: async (filter: PlacementFilter): Promise<PublicPlacement[]> => {
      const rows = await db.placement.findMany({
        where: {
          ...(filter.namespace ? { namespace: filter.namespace } : {}),
          ...(filter.name ? { name: filter.name } : {}),
          ...(filter.node ? { node: filter.node } : {}),
          ...(filter.status ? { batch: { status: filter.status } } : {}),
        },
        select: { ...PUBLIC_PLACEMENT, batch: { select: { id: true, circuit: true, status: true, proveMs: true } } },
        orderBy: { createdAt: 'desc' },
        take: Math.min(filter.limit ?? 500, 10_000),
      });
      return rows.map(({ batchId: _b, ...row }) => row);
    },
    /**
     * The placements of these pods (with their batch), in one query per 500 pods (SQLite takes at most 999 query
     * parameters): by namespace and name (the indexed columns), the caller matching each row to its pod by podUid (a
     * name reused by a new pod is not it).
     */
    placementsForPods: async (pods: { namespace: string; name: string }[]): Promise<PublicPlacement[]> => {
      if (!pods.length) return [];
      const rows = await db.$queryRawUnsafe<PlacementJoinRow[]>(
        placementsSql,
        listParam([...new Set(pods.map((p) => p.namespace))]),
        listParam([...new Set(pods.map((p) => p.name))]),
      );
      return rows.map((r) => ({
        bindingId: r.bindingId,
        slot: Number(r.slot),
        podUid: r.podUid,
        namespace: r.namespace,
        name: r.name,
        node: r.node,
        commitment: r.commitment,
        createdAt: new Date(r.createdAt),
        batch: { id: r.batchId, circuit: r.circuit, status: r.status, proveMs: Number(r.proveMs) },
      }));
    },
    getProof: async (id: string): Promise<(StoredProof & { placements: Omit<PublicPlacement, 'batch'>[] }) | null> =>
      db.proofBatch
        .findUnique({ where: { id }, include: { placements: { select: PUBLIC_PLACEMENT, orderBy: { slot: 'asc' } } } })
        .then((row) => (row ? { ...row, placements: row.placements.map(({ batchId: _b, ...p }) => p) } : null)),
    listProofs: async (ids: string[] | undefined, limit: number): Promise<StoredProof[]> =>
      db.proofBatch.findMany({ where: ids ? { id: { in: ids } } : {}, orderBy: { createdAt: 'asc' }, take: limit }),
    setStatus: async (ids: string[], status: string): Promise<void> => {
      if (ids.length)
        await db.proofBatch.updateMany({ where: { id: { in: ids } }, data: { status, verifiedAt: new Date() } });
    },
    counts: async (): Promise<Record<string, number>> => {
      const groups = await db.proofBatch.groupBy({ by: ['status'], _count: { _all: true } });
      return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
    },
  };
}
