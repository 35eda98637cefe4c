import '#server-only';
import { randomBytes } from 'node:crypto';
import { openDb, sqlitePath, type Db, type Provider } from './db.ts';
import { migrate, type MigrationResult } from './migrate.ts';
import { settingsRepo } from './settings.ts';
import { tokensRepo } from './tokens.ts';
import { usersRepo } from './users.ts';
import { objectsRepo, type Fence } from './objects.ts';
import { leasesRepo } from './leases.ts';
import { proofsRepo } from './proofs.ts';
import { AUDIT_COLUMNS, auditRepo } from './audit.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { WatchCache, type ReplicatedChange } from './watch-cache.ts';
import { keyFilePath, loadOrCreateKeyFile, secretCipher, type SecretCipher } from './secret-cipher.ts';
import { sealChanges, openChanges } from './sealed-changes.ts';
import { backupRepo } from './backup.ts';

export type { Provider } from './db.ts';
export type { UserRecord } from './users.ts';
export type { TokenRecord, TokenWithUser } from './tokens.ts';
export type { KubeObject, CacheEvent, WatchEventType } from './watch-cache.ts';
export { ResourceVersionTooOld, WatchCache, NotLeader, isNotLeader } from './watch-cache.ts';
export type { ReplicatedChange } from './watch-cache.ts';
export type { LeaseRecord } from './leases.ts';
export type { StoredPlacement, StoredProof, PublicPlacement, PlacementFilter } from './proofs.ts';
export type { Fence } from './objects.ts';
export type { AuditRow, AuditCheckpointRow, AuditFilter, AuditChain, NewAuditEntry } from './audit.ts';
export { AUDIT_GENESIS } from './audit.ts';
export type { Accounts, AccountsApplied, BackupUser, BackupToken, BackupSetting } from './backup.ts';

/** The store: the only module that talks to the database. */
export interface Store {
  provider: Provider;
  migrations: MigrationResult;
  users: ReturnType<typeof usersRepo>;
  tokens: ReturnType<typeof tokensRepo>;
  settings: ReturnType<typeof settingsRepo>;
  /** Every API object, served from memory and persisted in group commits. */
  objects: WatchCache;
  leases: ReturnType<typeof leasesRepo>;
  proofs: ReturnType<typeof proofsRepo>;
  /** The audit trail's append-only, hash-chained records and signed checkpoints (lib/audit). */
  audit: ReturnType<typeof auditRepo>;
  /** What backups read and restores write besides the objects: accounts, settings, Secrets sealed (lib/backup). */
  backup: ReturnType<typeof backupRepo>;
  /** For replicas and leader hand-over: a fresh load of every object, and write fencing by lease term. */
  replication: {
    loadAll: ReturnType<typeof objectsRepo>['loadAll'];
    setFence(fence: Fence | null): void;
    /** Changes as they travel between instances: Secrets encrypted like their rows (see sealed-changes.ts). */
    seal(changes: ReplicatedChange[]): ReplicatedChange[];
    /** The changes a leader sealed, readable again; throws when a Secret does not decrypt under this key. */
    open(changes: ReplicatedChange[]): ReplicatedChange[];
  };
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database at `url`, applies pending migrations, and returns the repositories. */
export interface StoreOptions {
  migrationsDir?: string;
  /** Changes kept for watch resumes (default 10,000). */
  watchHistory?: number;
  onCommitError?: (err: unknown) => void;
  /**
   * The AES-256 key Secrets are encrypted at rest with (ENTROOS_SECRET_KEY). Without it the key is read from, or
   * generated once into, secret-encryption.key beside a SQLite database (./data with PostgreSQL).
   */
  secretKey?: Buffer;
}

export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const { db, provider } = await openDb(url);
  let migrations: MigrationResult;
  try {
    migrations = await migrate(db, provider, options.migrationsDir);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  let repo: ReturnType<typeof objectsRepo>;
  let cipher: SecretCipher;
  let initial: Awaited<ReturnType<ReturnType<typeof objectsRepo>['loadAll']>>;
  // A SQLite file's steady writes (group commits, audit appends) run on a thread of their own (sqlite-writer.ts).
  const writer =
    provider === 'sqlite' && sqlitePath(url) !== ':memory:'
      ? new SqliteWriter(sqlitePath(url), AUDIT_COLUMNS)
      : undefined;
  try {
    const keyFile = options.secretKey ? null : keyFilePath(url);
    const key = options.secretKey ?? (keyFile ? loadOrCreateKeyFile(keyFile) : randomBytes(32));
    cipher = secretCipher(key);
    repo = objectsRepo(db, provider, cipher, writer);
    initial = await repo.loadAll();
  } catch (err) {
    await writer?.close();
    await db.$disconnect();
    throw err;
  }
  const objects = new WatchCache(initial, {
    historySize: options.watchHistory ?? 10_000,
    persist: repo.commit,
    onCommitError: options.onCommitError,
  });
  return storeFor(db, provider, migrations, objects, repo, cipher, writer);
}

function storeFor(
  db: Db,
  provider: Provider,
  migrations: MigrationResult,
  objects: WatchCache,
  repo: ReturnType<typeof objectsRepo>,
  cipher: SecretCipher,
  writer: SqliteWriter | undefined,
): Store {
  let closed = false;
  return {
    provider,
    migrations,
    users: usersRepo(db),
    tokens: tokensRepo(db),
    settings: settingsRepo(db),
    objects,
    leases: leasesRepo(db),
    proofs: proofsRepo(db, provider),
    audit: auditRepo(db, provider, writer),
    backup: backupRepo(db, cipher),
    replication: {
      loadAll: repo.loadAll,
      setFence: repo.setFence,
      seal: (changes) => sealChanges(cipher, changes),
      open: (changes) => openChanges(cipher, changes),
    },
    ping: async () => {
      await db.$queryRawUnsafe('SELECT 1');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await objects.close();
      await writer?.close();
      await db.$disconnect();
    },
  };
}
