import type { Logger } from 'pino';
import type { ObjectApi } from '../api.ts';
import type { EventRecorder } from '../events.ts';

export interface ControllerContext {
  api: ObjectApi;
  events: EventRecorder;
  log: Logger;
}

export interface ControllerOptions {
  /** A node whose Lease is not renewed for this long turns NotReady/Unknown. */
  nodeMonitorGracePeriodSeconds: number;
  /** How often controllers resync everything (a safety net for missed events). */
  resyncSeconds: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = { nodeMonitorGracePeriodSeconds: 40, resyncSeconds: 30 };

export interface Controller {
  stop(): Promise<void> | void;
}

export function startControllers(ctx: ControllerContext, options: Partial<ControllerOptions> = {}): Controller {
  const opts = { ...DEFAULT_CONTROLLER_OPTIONS, ...options };
  void opts;
  const running: Controller[] = [];
  return {
    stop: async () => {
      for (const c of running) await c.stop();
    },
  };
}
