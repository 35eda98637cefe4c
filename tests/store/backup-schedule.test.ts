import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@/lib/store/index.ts';
import { clusterKeyFromPem } from '@/lib/auth/cluster-key.ts';
import { createBackup } from '@/lib/backup/create.ts';
import { BackupDirectory } from '@/lib/backup/directory.ts';
import { BackupScheduler, type ScheduleTimers } from '@/lib/backup/schedule.ts';
import type { KubeObject } from '@/lib/apimachinery/object.ts';
import { createSqliteDatabase, type TestDatabase } from '../helpers/databases.ts';

// Scheduled backups (ENTROOS_BACKUP_SCHEDULE, ENTROOS_BACKUP_RETAIN): at each time the cron expression names a
// backup is stored with the "scheduled" tag, then the oldest scheduled ones beyond the retention are deleted, and a
// backup taken by hand is never pruned. A cron schedule fires at most once a minute, so the scheduler runs on a
// clock of the test's own: each step moves it to the timer the scheduler armed and awaits the backup that fired.

const SIGNER = clusterKeyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);

class TestClock implements ScheduleTimers {
  private timers: { at: number; run: () => Promise<void> | void }[] = [];
  constructor(private time: Date) {}

  now = () => new Date(this.time);

  after(ms: number, run: () => Promise<void> | void) {
    const timer = { at: this.time.getTime() + ms, run };
    this.timers.push(timer);
    return () => void (this.timers = this.timers.filter((t) => t !== timer));
  }

  /** When the armed timers fire. */
  get armed(): Date[] {
    return this.timers.map((t) => new Date(t.at));
  }

  /** Moves the clock to the earliest timer and fires it; resolves when what it started (a backup) is done. */
  async fire(): Promise<Date> {
    const timer = this.timers.sort((a, b) => a.at - b.at).shift();
    if (!timer) throw new Error('no timer is armed');
    this.time = new Date(timer.at);
    await timer.run();
    return this.now();
  }
}

const configMap = (name: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '', creationTimestamp: '' },
    data: { n: name },
  }) as KubeObject;

describe('scheduled backups', () => {
  let database: TestDatabase;
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    database = createSqliteDatabase();
    store = await openStore(database.url, { secretKey: randomBytes(32) });
    dir = mkdtempSync(join(tmpdir(), 'entroos-backups-'));
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string) => store.objects.write('configmaps', 'default', name, configMap(name)).done;
  const files = () => readdirSync(dir).sort();

  it('takes a backup at each scheduled time and keeps only the newest ENTROOS_BACKUP_RETAIN of them', async () => {
    const directory = new BackupDirectory(dir);
    await write('first');
    const { file, manifest } = await createBackup({ store, signer: SIGNER, version: 'test' });
    const byHand = await directory.save(file, manifest);
    // Every minute, the shortest a cron expression can say.
    const clock = new TestClock(new Date('2026-03-01T02:59:30.000Z'));
    const scheduler = new BackupScheduler(
      { store, signer: SIGNER, version: 'test', directory, log: pino({ level: 'silent' }), timers: clock },
      { schedule: '* * * * *', retain: 2 },
    );
    scheduler.start();
    expect(clock.armed).toEqual([new Date('2026-03-01T03:00:00.000Z')]);

    const versions: string[] = [];
    for (let minute = 0; minute < 4; minute++) {
      await write(`cm-${minute}`);
      versions.push(String(store.objects.committedResourceVersion));
      expect(await clock.fire()).toEqual(new Date(Date.UTC(2026, 2, 1, 3, minute)));
      // The next run is armed for the following minute once this one is done.
      expect(clock.armed).toEqual([new Date(Date.UTC(2026, 2, 1, 3, minute + 1))]);
      const scheduled = files().filter((f) => f.endsWith('-scheduled.tar.gz'));
      expect(scheduled).toHaveLength(Math.min(minute + 1, 2));
      // The newest are kept: the backups of the last two versions.
      expect(scheduled.map((f) => /-rv(\d+)-scheduled/.exec(f)?.[1]).sort()).toEqual(versions.slice(-2).sort());
    }
    // Backups taken by hand are never pruned, and nothing half-written is left behind.
    expect(files()).toContain(byHand.name);
    expect(files().filter((f) => !f.endsWith('.tar.gz'))).toEqual([]);
    expect(files()).toHaveLength(3);
    for (const f of files()) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const listed = await directory.list();
    expect(listed.filter((b) => b.name.endsWith('-scheduled.tar.gz')).map((b) => b.manifest?.resourceVersion)).toEqual(
      versions.slice(-2).reverse().map(Number),
    );

    await scheduler.stop();
    expect(clock.armed).toEqual([]);
  });
});
