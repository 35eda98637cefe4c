import type { ControllerContext } from './context.ts';
import { WorkQueue } from './queue.ts';
import type { SharedOwnerIndex } from './owners.ts';
import type { ObjectMeta } from '../apimachinery/generated/kinds.ts';
import { clone, type KubeObject, type OwnerReference } from '../apimachinery/meta.ts';
import type { Stored } from '../apimachinery/object.ts';
import { lookupKey, onTypesChanged, storedTypes, typeByKind, type ResourceType } from '../apimachinery/registry.ts';
import { isApiError } from '../apimachinery/errors.ts';

// Deletes objects whose owners are all gone (background propagation), and
// finishes foreground deletions: an owner with the foregroundDeletion
// finalizer waits until its dependents are deleted. Custom resources take part
// like built-ins: their types join (and leave) as their CRDs are served.

const FOREGROUND = 'foregroundDeletion';

/** An object of any kind, its metadata typed: the collector reads owner references, finalizers and deletion marks only. */
type AnyKindObject = Stored<{ metadata?: ObjectMeta }>;

export function startGarbageCollector(ctx: ControllerContext, resyncSeconds: number) {
  const { api, log } = ctx;
  // One owner index per stored type, kept in step with the custom types served.
  const indexes = new Map<string, { type: ResourceType; index: SharedOwnerIndex }>();
  const syncIndexes = () => {
    const types = storedTypes();
    const keys = new Set(types.map((t) => t.key));
    for (const [key, { index }] of indexes) {
      if (keys.has(key)) continue;
      index.release();
      indexes.delete(key);
    }
    for (const type of types) {
      const known = indexes.get(type.key);
      if (known) known.type = type;
      else indexes.set(type.key, { type, index: ctx.owners.acquire(type.key) });
    }
  };
  syncIndexes();
  const stopSyncing = onTypesChanged(syncIndexes);
  const dependents = (uid: string) =>
    [...indexes.values()].flatMap(({ type, index }) => index.owned(uid).map((object) => ({ type, object })));

  const ownerExists = (obj: KubeObject, ref: OwnerReference) => {
    const t = typeByKind(ref.kind, ref.apiVersion);
    if (!t) return true; // an owner kind we do not serve: leave the object alone
    const owner = api.peek(t, t.namespaced ? obj.metadata.namespace : undefined, ref.name);
    return owner?.metadata.uid === ref.uid;
  };

  // Keys: "orphans:<resource>|<ns>/<name>" checks one object's owners; "fg:<resource>|<ns>/<name>" a foreground owner.
  const queue: WorkQueue = new WorkQueue(process, (key, err) => log.warn({ err, key }, 'garbage collection failed'));

  async function process(key: string): Promise<void> {
    const [kind, rest] = key.split(':');
    const [resource, path] = rest.split('|');
    const [ns, name] = path.split('/');
    const t = lookupKey(resource);
    if (!t) return; // a custom resource whose CRD is gone (its objects went with it)
    const obj = api.peek(t, ns || undefined, name) as AnyKindObject | undefined;
    if (!obj) return;
    if (kind === 'orphans') {
      const refs: OwnerReference[] = obj.metadata.ownerReferences ?? [];
      if (refs.length && refs.every((r) => !ownerExists(obj, r))) await safeDelete(t, obj);
      return;
    }
    // foreground owner
    if (!obj.metadata.deletionTimestamp || !(obj.metadata.finalizers ?? []).includes(FOREGROUND)) return;
    const blocking = dependents(obj.metadata.uid);
    for (const d of blocking)
      if (!d.object.metadata.deletionTimestamp) await safeDelete(d.type, d.object, 'Foreground');
    if (blocking.length) return queue.addAfter(key, 200);
    const next = clone(obj);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
    await api.replace(t, obj, next);
  }

  async function safeDelete(t: ResourceType, obj: KubeObject, propagationPolicy?: 'Foreground') {
    try {
      await api.delete(t, obj.metadata.namespace, obj.metadata.name, { propagationPolicy });
    } catch (err) {
      if (!(isApiError(err) && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  const keyOf = (resource: string, o: KubeObject) => `${resource}|${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const unsubscribe = api.cache.watch({}, api.cache.resourceVersion, (e) => {
    const m = (e.object as AnyKindObject).metadata;
    if (e.type === 'DELETED') {
      for (const d of dependents(m.uid)) queue.add(`orphans:${keyOf(d.type.key, d.object)}`);
      // A dependent going away may unblock its foreground-deleting owners.
      for (const ref of m.ownerReferences ?? []) {
        const t = typeByKind(ref.kind, ref.apiVersion);
        if (t) queue.add(`fg:${t.key}|${t.namespaced ? (m.namespace ?? '') : ''}/${ref.name}`);
      }
    } else if (m.deletionTimestamp && (m.finalizers ?? []).includes(FOREGROUND))
      queue.add(`fg:${keyOf(e.resource, e.object)}`);
  });

  // Periodically (and at start) catch objects orphaned while the server was down.
  const resync = () => {
    for (const t of storedTypes()) {
      for (const o of api.cache.list(t.key).items as AnyKindObject[]) {
        const refs = o.metadata.ownerReferences ?? [];
        if (refs.length && refs.every((r) => !ownerExists(o, r))) queue.add(`orphans:${keyOf(t.key, o)}`);
        if (o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND))
          queue.add(`fg:${keyOf(t.key, o)}`);
      }
    }
  };
  resync();
  const timer = setInterval(resync, resyncSeconds * 1000);
  timer.unref();

  return {
    queue,
    stop: () => {
      clearInterval(timer);
      queue.stop();
      unsubscribe();
      stopSyncing();
      for (const { index } of indexes.values()) index.release();
    },
  };
}
