import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { LoginLimiter } from './auth/login-limiter.ts';
import type { RateLimiter } from './http/rate-limit.ts';
import { processGlobal } from './global.ts';
import type { Store } from './store/index.ts';
import type { Orchestrator } from './apiserver/index.ts';
import type { TlsMaterial } from './http/tls.ts';
import type { Scheduler } from './scheduler/index.ts';
import type { NodeFleet } from './kubelet/index.ts';
import type { ChaosMonkey } from './kubelet/chaos.ts';
import type { AgentTunnels } from './kubelet/tunnel.ts';
import type { HistorySampler } from './history/sampler.ts';
import type { ImageRegistry } from './kubelet/runtime/registry.ts';
import type { EventBus } from './router/bus.ts';
import type { Router } from './router/router.ts';
import type { CircuitArtifacts, CircuitName } from './proofs/artifacts.ts';
import type { ProofService } from './proofs/service.ts';
import type { ProofApi } from './proofs/records.ts';

/** Everything a request needs that lives for the whole process. Built by lib/start.ts. */
export interface Platform {
  config: Config;
  store: Store;
  log: Logger;
  authSecret: string;
  apiLimiter: RateLimiter;
  loginLimiter: LoginLimiter;
  startedAt: Date;
  /** Platform events (decisions, faults, proofs), shared across instances with Redis. */
  bus: EventBus;
  /** Leader election and replication between instances. */
  router: Router;
  /** The Kubernetes object API and controllers (set once started). */
  orchestrator?: Orchestrator;
  /** The entropy scheduler (set once started). */
  scheduler?: Scheduler;
  /** Mock Docker's registry (with the admins' image marks) that this instance's nodes pull from. */
  images: ImageRegistry;
  /** The in-process fleet of simulated nodes, if ENTROOS_NODES > 0. */
  fleet?: NodeFleet;
  /** Sockets of standalone node agents, for their logs and usage (set when the socket gateway starts). */
  agents?: AgentTunnels;
  /** The cluster history for the overview's charts (the leader samples it). */
  history?: HistorySampler;
  /** Chaos mode over the in-process fleet (the leader, with nodes). */
  chaos?: ChaosMonkey;
  /** The circuits' checked artifacts (keys for verification). */
  circuits: Record<CircuitName, CircuitArtifacts>;
  /** Reading and verifying proofs (every instance). */
  proofApi: ProofApi;
  /** Proves the scheduler's bindings (the leader, when ENTROOS_PROVERS > 0). */
  proofs?: ProofService;
  /** The HTTPS material (set by server.ts); `ca` goes into kubeconfigs. */
  tls?: TlsMaterial;
}

export const PLATFORM_GLOBAL = 'platform';

// Route handlers only read the platform that server.ts started: they never
// open the database themselves, so Prisma stays out of the Next bundles.
export function getPlatform(): Platform {
  return processGlobal<Platform>(PLATFORM_GLOBAL, () => {
    throw new Error('the EntroOS platform is not started: run the server with `npm start` (server.ts), not `next start`');
  });
}
