import type { CacheEvent } from '../store/index.ts';
import type { ObjectApi } from '../apiserver/object-api.ts';
import type { KubeObject, OwnerReference } from '../apimachinery/meta.ts';
import { typeByKey } from '../apimachinery/registry.ts';

// Index of owned objects by owner uid, kept current from watch events, so a
// controller finds an owner's pods without scanning every pod. Controllers
// share one index per resource (OwnerIndexes), as upstream's controllers share
// informers: six controllers read pods by owner, and six copies of an index of
// every pod cost ~80 bytes per pod each.

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

  // The uid names one object for its whole life, and is a string the object already holds.
  private key = (o: KubeObject) => o.metadata.uid;

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

/** An index acquired from OwnerIndexes: read it, and release it when the controller stops. */
export interface SharedOwnerIndex {
  owned(uid: string): KubeObject[];
  release(): void;
}

/** The owner indexes of one controller manager, one per resource, shared by every controller that reads it. */
export class OwnerIndexes {
  private shared = new Map<string, { index: OwnerIndex; users: number }>();

  constructor(private api: ObjectApi) {}

  /** The index of `resource` (a registry key), built on first use and stopped when its last user releases it. */
  acquire(resource: string): SharedOwnerIndex {
    let entry = this.shared.get(resource);
    if (!entry) this.shared.set(resource, (entry = { index: new OwnerIndex(this.api, resource), users: 0 }));
    entry.users++;
    const { index } = entry;
    let released = false;
    return {
      owned: (uid) => index.owned(uid),
      release: () => {
        if (released) return;
        released = true;
        const current = this.shared.get(resource);
        if (current?.index !== index || --current.users > 0) return;
        index.stop();
        this.shared.delete(resource);
      },
    };
  }
}
