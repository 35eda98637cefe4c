import type { ListMeta, ObjectMeta } from './generated/kinds.ts';

/** Any Kubernetes object: custom resources without a type of their own are this. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** A resource as discovery describes it: enough to build its URLs. */
export interface ResourceInfo {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: string[];
  subresources?: string[];
  categories?: string[];
}

/** The server's Table rendering of a list (what kubectl prints). */
export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: ObjectMeta; kind?: string; apiVersion?: string };
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}
