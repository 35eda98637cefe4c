// @entroos/client: the core, for Node ≥ 20 and browsers. Kubeconfig loading and the keep-alive Node transport
// are in '@entroos/client/node'.
export {
  Client,
  retryDelay,
  type ClientOptions,
  type RequestOptions,
  type RetryOptions,
  type Query,
} from './client.js';
export {
  ResourceApi,
  type ListOptions,
  type WatchOptions,
  type WriteOptions,
  type DeleteOptions,
  type PatchType,
} from './resource.js';
export { Informer, type InformerOptions, type InformerEvent } from './informer.js';
export * from './errors.js';
export {
  fetchTransport,
  lines,
  readAll,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
export * from './entroos.js';
export type {
  KubeObject,
  ObjectList,
  WatchEvent,
  WatchEventType,
  ResourceInfo,
  Table,
  TableColumn,
  TableRow,
} from './types.js';
export { BUILTIN_RESOURCES, type BuiltinResource, type BuiltinTypes } from './generated/resources.js';
export type * from './generated/kinds.js';
