// The shape every API object shares, and how a change to one is described.
// Kind-specific fields are typed by the generated kinds (./generated/kinds.ts).

import type { ObjectMeta } from './generated/kinds.ts';

export interface ObjectMetaFields {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMetaFields;
  [key: string]: unknown;
}

/**
 * An object of a generated kind as the store holds it: `Stored<Pod>` has the
 * pod's typed spec and status, and the metadata every stored object carries
 * (name, uid, resourceVersion). Where code reads kind-specific fields of a
 * KubeObject, it casts: `obj as Stored<Pod>`.
 */
export type Stored<K> = K & KubeObject;

/**
 * A stored object of a kind whose spec the API server's defaults fill on every
 * write (Pod, Node, Service, Deployment, ReplicaSet): code reading one may rely
 * on its spec being there.
 */
export type StoredWithSpec<K extends { spec?: unknown }> = Stored<K> & { spec: NonNullable<K['spec']> };

/**
 * An object of a generated kind as code that only reads it sees it: the
 * kind's fields, each optional (a reader must not assume a client sent them),
 * and its metadata. Any KubeObject, Stored<K> or listed object is one, so
 * readers such as the printers and row builders take them without a cast.
 */
export type ObjectView<K> = Partial<Omit<K, 'apiVersion' | 'kind' | 'metadata'>> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta & { name: string };
};

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change to one object, as a watch delivers it. */
export interface ObjectChange {
  type: WatchEventType;
  object: KubeObject;
  /** The object before this change (undefined for ADDED). */
  previous?: KubeObject;
}
