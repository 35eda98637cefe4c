import type { CacheEvent } from '../store/index.ts';
import type { ObjectApi } from '../apiserver/object-api.ts';
import type { KubeObject, OwnerReference } from '../apimachinery/meta.ts';
import { typeByKey } from '../apimachinery/registry.ts';

// Index of owned objects by owner uid, kept current from watch events, so a
// controller finds an owner's pods without scanning every pod.

export class OwnerIndex {
  private byOwner = new Map<string, Map<string, KubeObject>>();
  private unsubscribe: () => void;

  constructor(
    private api: ObjectApi,
    readonly resource: string,
  ) {
    const t = typeByKey(resource);
    const { items, resourceVersion } = api.cache.list(t.key);
    for (const o of items) this.put(o);
    this.unsubscribe = api.cache.watch({ resource }, resourceVersion, (e) => this.apply(e));
  }

  /** Objects whose controller (or any owner) is `uid`. */
  owned(uid: string): KubeObject[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  stop() {
    this.unsubscribe();
  }

  private apply(e: CacheEvent) {
    if (e.previous) this.drop(e.previous);
    if (e.type !== 'DELETED') this.put(e.object);
  }

  private key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

  private put(o: KubeObject) {
    for (const ref of (o.metadata.ownerReferences as OwnerReference[] | undefined) ?? []) {
      let set = this.byOwner.get(ref.uid);
      if (!set) this.byOwner.set(ref.uid, (set = new Map()));
      set.set(this.key(o), o);
    }
  }

  private drop(o: KubeObject) {
    for (const ref of (o.metadata.ownerReferences as OwnerReference[] | undefined) ?? []) {
      const set = this.byOwner.get(ref.uid);
      set?.delete(this.key(o));
      if (set && !set.size) this.byOwner.delete(ref.uid);
    }
  }
}
