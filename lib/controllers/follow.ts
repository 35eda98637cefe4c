import type { CacheListener, WatchCache } from '../store/watch-cache.ts';

/**
 * Lists `resource` from the watch cache and follows it from that version, as an informer does: every stored object
 * arrives first as ADDED, then each change in order. Returns the unsubscribe.
 */
export function followResource(cache: WatchCache, resource: string, onEvent: CacheListener): () => void {
  const { items, resourceVersion } = cache.list(resource);
  for (const object of items) onEvent({ type: 'ADDED', object, resource, resourceVersion });
  return cache.watch({ resource }, resourceVersion, onEvent);
}
