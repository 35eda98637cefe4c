import '#server-only';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { LoginLimiter } from './auth/login-limiter.ts';
import type { ClusterKey } from './auth/cluster-key.ts';
import type { RateLimiter } from './http/rate-limit.ts';
import type { Authorizer } from './auth/authorizer.ts';
import type { ImpersonationDeps } from './auth/impersonation.ts';
import { processGlobal } from './global.ts';
import type { Store } from './store/index.ts';
import type { ObjectApi } from './apiserver/object-api.ts';
import type { EventRecorder } from './apiserver/events.ts';
import type { NodeReads } from './apiserver/node-reads.ts';
import type { KubeApi } from './apiserver/http/handler.ts';
import type { TlsMaterial } from './http/tls.ts';
import type { Controllers } from './controllers/index.ts';
import type { Scheduler } from './scheduler/index.ts';
import type { NodeFleet } from './kubelet/index.ts';
import type { ChaosMonkey } from './kubelet/chaos.ts';
import type { AgentTunnels } from './kubelet/tunnel.ts';
import type { HistorySampler } from './history/sampler.ts';
import type { BackupScheduler } from './backup/index.ts';
import type { ImageRegistry } from './kubelet/runtime/registry.ts';
import type { EventBus } from './router/bus.ts';
import type { Router } from './router/router.ts';
import type { CircuitArtifacts, CircuitName } from './proofs/artifacts.ts';
import type { ProofService } from './proofs/service.ts';
import type { ProofApi } from './proofs/records.ts';
import type { AuditTrail } from './audit/trail.ts';

/** What runs only on the elected leader (followers forward to it). */
export interface LeaderServices {
  controllers: Controllers;
  scheduler: Scheduler;
  history: HistorySampler;
  /** Scheduled backups (ENTROOS_BACKUP_SCHEDULE); null when none are scheduled. */
  backups: BackupScheduler | null;
  /** Chaos mode over the in-process fleet; null without simulated nodes. */
  chaos: ChaosMonkey | null;
  /** Proves the scheduler's bindings; null when ENTROOS_PROVERS=0. */
  proofs: ProofService | null;
}

/**
 * Everything a request needs that lives for the whole process, built once by
 * lib/start.ts. Only the edge reads it (server.ts, route handlers, lib/http);
 * every service inside receives its own dependencies when it is constructed.
 */
export interface Platform {
  config: Config;
  store: Store;
  log: Logger;
  authSecret: string;
  /** The cluster's ed25519 key: signs backup manifests and audit checkpoints. */
  clusterKey: ClusterKey;
  apiLimiter: RateLimiter;
  /** The audit trail (lib/audit): every request's record, chained and signed; null with ENTROOS_AUDIT=false. */
  audit: AuditTrail | null;
  /** Kubernetes RBAC over the stored Roles and bindings, with each identity's EntroOS role (every request asks it). */
  authorizer: Authorizer;
  /** What Impersonate-* headers need: the authorizer, and the users and service accounts they may name. */
  impersonation: ImpersonationDeps;
  loginLimiter: LoginLimiter;
  startedAt: Date;
  /** Platform events (decisions, faults, proofs), shared across instances with Redis. */
  bus: EventBus;
  /** Leader election and replication between instances. */
  router: Router;
  /** The Kubernetes object API and the event recorder. */
  api: ObjectApi;
  events: EventRecorder;
  /** The Kubernetes REST API (discovery, objects, watch, logs, metrics). */
  kubeApi: KubeApi;
  /** Logs and usage of pods, from the in-process fleet or a standalone agent. */
  nodes: NodeReads;
  /** Mock Docker's registry (with the admins' image marks) that this instance's nodes pull from. */
  images: ImageRegistry;
  /** The in-process fleet of simulated nodes; null with ENTROOS_NODES=0. Started on the leader. */
  fleet: NodeFleet | null;
  /** Sockets of standalone node agents, for their logs and usage. */
  agents: AgentTunnels;
  /** The circuits' checked artifacts (keys for verification). */
  circuits: Record<CircuitName, CircuitArtifacts>;
  /** Reading and verifying proofs (every instance). */
  proofApi: ProofApi;
  /** The HTTPS material; `ca` goes into kubeconfigs. */
  tls: TlsMaterial;
  /** Registers the custom types of established CRDs on this instance. */
  crdRegistrar: { stop(): void };
  /**
   * Aborted when the server starts to stop: long-running responses (watches, followed logs) end then, as
   * kube-apiserver ends them, and their clients resume elsewhere instead of holding the stop until it times out.
   */
  stopping: AbortController;
  /** Set once this instance leads (null on followers and before the election). */
  leader: LeaderServices | null;
}

export const PLATFORM_GLOBAL = 'platform';

// Route handlers only read the platform that server.ts started: they never
// open the database themselves, so Prisma stays out of the Next bundles.
export function getPlatform(): Platform {
  return processGlobal<Platform>(PLATFORM_GLOBAL, () => {
    throw new Error(
      'the EntroOS platform is not started: run the server with `npm start` (server.ts), not `next start`',
    );
  });
}
