import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import { typeByKey } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// Like kube-controller-manager's serviceaccounts-controller: every namespace has a ServiceAccount named "default",
// created with the namespace (and for those that exist at start) and recreated when it is deleted.

const NAMESPACES = typeByKey('namespaces');
const SERVICE_ACCOUNTS = typeByKey('serviceaccounts');
const DEFAULT = 'default';

export function startServiceAccountController(ctx: ControllerContext) {
  const { api, log } = ctx;
  const queue: WorkQueue = new WorkQueue(
    reconcile,
    (key, err) => log.warn({ err, namespace: key }, 'could not create the default service account'),
    2,
  );
  for (const ns of api.cache.list(NAMESPACES.key).items) queue.add(ns.metadata.name);
  const unsubscribeNamespaces = api.cache.watch({ resource: NAMESPACES.key }, api.cache.resourceVersion, (e) => {
    if (e.type === 'ADDED') queue.add(e.object.metadata.name);
  });
  const unsubscribeAccounts = api.cache.watch({ resource: SERVICE_ACCOUNTS.key }, api.cache.resourceVersion, (e) => {
    if (e.type === 'DELETED' && e.object.metadata.name === DEFAULT && e.object.metadata.namespace)
      queue.add(e.object.metadata.namespace);
  });

  async function reconcile(namespace: string): Promise<void> {
    const ns = api.peek(NAMESPACES, undefined, namespace);
    // A namespace being deleted loses its accounts with everything else.
    if (!ns || ns.metadata.deletionTimestamp) return;
    if (api.peek(SERVICE_ACCOUNTS, namespace, DEFAULT)) return;
    try {
      await api.create(SERVICE_ACCOUNTS, namespace, { metadata: { name: DEFAULT, namespace } });
    } catch (err) {
      // Created meanwhile (another write won), or the namespace began terminating: nothing left to do.
      if (isApiError(err) && (err.code === 409 || err.code === 403 || err.code === 404)) return;
      throw err;
    }
  }

  return {
    queue,
    stop: () => {
      queue.stop();
      unsubscribeNamespaces();
      unsubscribeAccounts();
    },
  };
}
