import '#server-only';
import type { Logger } from 'pino';
import type { ApiServer } from '../apiserver/index.ts';
import type { Store } from '../store/index.ts';
import { DEFAULT_SCHEDULER_CONFIG, schedulerConfigSchema, type SchedulerConfig } from './profiles.ts';
import { Scheduler } from './scheduler.ts';
import { instrumentScheduler } from './metrics.ts';
import type { DecisionDetail } from './decisions.ts';

export { Scheduler } from './scheduler.ts';
export { schedulerConfigSchema, type SchedulerConfig } from './profiles.ts';

const SETTING = 'scheduler.config';

/**
 * Starts the scheduler with the profiles an admin saved through the API, else
 * those of the server config (entroos.config.json "scheduler"), else the defaults.
 */
export async function startScheduler(
  store: Store,
  { api, events }: ApiServer,
  log: Logger,
  fromConfig?: SchedulerConfig,
  onDecision?: (d: DecisionDetail) => void,
): Promise<Scheduler> {
  let config: SchedulerConfig = fromConfig ?? DEFAULT_SCHEDULER_CONFIG;
  const saved = await store.settings.get(SETTING);
  if (saved) {
    const parsed = schedulerConfigSchema.safeParse(JSON.parse(saved));
    if (parsed.success) config = parsed.data;
    else log.warn({ issues: parsed.error.issues }, 'the saved scheduler configuration is invalid; using the defaults');
  }
  const scheduler = new Scheduler({ api, events, log, config });
  const instrument = instrumentScheduler(scheduler);
  scheduler.setDecisionHook((d) => {
    instrument(d);
    onDecision?.(d);
  });
  scheduler.start();
  return scheduler;
}

/** Validates, saves and applies a new configuration (no restart). */
export async function saveSchedulerConfig(store: Store, scheduler: Scheduler, config: SchedulerConfig) {
  await store.settings.set(SETTING, JSON.stringify(config));
  scheduler.setConfig(config);
}

/** Drops the admin's saved configuration and returns to the server config's (or the defaults). */
export async function resetSchedulerConfig(
  store: Store,
  scheduler: Scheduler,
  fromConfig?: SchedulerConfig,
): Promise<SchedulerConfig> {
  await store.settings.delete(SETTING);
  const config = fromConfig ?? DEFAULT_SCHEDULER_CONFIG;
  scheduler.setConfig(config);
  return config;
}
