import type { Logger } from 'pino';
import type { CustomResourceDefinition } from '../apimachinery/generated/kinds.ts';
import type { AdmissionPolicy, ObjectApi, ValidatingAdmission } from '../apiserver/object-api.ts';
import type { ControllerContext } from '../controllers/context.ts';
import type { ContainerExecutor } from '../kubelet/executor.ts';
import type { Config } from '../config.ts';
import type { NodeReads } from '../apiserver/node-reads.ts';
import type { Prover } from '../proofs/prover.ts';

// What an application on the platform provides (see docs/apps/README.md): its CRDs, installed by the leader at
// start; validating admission for its kinds, run on every instance for every write; its controllers, run by the
// leader once its CRDs are served; and optionally the demo data it seeds into a fresh cluster.

export interface AppController {
  stop(): void;
  /** Resolves when nothing is queued (tests, shutdown). */
  idle(): Promise<void>;
}

/** What the platform lends an app's controllers beyond the object API: its signing key, pod logs, the data directory. */
export interface AppServices {
  /** The cluster's ed25519 key (lib/auth/cluster-key.ts): signs what the app vouches for. */
  clusterKey: { keyId: string; publicKeyPem: string; sign(data: Buffer | string): string };
  /** Containers' logs, read from the node agents. */
  nodes: Pick<NodeReads, 'logs'>;
  /** ENTROOS_BACKUP_DIR: apps keep their files beside it in the data directory. */
  backupDir: string;
  /** The server's settings (the conversion app's storage, quota and queue limit). */
  config: Config;
  /** The cluster's prover threads (shared with placement proofs) and verification against the manifest's keys. */
  prover: Prover;
}

/**
 * An endpoint an app serves beside its resources under /apis/GROUP/VERSION (a webhook, a download): the API gateway
 * answers it before the resource API, checks the method and authorizes it with its one authorizer.
 */
export interface AppRoute {
  methods: string[];
  /** The RBAC request it is allowed as; `self-authenticated` when the request proves itself (a webhook's HMAC). */
  authorize:
    | { verb: string; resource: string; apiGroup: string; namespace?: string; name?: string; subresource?: string }
    | 'self-authenticated';
  serve(req: Request, services: AppRouteServices): Promise<Response>;
}

/** What an app's endpoints use: they run on every instance. */
export type AppRouteServices = { api: ObjectApi } & Pick<AppServices, 'config' | 'clusterKey'>;

/** What admission may use: it runs on every instance, where only the settings are shared. */
export type AdmissionServices = Pick<AppServices, 'config'>;

export interface AppDefinition {
  /** The app's name: lib/apps/NAME, /apps/NAME, docs/apps/NAME.md. */
  name: string;
  title: string;
  crds: CustomResourceDefinition[];
  /** Validating admission per store key of the app's kinds (`batches.supplychain.entroos.io`). */
  admission?: (api: ObjectApi, services: AdmissionServices) => Record<string, ValidatingAdmission>;
  /**
   * Policies on any kind, built-in ones included, per store key (`pods`): what the app refuses to let the cluster
   * store, answered as a 403 (the supply chain's image attestation enforcement).
   */
  policies?: (api: ObjectApi) => Record<string, AdmissionPolicy>;
  controllers: (ctx: ControllerContext, services: AppServices) => AppController[];
  /**
   * Runs the app's container images on the in-process nodes (the kubelet's ContainerExecutor, picked by image
   * prefix): the conversion engines for `entroos/convert-*`. Built on every instance with the fleet.
   */
  executors?: (
    api: ObjectApi,
    services: Pick<AppServices, 'config' | 'clusterKey'>,
    log: Logger,
  ) => ContainerExecutor[];
  /** The endpoint a path under /apis names (its segments after `apis`), if it is one of the app's. */
  apiRoutes?: (segments: string[]) => AppRoute | undefined;
  /** Seeds the demo data (ENTROOS_DEMO=true, once per store). */
  seedDemo?: (api: ObjectApi, log: Logger, services: AppServices) => Promise<void>;
}
