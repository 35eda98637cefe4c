import { openDb, type Db, type Provider } from './db.ts';
import { migrate, type MigrationResult } from './migrate.ts';
import { settingsRepo } from './settings.ts';
import { tokensRepo } from './tokens.ts';
import { usersRepo } from './users.ts';

export type { Provider } from './db.ts';
export type { UserRecord } from './users.ts';
export type { TokenRecord, TokenWithUser } from './tokens.ts';

/** The store: the only module that talks to the database. */
export interface Store {
  provider: Provider;
  migrations: MigrationResult;
  users: ReturnType<typeof usersRepo>;
  tokens: ReturnType<typeof tokensRepo>;
  settings: ReturnType<typeof settingsRepo>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database at `url`, applies pending migrations, and returns the repositories. */
export async function openStore(url: string, options: { migrationsDir?: string } = {}): Promise<Store> {
  const { db, provider } = await openDb(url);
  let migrations: MigrationResult;
  try {
    migrations = await migrate(db, provider, options.migrationsDir);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  return storeFor(db, provider, migrations);
}

function storeFor(db: Db, provider: Provider, migrations: MigrationResult): Store {
  let closed = false;
  return {
    provider,
    migrations,
    users: usersRepo(db),
    tokens: tokensRepo(db),
    settings: settingsRepo(db),
    ping: async () => {
      await db.$queryRawUnsafe('SELECT 1');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await db.$disconnect();
    },
  };
}
