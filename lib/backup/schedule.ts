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

/**
 * The clock and the timer the schedule runs on. A cron schedule fires at most once a minute: a test hands in its
 * own to reach the next time at once, and awaits the backup the timer's callback returns.
 */
export interface ScheduleTimers {
  now(): Date;
  /** Calls `run` after `ms` milliseconds; returns what cancels it. */
  after(ms: number, run: () => Promise<void> | void): () => void;
}

const realTimers: ScheduleTimers = {
  now: () => new Date(),
  after: (ms, run) => {
    const timer = setTimeout(() => void run(), ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export class BackupScheduler {
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private cron: CronSchedule;
  private timers: ScheduleTimers;

  constructor(
    private deps: CreateBackupDeps & { directory: BackupDirectory; log: Logger; timers?: ScheduleTimers },
    private options: BackupScheduleOptions,
  ) {
    this.cron = parseCronSchedule(options.schedule);
    this.timers = deps.timers ?? realTimers;
  }

  start(): void {
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
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
    const now = this.timers.now();
    const next = this.cron.next(now);
    // setTimeout holds at most ~24.8 days; a later time is re-armed when that wait ends.
    const wait = Math.min(next.getTime() - now.getTime(), 2 ** 31 - 1);
    this.cancel = this.timers.after(wait, () => {
      if (this.stopped) return;
      if (this.timers.now().getTime() < next.getTime()) return this.arm();
      this.running = this.runOnce().finally(() => {
        this.running = null;
        this.arm();
      });
      // Returned, so that whoever fires the timer can await the backup (the real timer ignores it).
      return this.running;
    });
  }
}
