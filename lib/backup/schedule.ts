import type { Logger } from 'pino';
import { parseCronSchedule, type CronSchedule } from '../apiserver/kinds/cron-schedule.ts';
import { createBackup, type CreateBackupDeps } from './create.ts';
import type { BackupDirectory } from './directory.ts';

// Scheduled backups (ENTROOS_BACKUP_SCHEDULE, a cron expression in UTC), run by the leader alone, stored in the
// backup directory with the tag "scheduled"; after each, the oldest scheduled ones beyond ENTROOS_BACKUP_RETAIN go.

export const SCHEDULED_TAG = 'scheduled';

export interface BackupScheduleOptions {
  schedule: string;
  retain: number;
}

export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private cron: CronSchedule;

  constructor(
    private deps: CreateBackupDeps & { directory: BackupDirectory; log: Logger },
    private options: BackupScheduleOptions,
  ) {
    this.cron = parseCronSchedule(options.schedule);
  }

  start(): void {
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One scheduled backup now (what the timer runs). */
  async runOnce(): Promise<void> {
    const { directory, log } = this.deps;
    const started = Date.now();
    try {
      const { file, manifest } = await createBackup(this.deps);
      const stored = await directory.save(file, manifest, SCHEDULED_TAG);
      const pruned = await directory.prune(this.options.retain, SCHEDULED_TAG);
      log.info(
        {
          backup: stored.name,
          bytes: stored.bytes,
          resourceVersion: manifest.resourceVersion,
          pruned,
          ms: Date.now() - started,
        },
        'scheduled backup stored',
      );
    } catch (err) {
      log.error({ err }, 'scheduled backup failed');
    }
  }

  private arm() {
    if (this.stopped) return;
    const now = new Date();
    const next = this.cron.next(now);
    // setTimeout holds at most ~24.8 days; a later time is re-armed when that wait ends.
    const wait = Math.min(next.getTime() - now.getTime(), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      if (Date.now() < next.getTime()) return this.arm();
      this.running = this.runOnce().finally(() => {
        this.running = null;
        this.arm();
      });
    }, wait);
    this.timer.unref();
  }
}
