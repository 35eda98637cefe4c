import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import { ObjectApi } from './api.ts';
import { EventRecorder } from './events.ts';
import { typeByKey } from './registry.ts';
import { startControllers, type ControllerOptions, type Controllers } from './controllers/index.ts';

export { ObjectApi } from './api.ts';
export type { KubeObject } from './meta.ts';

export interface Orchestrator {
  api: ObjectApi;
  events: EventRecorder;
  controllers: Controllers;
  stop(): Promise<void>;
}

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates the object API over the store's watch cache, the system namespaces, and starts the controllers. */
export async function startOrchestrator(store: Store, log: Logger, options: Partial<ControllerOptions> & { eventQps?: number } = {}): Promise<Orchestrator> {
  const api = new ObjectApi(store.objects);
  const events = new EventRecorder(api, (err) => log.warn({ err }, 'could not record an event'), { qps: options.eventQps ?? 200, burst: (options.eventQps ?? 200) * 10 });
  const namespaces = typeByKey('namespaces');
  for (const name of SYSTEM_NAMESPACES) {
    if (!api.peek(namespaces, undefined, name)) await api.create(namespaces, undefined, { metadata: { name } });
  }
  const controllers = startControllers({ api, events, log }, options);
  return {
    api,
    events,
    controllers,
    stop: async () => {
      await controllers.stop();
      await store.objects.flush();
    },
  };
}
