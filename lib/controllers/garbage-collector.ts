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
  const orphaned = (o: AnyKindObject) => {
    const refs = o.metadata.ownerReferences ?? [];
    return refs.length > 0 && refs.every((r) => !ownerExists(o, r));
  };
  const deletingInForeground = (o: AnyKindObject) =>
    !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND);

  // What the periodic pass looks at. Every object at start (orphaned while the server was down) and after the
  // served types change (an owner kind may have become served); otherwise only what can have changed unnoticed
  // since the last pass: an owner's deletion queues the dependents the index knows, so an object becomes an orphan
  // unseen only by being written naming owners that are gone. With 150,000 pods and nothing changing, a pass over
  // every object every 30 s was a visible part of the leader's idle CPU.
  let everything = true;
  const written = new Map<string, { resource: string; namespace: string | undefined; name: string }>();
  /** Owners being deleted in the foreground, retried at each pass. */
  const foreground = new Set<string>();
  const stopWatchingTypes = onTypesChanged(() => (everything = true));

  const unsubscribe = api.cache.watch({}, api.cache.resourceVersion, (e) => {
    const object = e.object as AnyKindObject;
    const m = object.metadata;
    const key = keyOf(e.resource, object);
    if (e.type === 'DELETED') {
      written.delete(key);
      foreground.delete(key);
      for (const d of dependents(m.uid)) queue.add(`orphans:${keyOf(d.type.key, d.object)}`);
      // A dependent going away may unblock its foreground-deleting owners.
      for (const ref of m.ownerReferences ?? []) {
        const t = typeByKind(ref.kind, ref.apiVersion);
        if (t) queue.add(`fg:${t.key}|${t.namespaced ? (m.namespace ?? '') : ''}/${ref.name}`);
      }
      return;
    }
    if (m.ownerReferences?.length) written.set(key, { resource: e.resource, namespace: m.namespace, name: m.name });
    if (deletingInForeground(object)) {
      foreground.add(key);
      queue.add(`fg:${key}`);
    } else foreground.delete(key);
  });

  const resync = () => {
    if (everything) {
      everything = false;
      written.clear();
      foreground.clear();
      for (const t of storedTypes()) {
        for (const o of api.cache.list(t.key).items as AnyKindObject[]) {
          if (orphaned(o)) queue.add(`orphans:${keyOf(t.key, o)}`);
          if (deletingInForeground(o)) foreground.add(keyOf(t.key, o));
        }
      }
    } else {
      const candidates = [...written.values()];
      written.clear();
      for (const { resource, namespace, name } of candidates) {
        const t = lookupKey(resource);
        const o = t && (api.peek(t, namespace, name) as AnyKindObject | undefined);
        if (t && o && orphaned(o)) queue.add(`orphans:${keyOf(t.key, o)}`);
      }
    }
    for (const key of foreground) queue.add(`fg:${key}`);
  };
  resync();
  const timer = setInterval(resync, resyncSeconds * 1000);
  timer.unref();

  return {
    queue,
    /** The periodic pass, now (for tests). */
    resync,
    stop: () => {
      clearInterval(timer);
      stopWatchingTypes();
      queue.stop();
      unsubscribe();
      stopSyncing();
      for (const { index } of indexes.values()) index.release();
    },
  };
}
