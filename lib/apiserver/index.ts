import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import { ObjectApi } from './object-api.ts';
import { EventRecorder } from './events.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { startControllers, type ControllerOptions, type Controllers } from '../controllers/index.ts';

export { ObjectApi } from './object-api.ts';
export type { KubeObject } from '../apimachinery/meta.ts';

export interface Orchestrator {
  api: ObjectApi;
  events: EventRecorder;
  /** Running only on the leader instance. */
  controllers?: Controllers;
  /** Creates the system namespaces and starts the controllers (the leader does this). */
  startControllers(): Promise<void>;
  stop(): Promise<void>;
}

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The object API over the store's watch cache. Writes nothing until startControllers(). */
export function createOrchestrator(store: Store, log: Logger, options: Partial<ControllerOptions> & { eventQps?: number } = {}): Orchestrator {
  const api = new ObjectApi(store.objects);
  const events = new EventRecorder(api, (err) => log.warn({ err }, 'could not record an event'), { qps: options.eventQps ?? 200, burst: (options.eventQps ?? 200) * 10 });
  const orchestrator: Orchestrator = {
    api,
    events,
    startControllers: async () => {
      const namespaces = typeByKey('namespaces');
      for (const name of SYSTEM_NAMESPACES) {
        if (!api.peek(namespaces, undefined, name)) await api.create(namespaces, undefined, { metadata: { name } });
      }
      orchestrator.controllers ??= startControllers({ api, events, log }, options);
    },
    stop: async () => {
      await orchestrator.controllers?.stop();
      if (!store.objects.readOnly) await store.objects.flush();
    },
  };
  return orchestrator;
}
