// The shape every API object shares, and how a change to one is described.
// Kind-specific fields are typed by the generated kinds (./generated/kinds.ts).

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

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change to one object, as a watch delivers it. */
export interface ObjectChange {
  type: WatchEventType;
  object: KubeObject;
  /** The object before this change (undefined for ADDED). */
  previous?: KubeObject;
}
