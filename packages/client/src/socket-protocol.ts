// The router's socket protocol, shared by the server's gateway (lib/router re-exports it) and the browser client.
//
// client → server
//   subscribe   (SubscribeRequest, ack)  ack: { ok: true, resourceVersion } | { ok: false, error }
//   unsubscribe ({ id }, ack?)
// server → client
//   hello       { user, role, instance, serverTime }
//   changes     ({ id, resourceVersion }, bytes): the bytes are the UTF-8 JSON array of
//               WireChange (binary: not re-escaped, and shared by every socket sending the same batch)
//   platform    { id, event }
//   resync      { id, reason, message }  the view is stale: list again and subscribe from the new version
//   subscription:error { id, code, reason, message }
//   bye         { reason }  sent before the server disconnects a misbehaving client

/** Platform event topics a `platform` subscription may name. */
export type PlatformTopic =
  | 'scheduling.decision'
  | 'node.fault'
  | 'proof.ready'
  | 'proof.failed'
  | 'leader.changed'
  | 'metrics.sample'
  | 'audit.records';

/** An object stream: one resource's changes, optionally narrowed, resumable from a resourceVersion. */
export interface ObjectSubscription {
  stream?: 'objects';
  /** A store key or plural: pods, nodes, deployments.apps, crontabs.stable.example.com. */
  resource: string;
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Start after this version (from a list); omitted: from now on. */
  resourceVersion?: string | number;
}

export interface PlatformSubscription {
  stream: 'platform';
  topics: PlatformTopic[];
}

/** A subscription as a client describes it (the socket assigns the id). */
export type SubscriptionSpec = ObjectSubscription | PlatformSubscription;

/** What goes over the wire: the spec and the socket's id for it. */
export type SubscribeRequest = SubscriptionSpec & { id: string };

export interface WireChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** When the change was committed (ms since the epoch). */
  committedAt?: number;
  object: {
    metadata: { name: string; namespace?: string; resourceVersion: string; [k: string]: unknown };
    [k: string]: unknown;
  };
}

/** The first argument of a `changes` message. */
export interface ChangesMeta {
  id: string;
  resourceVersion: string;
}

/** A decoded `changes` message. */
export interface ChangesMessage {
  id: string;
  /** Resume point: subscribe from here after a reconnect. */
  resourceVersion: string;
  changes: WireChange[];
}

export interface SocketError {
  code: number;
  reason: string;
  message: string;
}

export type SubscribeAck = { ok: true; resourceVersion: string } | { ok: false; error: SocketError };

/** Decodes a `changes` message's two arguments. */
export function decodeChanges(meta: ChangesMeta, payload: ArrayBuffer | Uint8Array): ChangesMessage {
  return { ...meta, changes: JSON.parse(new TextDecoder().decode(payload)) as WireChange[] };
}
