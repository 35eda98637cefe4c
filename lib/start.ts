import '#server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { guard } from './http/with-auth.ts';
import { serviceAccountKey } from './auth/service-account-tokens.ts';
import { Authorizer } from './auth/authorizer.ts';
import { ensureBootstrapRoles } from './apiserver/rbac-bootstrap.ts';
import { loadClusterKey } from './auth/cluster-key.ts';
import { loadTls } from './http/tls.ts';
import { processGlobal, setProcessGlobal } from './global.ts';
import { getLogger } from './log.ts';
import { PLATFORM_GLOBAL, type LeaderServices, type Platform } from './platform.ts';
import { openStore } from './store/index.ts';
import { createApiServer, ensureSystemNamespaces } from './apiserver/index.ts';
import { createKubeApi } from './apiserver/http/handler.ts';
import { controllerContext, startControllers } from './controllers/index.ts';
import { withCrdController } from './controllers/crd.ts';
import { startCrdRegistrar } from './apiserver/crd/registrar.ts';
import { appAdmission, appExecutors, appPolicies, startApps } from './apps/index.ts';
import { EventBus } from './router/bus.ts';
import { Router } from './router/router.ts';
import { commitFailures, instrumentInstance } from './router/instance-metrics.ts';
import { loadArtifacts } from './proofs/artifacts.ts';
import { clusterProver } from './proofs/prover.ts';
import { ProofService } from './proofs/service.ts';
import { createProofApi } from './proofs/records.ts';
import { terminateCurve } from './proofs/verify.ts';
import { startScheduler } from './scheduler/index.ts';
import { createFleet, startFleet } from './kubelet/index.ts';
import { createNodeReads } from './kubelet/node-reads.ts';
import { AgentTunnels } from './kubelet/tunnel.ts';
import { ImageRegistry } from './kubelet/runtime/registry.ts';
import { getImageMarks } from './kubelet/runtime/image-marks.ts';
import { ChaosMonkey, resumeChaos } from './kubelet/chaos.ts';
import { HistorySampler } from './history/sampler.ts';
import { createAuditTrail } from './audit/setup.ts';
import { auditIdOf } from './audit/trail.ts';
import { BackupDirectory, BackupScheduler } from './backup/index.ts';
import { APP_VERSION } from './http/health.ts';

// The composition root: every service is built here with what it needs, and
// the leader-only ones are started when this instance is elected.

/** Opens the store (migrating it), builds every service, and joins nothing yet. Called once by server.ts. */
export async function startPlatform(config: Config): Promise<Platform> {
  const log = getLogger();
  const store = await openStore(config.databaseUrl, {
    watchHistory: config.watchHistory,
    secretKey: config.secretKey ? Buffer.from(config.secretKey, 'base64') : undefined,
    onCommitError: (err) => {
      commitFailures().inc();
      log.error({ err }, 'a store commit failed; its writes were reverted');
    },
  });
  let circuits: Platform['circuits'];
  try {
    circuits = loadArtifacts(config.zkDir);
  } catch (err) {
    await store.close();
    throw err;
  }
  const authSecret =
    config.authSecret ?? (await store.settings.getOrCreate('auth.secret', () => randomBytes(48).toString('base64url')));
  const clusterKey = await loadClusterKey(store.settings);
  let tls: Platform['tls'];
  try {
    tls = await loadTls(config, store);
  } catch (err) {
    await store.close();
    throw err;
  }
  const bus = new EventBus();
  let audit: Platform['audit'];
  try {
    audit = createAuditTrail(config, { store, signer: clusterKey, log, tail: bus });
  } catch (err) {
    await store.close();
    throw err;
  }
  // RBAC reads the Roles and bindings from the watch cache, on every instance.
  const authorizer = new Authorizer(store.objects);
  const server = createApiServer(store, log, { eventQps: config.eventQps });
  // The applications' admission (lib/apps) checks their kinds, and their policies any kind, on every instance and
  // every write path.
  server.api.setHooks({
    validateCustom: appAdmission(server.api, { config }),
    admit: appPolicies(server.api),
  });
  // Every instance serves the custom resources of the CRDs in its cache (followers see them by replication).
  const crdRegistrar = startCrdRegistrar(server.api);
  const stopping = new AbortController();
  const images = new ImageRegistry();
  const agents = new AgentTunnels();
  // The apps' engines run their images' containers on the in-process nodes (the conversion engines).
  const fleet = createFleet(config, server, log, images, appExecutors(server.api, { config, clusterKey }, log));
  const nodes = createNodeReads(fleet, agents);
  const router = new Router({
    config,
    store,
    log,
    bus,
    clusterId: await store.settings.getOrCreate('cluster.id', () => randomUUID()),
    onLeading: async () => {
      platform.leader = await startLeaderServices(platform);
    },
    onLeadershipLost: (reason) => {
      // Like a Kubernetes controller manager: stop at once rather than risk
      // two schedulers; the supervisor restarts this process as a follower.
      log.fatal({ reason }, 'lost the leader lease; exiting');
      console.error(`EntroOS: this instance lost its leadership (${reason}); exiting so it restarts as a follower`);
      process.exit(1);
    },
  });
  instrumentInstance(router, store.objects);
  const platform: Platform = {
    config,
    store,
    log,
    authSecret,
    clusterKey,
    apiLimiter: new RateLimiter(config.rateLimitQps, config.rateLimitBurst),
    audit,
    authorizer,
    impersonation: {
      authorizer,
      userByName: (username) => store.users.getByUsername(username),
      getObject: (resource, namespace, name) => store.objects.get(resource, namespace, name),
    },
    loginLimiter: new LoginLimiter({
      maxFailures: config.loginMaxFailures,
      maxFailuresPerIp: config.loginMaxFailuresPerIp,
      windowSeconds: config.loginWindowSeconds,
    }),
    startedAt: new Date(),
    bus,
    router,
    api: server.api,
    events: server.events,
    kubeApi: createKubeApi({
      api: server.api,
      events: server.events,
      nodes,
      watchBookmarkMs: config.watchBookmarkMs,
      logFollowPollMs: config.logFollowPollMs,
      stopping: stopping.signal,
      authorize: async (req, verb, resource, scope) => (await guard(req, verb, resource, scope)).principal,
      authorizer,
      tokens: { key: serviceAccountKey(authSecret), maxExpirationSeconds: config.serviceAccountMaxTokenSeconds },
      created: (req, object) => audit?.created(auditIdOf(req.headers), object.metadata),
    }),
    nodes,
    images,
    fleet,
    agents,
    circuits,
    proofApi: createProofApi({ store, circuits }),
    tls,
    crdRegistrar,
    stopping,
    leader: null,
  };
  // No writes until this instance is elected: a request that arrives between
  // listening and the election gets a retryable 503 instead of forking the state.
  store.objects.setReadOnly(undefined);
  try {
    await router.connectRedis();
  } catch (err) {
    await store.close();
    throw err;
  }
  setProcessGlobal(PLATFORM_GLOBAL, platform);
  return platform;
}

