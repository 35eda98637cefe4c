import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { storedTypes, typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// Deleting a namespace deletes everything in it (custom resources too), then the namespace itself.

const NAMESPACES = typeByKey('namespaces');

export function startNamespaceController(ctx: ControllerContext) {
  const { api, log } = ctx;
  const queue: WorkQueue = new WorkQueue(
    reconcile,
    (key, err) => log.warn({ err, key }, 'namespace cleanup failed'),
    2,
  );
  for (const ns of api.cache.list(NAMESPACES.key).items) if (ns.metadata.deletionTimestamp) queue.add(ns.metadata.name);
  const unsubscribe = api.cache.watch({ resource: NAMESPACES.key }, api.cache.resourceVersion, (e) => {
    if (e.type !== 'DELETED' && e.object.metadata.deletionTimestamp) queue.add(e.object.metadata.name);
  });

  async function reconcile(name: string): Promise<void> {
    const ns = api.peek(NAMESPACES, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const namespaced = storedTypes().filter((r) => r.namespaced);
    for (const t of namespaced) {
      for (const obj of api.cache.list(t.key, name).items) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          await api.delete(t, name, obj.metadata.name, { propagationPolicy: 'Background' });
        } catch (err) {
          if (!(isApiError(err) && err.code === 404)) throw err;
        }
      }
    }
    const left = namespaced.reduce((n, t) => n + api.cache.list(t.key, name).items.length, 0);
    if (left > 0) return queue.addAfter(name, 250);
    const current = api.peek(NAMESPACES, undefined, name);
    if (current) await api.remove(NAMESPACES, current);
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribe();
    },
  };
}
