// The socket protocol lives in @entroos/client (its socket transport speaks it in browsers and Node); the
// gateway and the dashboard take it from there, so the encoding is written once. The server validates
// subscriptions with its own schema (subscribe-schema.ts), which must accept what the package sends.
export {
  decodeChanges,
  type ChangesMessage,
  type ChangesMeta,
  type SocketError,
  type SubscribeAck,
  type WireChange,
} from '@entroos/client/socket';
export type { SubscribeRequest, SubscriptionSpec } from './subscribe-schema.ts';
