import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import { RateLimiter } from './gateway/rate-limit.ts';
import { processGlobal, setProcessGlobal } from './global.ts';
import { getLogger } from './log.ts';
import { PLATFORM_GLOBAL, type Platform } from './platform.ts';
import { openStore } from './store/index.ts';
import { startOrchestrator } from './orchestrator/index.ts';
import { startScheduler } from './scheduler/index.ts';
import { startFleet } from './nko/index.ts';

/** Opens the store (migrating it), loads the auth secret and builds the limiters. Called once by server.ts. */
export async function startPlatform(config: Config): Promise<Platform> {
  const log = getLogger();
  const store = await openStore(config.databaseUrl, {
    watchHistory: config.watchHistory,
    onCommitError: (err) => log.error({ err }, 'a store commit failed; its writes were reverted'),
  });
  const authSecret = config.authSecret ?? (await store.settings.getOrCreate('auth.secret', () => randomBytes(48).toString('base64url')));
  const platform: Platform = {
    config,
    store,
    log,
    authSecret,
    apiLimiter: new RateLimiter(config.rateLimitQps, config.rateLimitBurst),
    loginLimiter: new LoginLimiter({
      maxFailures: config.loginMaxFailures,
      maxFailuresPerIp: config.loginMaxFailuresPerIp,
      windowSeconds: config.loginWindowSeconds,
    }),
    startedAt: new Date(),
  };
  platform.orchestrator = await startOrchestrator(store, log, { nodeMonitorGracePeriodSeconds: config.nodeMonitorGracePeriodSeconds, eventTtlSeconds: config.eventTtlSeconds, eventQps: config.eventQps });
  platform.scheduler = await startScheduler(store, platform.orchestrator, log, config.scheduler);
  platform.fleet = await startFleet(config, store, platform.orchestrator, log);
  setProcessGlobal(PLATFORM_GLOBAL, platform);
  return platform;
}

export async function stopPlatform(): Promise<void> {
  const platform = processGlobal<Platform | undefined>(PLATFORM_GLOBAL, () => undefined);
  setProcessGlobal(PLATFORM_GLOBAL, undefined);
  await platform?.fleet?.stop();
  platform?.scheduler?.stop();
  await platform?.orchestrator?.stop();
  await platform?.store.close();
}
