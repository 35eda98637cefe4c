// @entroos/client: the core, for Node ≥ 20 and browsers. Kubeconfig loading and the keep-alive Node transport
// are in '@entroos/client/node'.
export {
  Client,
  retryDelay,
  type ClientOptions,
  type RequestOptions,
  type RetryOptions,
  type Query,
} from './client.ts';
export {
  ResourceApi,
  type ListOptions,
  type WatchOptions,
  type WriteOptions,
  type DeleteOptions,
  type PatchType,
} from './resource.ts';
export { Informer, type InformerOptions, type InformerEvent, type WatchRequest, type WatchSource } from './informer.ts';
export * from './errors.ts';
export {
  fetchTransport,
  lines,
  readAll,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.ts';
export * from './entroos.ts';
export type {
  KubeObject,
  ObjectList,
  WatchEvent,
  WatchEventType,
  ResourceInfo,
  Table,
  TableColumn,
  TableRow,
} from './types.ts';
export { BUILTIN_RESOURCES, type BuiltinResource, type BuiltinTypes } from './generated/resources.ts';
export type * from './generated/kinds.ts';
