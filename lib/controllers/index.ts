import '#server-only';
import type { ControllerContext } from './context.ts';
import { startDeploymentController } from './deployment.ts';
import { startEndpointsController } from './endpoints.ts';
import { startGarbageCollector } from './garbage-collector.ts';
import { startNamespaceController } from './namespace.ts';
import { startServiceAccountController } from './service-account.ts';
import { startNodeLifecycleController } from './node-lifecycle.ts';
import { startReplicaSetController } from './replicaset.ts';
import { startJobController } from './job.ts';
import { startCronJobController } from './cronjob.ts';
import { startEventTtlController } from './event-ttl.ts';
import { startDisruptionController } from './disruption.ts';
import { startHpaController, type PodMetricsSource } from './hpa.ts';
import { startStatefulSetController } from './statefulset.ts';
import { startDaemonSetController } from './daemonset.ts';

export { controllerContext, type ControllerContext } from './context.ts';

export interface ControllerOptions {
  /** A node whose Lease is not renewed for this long turns Ready=Unknown and is tainted unreachable. */
  nodeMonitorGracePeriodSeconds: number;
  /** How often the garbage collector rescans everything (a safety net for missed events). */
  resyncSeconds: number;
  /** Events whose last occurrence is older than this are deleted. */
  eventTtlSeconds: number;
  /** How often each HorizontalPodAutoscaler is reconciled. */
  hpaSyncPeriodSeconds: number;
  /** The scale-down stabilization window of autoscalers that set no behavior. */
  hpaDownscaleStabilizationSeconds: number;
  /** The Job controller's first delay before replacing a failed pod (doubles per failure; upstream 10 s). */
  jobBackoffMs?: number;
  /** The pod usage autoscalers read (the simulated nodes' usage, as metrics.k8s.io serves it). */
  podMetrics?: PodMetricsSource;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  nodeMonitorGracePeriodSeconds: 40,
  resyncSeconds: 30,
  eventTtlSeconds: 3600,
  hpaSyncPeriodSeconds: 15,
  hpaDownscaleStabilizationSeconds: 300,
};

export interface Controllers {
  stop(): Promise<void>;
  /** Resolves when every controller's queue is empty (tests, benchmarks). */
  idle(): Promise<void>;
}

export function startControllers(ctx: ControllerContext, options: Partial<ControllerOptions> = {}): Controllers {
  const opts = { ...DEFAULT_CONTROLLER_OPTIONS, ...options };
  const queued = [
    startReplicaSetController(ctx),
    startDeploymentController(ctx),
    startJobController(ctx, opts.jobBackoffMs ? { backoffBaseMs: opts.jobBackoffMs } : {}),
    startCronJobController(ctx),
    startStatefulSetController(ctx),
    startDaemonSetController(ctx),
    startGarbageCollector(ctx, opts.resyncSeconds),
    startNamespaceController(ctx),
    startServiceAccountController(ctx),
    startEndpointsController(ctx),
    startDisruptionController(ctx),
    startHpaController(ctx, opts.podMetrics, {
      syncPeriodSeconds: opts.hpaSyncPeriodSeconds,
      downscaleStabilizationSeconds: opts.hpaDownscaleStabilizationSeconds,
    }),
  ];
  const lifecycle = startNodeLifecycleController(ctx, opts.nodeMonitorGracePeriodSeconds);
  const eventTtl = startEventTtlController(ctx, opts.eventTtlSeconds);
  return {
    stop: async () => {
      lifecycle.stop();
      eventTtl.stop();
      for (const c of queued) c.stop();
    },
    idle: async () => {
      for (const c of queued) await c.queue.idle();
    },
  };
}
