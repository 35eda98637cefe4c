import { createPostgresDatabase, type TestDatabase } from './databases.ts';
import { startServer, type TestServer } from './server.ts';

export const REDIS_URL = process.env.ENTROOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Instances {
  db: TestDatabase;
  /** Started first: the leader once its lease is taken. */
  a: TestServer;
  b: TestServer;
  stop: () => Promise<void>;
}

/**
 * Two instances sharing a fresh PostgreSQL database and Redis. Their tests do not fail over, so the lease is
 * long enough (6 s) that a leader stalled by a busy machine keeps it (a 2 s lease lost it under CI load).
 */
export async function startTwoInstances(env: Record<string, string> = {}): Promise<Instances> {
  const db = await createPostgresDatabase();
  const shared = { DATABASE_URL: db.url, REDIS_URL, ENTROOS_LEADER_LEASE_SECONDS: '6', ...env };
  const a = await startServer({ env: shared });
  const b = await startServer({ env: shared });
  return {
    db,
    a,
    b,
    stop: async () => {
      await b.stop();
      await a.stop();
      await db.drop();
    },
  };
}