/** The leader's part, in order: controllers (after the system namespaces), provers, scheduler, nodes, history, chaos. */
async function startLeaderServices(platform: Platform): Promise<LeaderServices> {
  const { config, store, log, bus, api, events, fleet } = platform;
  const server = { api, events };
  await ensureSystemNamespaces(api);
  await ensureBootstrapRoles(api);
  const controllerCtx = controllerContext(api, events, log);
  const platformControllers = withCrdController(
    startControllers(controllerCtx, {
      nodeMonitorGracePeriodSeconds: config.nodeMonitorGracePeriodSeconds,
      eventTtlSeconds: config.eventTtlSeconds,
      jobBackoffMs: config.crashBackoffMs,
      hpaSyncPeriodSeconds: config.hpaSyncPeriodSeconds,
      hpaDownscaleStabilizationSeconds: config.hpaDownscaleStabilizationSeconds,
      podMetrics: platform.nodes,
    }),
    controllerCtx,
  );
  const proofs =
    config.provers > 0
      ? new ProofService(platform.circuits, store, bus, log, { provers: config.provers, batchMs: config.proofBatchMs })
      : null;
  // The applications (lib/apps) install their CRDs and run their controllers like any operator would.
  const controllers = await startApps(platformControllers, controllerCtx, {
    log,
    demo: config.demo === 'true',
    settings: store.settings,
    services: {
      clusterKey: platform.clusterKey,
      nodes: platform.nodes,
      backupDir: config.backupDir,
      config,
      prover: clusterProver(platform.circuits, proofs),
    },
  });
  const scheduler = await startScheduler(store, server, log, config.scheduler, (d) => {
    bus.publish('scheduling.decision', {
      pod: d.pod,
      uid: d.uid,
      profile: d.profile,
      result: d.result,
      node: d.node,
      message: d.message,
    });
    proofs?.onDecision(d);
  });
  platform.images.replaceMarks(await getImageMarks(store));
  if (fleet) await startFleet(fleet, config, store, server);
  const history = new HistorySampler({
    api,
    nodes: platform.nodes,
    scheduler,
    store,
    bus,
    log,
    sampleMs: config.historySampleMs,
  });
  await history.start();
  const chaos = fleet ? new ChaosMonkey(fleet, bus, log, config.seed) : null;
  if (chaos) await resumeChaos(store, chaos, log);
  const backups = config.backupSchedule.trim()
    ? new BackupScheduler(
        {
          store,
          signer: platform.clusterKey,
          version: APP_VERSION,
          directory: new BackupDirectory(config.backupDir),
          log,
        },
        { schedule: config.backupSchedule, retain: config.backupRetain },
      )
    : null;
  backups?.start();
  return { controllers, scheduler, history, chaos, proofs, backups };
}

/** Joins the leader election once the server listens at `address`; the leader starts the controllers, scheduler and nodes. */
export async function startRouter(platform: Platform, address: string): Promise<void> {
  await platform.router.start(address);
}

export async function stopPlatform(): Promise<void> {
  const platform = processGlobal<Platform | undefined>(PLATFORM_GLOBAL, () => undefined);
  setProcessGlobal(PLATFORM_GLOBAL, undefined);
  if (!platform) return;
  const leader = platform.leader;
  leader?.chaos?.stop();
  await leader?.backups?.stop();
  await leader?.history.stop();
  await platform.fleet?.stop();
  leader?.scheduler.stop();
  await leader?.proofs?.stop();
  await terminateCurve();
  await leader?.controllers.stop();
  platform.crdRegistrar.stop();
  if (!platform.store.objects.readOnly) await platform.store.objects.flush();
  await platform.router.stop();
  // The last records of this instance, with a final checkpoint, before the database closes.
  await platform.audit?.close();
  await platform.store.close();
}
