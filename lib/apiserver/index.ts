import '#server-only';
import type { Logger } from 'pino';
import { typeByKey } from '../apimachinery/registry.ts';
import type { Store } from '../store/index.ts';
import { ObjectApi } from './object-api.ts';
import { EventRecorder } from './events.ts';

export { ObjectApi } from './object-api.ts';
export type { KubeObject } from '../apimachinery/object.ts';

/** The object API and the event recorder every component writes through. */
export interface ApiServer {
  api: ObjectApi;
  events: EventRecorder;
}

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The object API over the store's watch cache. It writes nothing until asked to. */
export function createApiServer(store: Store, log: Logger, options: { eventQps: number }): ApiServer {
  const api = new ObjectApi(store.objects);
  const events = new EventRecorder(api, (err) => log.warn({ err }, 'could not record an event'), {
    qps: options.eventQps,
    burst: options.eventQps * 10,
  });
  return { api, events };
}

/** Creates the namespaces every cluster has (the leader does this before its controllers start). */
export async function ensureSystemNamespaces(api: ObjectApi): Promise<void> {
  const namespaces = typeByKey('namespaces');
  for (const name of SYSTEM_NAMESPACES) {
    if (!api.peek(namespaces, undefined, name)) await api.create(namespaces, undefined, { metadata: { name } });
  }
}
