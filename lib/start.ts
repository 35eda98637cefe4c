import { randomBytes, randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { processGlobal, setProcessGlobal } from './global.ts';
import { getLogger } from './log.ts';
import { PLATFORM_GLOBAL, type Platform } from './platform.ts';
import { openStore } from './store/index.ts';
import { createOrchestrator } from './apiserver/index.ts';
import { EventBus } from './router/bus.ts';
import { Router } from './router/router.ts';
import { loadArtifacts } from './proofs/artifacts.ts';
import { ProofService } from './proofs/service.ts';
import { createProofApi } from './proofs/records.ts';
import { startScheduler } from './scheduler/index.ts';
import { startFleet } from './kubelet/index.ts';
import { ImageRegistry } from './kubelet/runtime/registry.ts';
import { ChaosMonkey, resumeChaos } from './kubelet/chaos.ts';
import { HistorySampler } from './history/sampler.ts';
import { getImageMarks } from './kubelet/runtime/image-marks.ts';

/** Opens the store (migrating it), loads the auth secret and builds the limiters. Called once by server.ts. */
export async function startPlatform(config: Config): Promise<Platform> {
  const log = getLogger();
  const store = await openStore(config.databaseUrl, {
    watchHistory: config.watchHistory,
    onCommitError: (err) => log.error({ err }, 'a store commit failed; its writes were reverted'),
  });
  const authSecret = config.authSecret ?? (await store.settings.getOrCreate('auth.secret', () => randomBytes(48).toString('base64url')));
  let circuits: Platform['circuits'];
  try {
    circuits = loadArtifacts(config.zkDir);
  } catch (err) {
    await store.close();
    throw err;
  }
  const bus = new EventBus();
  const platform = {
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
    bus,
    circuits,
    images: new ImageRegistry(),
    orchestrator: createOrchestrator(store, log, { nodeMonitorGracePeriodSeconds: config.nodeMonitorGracePeriodSeconds, eventTtlSeconds: config.eventTtlSeconds, eventQps: config.eventQps }),
  } as Platform;
  platform.proofApi = createProofApi(platform);
  platform.router = new Router({
    config,
    store,
    log,
    bus,
    clusterId: await store.settings.getOrCreate('cluster.id', () => randomUUID()),
    onLeading: async () => {
      await platform.orchestrator!.startControllers();
      if (config.provers > 0) platform.proofs = new ProofService(circuits, store, bus, log, { provers: config.provers, batchMs: config.proofBatchMs });
      platform.scheduler = await startScheduler(store, platform.orchestrator!, log, config.scheduler, (d) => {
        bus.publish('scheduling.decision', { pod: d.pod, uid: d.uid, profile: d.profile, result: d.result, node: d.node, message: d.message });
        platform.proofs?.onDecision(d);
      });
      platform.images.replaceMarks(await getImageMarks(store));
      platform.fleet = await startFleet(config, store, platform.orchestrator!, log, platform.images);
      platform.history = new HistorySampler(platform);
      await platform.history.start();
      if (platform.fleet) {
        platform.chaos = new ChaosMonkey(platform.fleet, bus, log, config.seed);
        await resumeChaos(store, platform.chaos, log);
      }
    },
    onLeadershipLost: (reason) => {
      // Like a Kubernetes controller manager: stop at once rather than risk
      // two schedulers; the supervisor restarts this process as a follower.
      log.fatal({ reason }, 'lost the leader lease; exiting');
      console.error(`EntroOS: this instance lost its leadership (${reason}); exiting so it restarts as a follower`);
      process.exit(1);
    },
  });
  // No writes until this instance is elected: a request that arrives between
  // listening and the election gets a retryable 503 instead of forking the state.
  store.objects.setReadOnly(undefined);
  try {
    await platform.router.connectRedis();
  } catch (err) {
    await store.close();
    throw err;
  }
  setProcessGlobal(PLATFORM_GLOBAL, platform);
  return platform;
}

/** Joins the leader election once the server listens at `address`; the leader starts the controllers, scheduler and nodes. */
export async function startRouter(platform: Platform, address: string): Promise<void> {
  await platform.router.start(address);
}

export async function stopPlatform(): Promise<void> {
  const platform = processGlobal<Platform | undefined>(PLATFORM_GLOBAL, () => undefined);
  setProcessGlobal(PLATFORM_GLOBAL, undefined);
  platform?.chaos?.stop();
  await platform?.history?.stop();
  await platform?.fleet?.stop();
  platform?.scheduler?.stop();
  await platform?.proofs?.stop();
  if (platform) await import('./proofs/verify.ts').then((m) => m.terminateCurve());
  await platform?.orchestrator?.stop();
  await platform?.router.stop();
  await platform?.store.close();
}
