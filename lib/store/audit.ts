import type { Db, Provider } from './db.ts';
import type { ChainHead, SqliteWriter } from './sqlite-writer.ts';

// The audit trail's rows (lib/audit builds, chains and verifies them). Append-only: nothing here updates or
// deletes a record. Appends are serialised through the table — each transaction reads the last record's hash and
// links its batch to it — so the records of every instance form one chain in `seq` order.

export const AUDIT_GENESIS = '0'.repeat(64);
/** Settings key of the signed head: the newest record's seq and hash, rewritten by every append. */
export const AUDIT_HEAD_SETTING = 'audit.head';

/** One event as the audit layer hands it over: its JSON (exactly as hashed) and the fields copied for search. */
export interface NewAuditEntry {
  time: Date;
  auditId: string;
  stage: string;
  level: string;
  user: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  code: number;
  decision: string;
  event: string;
}

export interface AuditRow extends NewAuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  time: Date;
  keyId: string;
  signature: string;
}

export interface AuditFilter {
  user?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  since?: Date;
  until?: Date;
  /** Only records older than this seq (the `continue` of the previous page). */
  before?: number;
  limit: number;
}

/** How appends link and seal records: hashing and signing belong to lib/audit, not to the store. */
export interface AuditChain {
  link(prevHash: string, event: string): string;
  /** Signs the new head (append keeps it as a checkpoint row too when asked). */
  seal(head: { seq: number; hash: string; time: Date }): AuditCheckpointRow;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const toRow = (r: {
  seq: bigint;
  time: Date;
  auditId: string;
  stage: string;
  level: string;
  user: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  code: number;
  decision: string;
  event: string;
  prevHash: string;
  hash: string;
}): AuditRow => ({ ...r, seq: Number(r.seq) });

const toCheckpoint = (r: { seq: bigint; hash: string; time: Date; keyId: string; signature: string }) => ({
  ...r,
  seq: Number(r.seq),
});

// A fixed key for PostgreSQL's advisory lock: appends from every instance take turns.
const APPEND_LOCK = 0x45_4f_41_55; // "EOAU"

export const AUDIT_COLUMNS = [
  'seq',
  'time',
  'auditId',
  'stage',
  'level',
  'user',
  'verb',
  'resource',
  'namespace',
  'name',
  'code',
  'decision',
  'event',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditRow)[];
const COLUMNS = AUDIT_COLUMNS;
// Rows per statement: 15 parameters each stays far below SQLite's 32,766 and PostgreSQL's 65,535.
const CHUNK = 500;

export function auditRepo(db: Db, provider: Provider, writer?: SqliteWriter) {
  const ph = (i: number) => (provider === 'postgres' ? `$${i}` : '?');
  const placeholders = (rows: number) =>
    Array.from(
      { length: rows },
      (_, r) => `(${COLUMNS.map((_c, c) => ph(r * COLUMNS.length + c + 1)).join(', ')})`,
    ).join(', ');
  // Prisma keeps SQLite DateTimes as ISO text with an explicit offset (its filters compare that text);
  // PostgreSQL takes the Date itself.
  const sqliteTime = (d: Date) => d.toISOString().replace('Z', '+00:00');
  const timeValue = (d: Date) => (provider === 'postgres' ? d : sqliteTime(d));
  const lastIn = async (tx: Tx) => {
    const last = await tx.auditRecord.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    return last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: AUDIT_GENESIS };
  };
  const link = (entries: NewAuditEntry[], chain: AuditChain, after: ChainHead): AuditRow[] => {
    let { seq, hash } = after;
    return entries.map((entry) => {
      const prevHash = hash;
      hash = chain.link(prevHash, entry.event);
      return { ...entry, seq: ++seq, prevHash, hash };
    });
  };
  // The head this instance appended last: the writer thread checks it is still the chain's head (another instance
  // on the same file may have appended since) and refuses the append otherwise.
  let knownHead: ChainHead | null = null;
  /** SQLite: linked and signed here, written by the writer thread in one transaction (sqlite-writer.ts). */
  const appendThroughWriter = async (
    writer: SqliteWriter,
    entries: NewAuditEntry[],
    chain: AuditChain,
    checkpoint: boolean,
  ): Promise<{ rows: AuditRow[]; head: AuditCheckpointRow }> => {
    let after = knownHead ?? (await writer.auditHead()) ?? { seq: 0, hash: AUDIT_GENESIS };
    for (let attempt = 0; ; attempt++) {
      const rows = link(entries, chain, after);
      const last = rows[rows.length - 1];
      const sealed = chain.seal({ seq: last.seq, hash: last.hash, time: new Date() });
      const refused = await writer.appendAudit({
        after: { ...after, genesis: AUDIT_GENESIS },
        rows: rows.map((r) => COLUMNS.map((c) => (c === 'time' ? sqliteTime(r.time) : r[c]))),
        setting: [AUDIT_HEAD_SETTING, JSON.stringify(sealed), sqliteTime(new Date())],
        checkpoint: checkpoint
          ? [sealed.seq, sealed.hash, sqliteTime(sealed.time), sealed.keyId, sealed.signature]
          : null,
      });
      if (!refused) {
        knownHead = { seq: last.seq, hash: last.hash };
        return { rows, head: sealed };
      }
      knownHead = null;
      if (attempt >= 20) throw new Error('the audit chain keeps moving under this append (another writer); giving up');
      after = refused.head ?? { seq: 0, hash: AUDIT_GENESIS };
    }
  };
  return {
    /**
     * Appends `entries` after the chain's current head in one transaction, signs the new head (and keeps it as a
     * checkpoint when asked). Returns the rows as stored.
     */
    append: async (
      entries: NewAuditEntry[],
      chain: AuditChain,
      checkpoint: boolean,
    ): Promise<{ rows: AuditRow[]; head: AuditCheckpointRow | null }> => {
      if (!entries.length) return { rows: [], head: null };
      if (writer?.alive) return appendThroughWriter(writer, entries, chain, checkpoint);
      for (let attempt = 0; ; attempt++) {
        try {
          return await db.$transaction(
            async (tx) => {
              if (provider === 'postgres') await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
              const rows = link(entries, chain, await lastIn(tx));
              // Multi-row INSERTs (like the objects' group commits): several times faster than createMany here.
              for (let i = 0; i < rows.length; i += CHUNK) {
                const chunk = rows.slice(i, i + CHUNK);
                await tx.$executeRawUnsafe(
                  `INSERT INTO "AuditRecord" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES ${placeholders(chunk.length)}`,
                  ...chunk.flatMap((r) => COLUMNS.map((c) => (c === 'time' ? timeValue(r.time) : r[c]))),
                );
              }
              const head = rows[rows.length - 1];
              const sealed = chain.seal({ seq: head.seq, hash: head.hash, time: new Date() });
              const value = JSON.stringify(sealed);
              await tx.setting.upsert({
                where: { key: AUDIT_HEAD_SETTING },
                create: { key: AUDIT_HEAD_SETTING, value },
                update: { value },
              });
              if (checkpoint) await tx.auditCheckpoint.create({ data: { ...sealed, seq: BigInt(sealed.seq) } });
              return { rows, head: sealed };
            },
            { timeout: 60_000, maxWait: 60_000 },
          );
        } catch (err) {
          // Another SQLite process appended the same seq first: read the new head and link again.
          if (attempt < 5 && /Unique constraint|UNIQUE constraint|P2002/.test(String((err as Error).message))) continue;
          throw err;
        }
      }
    },
    head: async (): Promise<AuditCheckpointRow | null> => {
      const row = await db.setting.findUnique({ where: { key: AUDIT_HEAD_SETTING } });
      if (!row) return null;
      const parsed = JSON.parse(row.value) as Omit<AuditCheckpointRow, 'time'> & { time: string };
      return { ...parsed, time: new Date(parsed.time) };
    },
    checkpoints: async (): Promise<AuditCheckpointRow[]> =>
      (await db.auditCheckpoint.findMany({ orderBy: { seq: 'asc' } })).map(toCheckpoint),
    /** Records in seq order from `after` (exclusive), for verification and export. */
    scan: async (after: number, limit: number): Promise<AuditRow[]> =>
      (
        await db.auditRecord.findMany({
          where: { seq: { gt: BigInt(after) } },
          orderBy: { seq: 'asc' },
          take: limit,
        })
      ).map(toRow),
    /** The newest records matching `filter`, newest first. */
    search: async (filter: AuditFilter): Promise<AuditRow[]> =>
      (
        await db.auditRecord.findMany({
          where: {
            ...(filter.user ? { user: filter.user } : {}),
            ...(filter.verb ? { verb: filter.verb } : {}),
            ...(filter.resource ? { resource: filter.resource } : {}),
            ...(filter.namespace !== undefined ? { namespace: filter.namespace } : {}),
            ...(filter.name ? { name: filter.name } : {}),
            ...(filter.since || filter.until
              ? {
                  time: {
                    ...(filter.since ? { gte: filter.since } : {}),
                    ...(filter.until ? { lt: filter.until } : {}),
                  },
                }
              : {}),
            ...(filter.before !== undefined ? { seq: { lt: BigInt(filter.before) } } : {}),
          },
          orderBy: { seq: 'desc' },
          take: filter.limit,
        })
      ).map(toRow),
    count: async (): Promise<number> => db.auditRecord.count(),
  };
}
