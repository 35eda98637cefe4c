import '#server-only';
import type { ControllerContext } from './context.ts';
import { startDeploymentController } from './deployment.ts';
import { startEndpointsController } from './endpoints.ts';
import { startGarbageCollector } from './garbage-collector.ts';
import { startNamespaceController } from './namespace.ts';
import { startNodeLifecycleController } from './node-lifecycle.ts';
import { startReplicaSetController } from './replicaset.ts';
import { startEventTtlController } from './event-ttl.ts';

export type { ControllerContext } from './context.ts';

export interface ControllerOptions {
  /** A node whose Lease is not renewed for this long turns Ready=Unknown and is tainted unreachable. */
  nodeMonitorGracePeriodSeconds: number;
  /** How often the garbage collector rescans everything (a safety net for missed events). */
  resyncSeconds: number;
  /** Events whose last occurrence is older than this are deleted. */
  eventTtlSeconds: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  nodeMonitorGracePeriodSeconds: 40,
  resyncSeconds: 30,
  eventTtlSeconds: 3600,
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
    startGarbageCollector(ctx, opts.resyncSeconds),
    startNamespaceController(ctx),
    startEndpointsController(ctx),
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
