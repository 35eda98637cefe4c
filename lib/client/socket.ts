'use client';

import { io, type Socket } from 'socket.io-client';
import { useSyncExternalStore } from 'react';
import {
  decodeChanges,
  type ChangesMessage,
  type ChangesMeta,
  type SubscribeAck,
  type SubscribeRequest,
  type SubscriptionSpec,
} from '../router/protocol.ts';

// One socket per tab, shared by every live view. Subscriptions survive
// reconnects: each is re-sent from the last resourceVersion it received;
// when the server answers that the version is too old (or tells a slow
// client to resync), the view's onResync relists and subscribes afresh.

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

interface Entry {
  request: SubscribeRequest & { id: string };
  onChanges?: (message: ChangesMessage) => void;
  onPlatform?: (event: unknown) => void;
  onResync: (reason: string) => void;
  onError?: (message: string) => void;
}

let socket: Socket | null = null;
let state: ConnectionState = 'connecting';
const stateListeners = new Set<() => void>();
const entries = new Map<string, Entry>();
let counter = 0;

function setState(next: ConnectionState) {
  state = next;
  for (const l of stateListeners) l();
}

function send(s: Socket, entry: Entry) {
  s.emit('subscribe', entry.request, (ack: SubscribeAck) => {
    if (ack.ok || !entries.has(entry.request.id)) return;
    if (ack.error.code === 410) entry.onResync(ack.error.message);
    else entry.onError?.(ack.error.message);
  });
}

function getSocket(): Socket {
  if (socket) return socket;
  const s = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  socket = s;
  socket.on('connect', () => {
    setState('connected');
    for (const entry of entries.values()) send(s, entry);
  });
  socket.on('disconnect', (reason) => {
    setState(reason === 'io client disconnect' ? 'offline' : 'reconnecting');
  });
  socket.on('connect_error', (err) => {
    if (/^Unauthorized/.test(err.message)) {
      setState('offline');
      window.location.assign(`/login?reason=expired&callbackUrl=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    setState('reconnecting');
  });
  socket.on('changes', (meta: ChangesMeta, payload: ArrayBuffer | Uint8Array) => {
    const entry = entries.get(meta.id);
    if (!entry) return;
    const message = decodeChanges(meta, payload);
    // Resume from here after a reconnect.
    (entry.request as { resourceVersion?: string }).resourceVersion = message.resourceVersion;
    entry.onChanges?.(message);
  });
  socket.on('platform', ({ id, event }: { id: string; event: unknown }) => entries.get(id)?.onPlatform?.(event));
  socket.on('resync', ({ id, message }: { id: string; message: string }) => entries.get(id)?.onResync(message));
  return socket;
}

/** Subscribes on the tab's socket; returns the unsubscribe function. */
export function subscribe(request: SubscriptionSpec, handlers: Omit<Entry, 'request'>): () => void {
  const id = `s${++counter}`;
  const entry: Entry = { ...handlers, request: { ...request, id } as SubscribeRequest & { id: string } };
  entries.set(id, entry);
  const s = getSocket();
  if (s.connected) send(s, entry);
  return () => {
    entries.delete(id);
    if (s.connected) s.emit('unsubscribe', { id });
  };
}

/** The tab's connection state, for the indicator. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (listener) => {
      getSocket();
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    () => state,
    () => 'connecting',
  );
}

/** For tests and the indicator's "reconnect" button. */
export function reconnect() {
  const s = getSocket();
  s.disconnect();
  s.connect();
}
