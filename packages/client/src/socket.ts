// @entroos/client/socket: the router's socket transport, for browsers (one socket per tab instead of one HTTP
// watch per list, which the browser's six connections per origin would soon block) and for Node alike.
// A separate entry point, so the core stays free of socket.io-client.
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { statusError } from './errors.ts';
import type { WatchRequest, WatchSource } from './informer.ts';
import type { ResourceApi } from './resource.ts';
import type { WatchEvent } from './types.ts';
import {
  decodeChanges,
  type ChangesMessage,
  type ChangesMeta,
  type SocketError,
  type SubscribeAck,
  type SubscribeRequest,
  type SubscriptionSpec,
} from './socket-protocol.ts';

export * from './socket-protocol.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface SubscriptionHandlers {
  onChanges?: (message: ChangesMessage) => void;
  onPlatform?: (event: unknown) => void;
  /**
   * The server dropped the subscription because the view is stale (its history no longer reaches the resume point,
   * or the client fell too far behind): list again and subscribe from the new resourceVersion.
   */
  onResync: (message: string) => void;
  /** The server refused the subscription (unknown resource, forbidden, invalid). */
  onError?: (error: SocketError) => void;
}

/** What RouterSocket needs of a socket.io client socket (tests pass a fake). */
export interface SocketLike {
  readonly connected: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

export interface RouterSocketOptions {
  /** The EntroOS server; omitted or '': the page's own origin (with its session cookie). */
  server?: string;
  /** An API token (eos_…) instead of the session cookie. */
  token?: string;
  /** Called when the server refuses the handshake as unauthenticated (e.g. to send the user to a login page). */
  onUnauthorized?: (message: string) => void;
  /** Makes the socket (tests); default: socket.io-client's `io`. */
  connect?: (server: string | undefined, options: Partial<ManagerOptions & SocketOptions>) => SocketLike;
}

interface Entry {
  request: SubscribeRequest;
  handlers: SubscriptionHandlers;
}

/**
 * One socket to the router, shared by every subscription on it. Subscriptions survive reconnects: each is sent
 * again from the last resourceVersion it received, so a reconnect replays what was missed instead of listing again.
 * Only the server saying the view is stale (410 on resubscribe, or `resync`) reaches `onResync`.
 */
export class RouterSocket {
  private socket?: SocketLike;
  private readonly entries = new Map<string, Entry>();
  private readonly stateListeners = new Set<() => void>();
  private counter = 0;
  private current: ConnectionState = 'connecting';
  /** Connections made, subscriptions sent (first time and after a reconnect), and resyncs asked by the server. */
  readonly stats = { connects: 0, subscribes: 0, resubscribes: 0, resyncs: 0 };

  constructor(private readonly options: RouterSocketOptions = {}) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** Subscriptions held now. */
  get active(): number {
    return this.entries.size;
  }

  /** Calls `listener` on every state change; returns the function that stops it. Opens the socket. */
  onState(listener: () => void): () => void {
    this.ensure();
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(spec: SubscriptionSpec, handlers: SubscriptionHandlers): () => void {
    const id = `s${++this.counter}`;
    const entry: Entry = { request: { ...spec, id }, handlers };
    this.entries.set(id, entry);
    const socket = this.ensure();
    if (socket.connected) this.send(socket, entry, false);
    return () => {
      if (this.entries.get(id) !== entry) return;
      this.entries.delete(id);
      if (socket.connected) socket.emit('unsubscribe', { id });
    };
  }

  /** Drops the connection and opens it again (the connection indicator's button); subscriptions resume. */
  reconnect(): void {
    this.disconnect();
    this.connect();
  }

  /** Closes the connection but keeps the subscriptions (e.g. while a tab is hidden); connect() resumes them. */
  disconnect(): void {
    this.socket?.disconnect();
  }

  /** Opens the connection again after disconnect(): each subscription resumes from its last resourceVersion. */
  connect(): void {
    const socket = this.ensure();
    if (!socket.connected) socket.connect();
  }

  /** Closes the socket and forgets its subscriptions; a later subscription opens a new one. */
  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.entries.clear();
    socket?.disconnect();
    this.setState('offline');
  }

  private setState(next: ConnectionState) {
    if (this.current === next) return;
    this.current = next;
    for (const listener of this.stateListeners) listener();
  }

  private send(socket: SocketLike, entry: Entry, again: boolean) {
    this.stats.subscribes++;
    if (again) this.stats.resubscribes++;
    socket.emit('subscribe', entry.request, (ack: SubscribeAck) => {
      if (ack.ok || this.entries.get(entry.request.id) !== entry) return;
      // Refused: the server holds nothing for it, so it must not be sent again on the next reconnect.
      this.entries.delete(entry.request.id);
      if (ack.error.code === 410) {
        this.stats.resyncs++;
        entry.handlers.onResync(ack.error.message);
      } else entry.handlers.onError?.(ack.error);
    });
  }

  private ensure(): SocketLike {
    if (this.socket) return this.socket;
    const { server, token } = this.options;
    const options: Partial<ManagerOptions & SocketOptions> = {
      path: '/socket.io',
      withCredentials: true,
      transports: ['websocket', 'polling'],
      ...(token ? { auth: { token } } : {}),
    };
    const socket = this.options.connect
      ? this.options.connect(server || undefined, options)
      : server
        ? io(server, options)
        : io(options);
    this.socket = socket;
    socket.on('connect', () => {
      this.stats.connects++;
      const again = this.stats.connects > 1;
      this.setState('connected');
      for (const entry of this.entries.values()) this.send(socket, entry, again);
    });
    socket.on('disconnect', (reason: string) =>
      this.setState(reason === 'io client disconnect' ? 'offline' : 'reconnecting'),
    );
    socket.on('connect_error', (err: Error) => {
      if (/^Unauthorized/.test(err.message)) {
        this.setState('offline');
        this.options.onUnauthorized?.(err.message);
      } else this.setState('reconnecting');
    });
    socket.on('changes', (meta: ChangesMeta, payload: ArrayBuffer | Uint8Array) => {
      const entry = this.entries.get(meta.id);
      if (!entry) return;
      const message = decodeChanges(meta, payload);
      // The resume point after a reconnect.
      (entry.request as { resourceVersion?: string }).resourceVersion = message.resourceVersion;
      entry.handlers.onChanges?.(message);
    });
    socket.on('platform', ({ id, event }: { id: string; event: unknown }) =>
      this.entries.get(id)?.handlers.onPlatform?.(event),
    );
    socket.on('resync', ({ id, message }: { id: string; message: string }) => {
      const entry = this.entries.get(id);
      if (!entry) return;
      this.entries.delete(id);
      this.stats.resyncs++;
      entry.handlers.onResync(message);
    });
    return socket;
  }
}

/** The router's name for a resource: plural, or plural.group. */
const routerKey = (info: { plural: string; group: string }) =>
  info.group ? `${info.plural}.${info.group}` : info.plural;

/**
 * An Informer watch source over a RouterSocket: `new Informer(api, { watch: socketWatch(socket) })` lists over HTTP
 * and follows the changes on the shared socket. A reconnect resumes inside the socket (the informer sees no break);
 * a resync or a 410 ends the watch with a GoneError, so the informer lists again, once. A resource the router does
 * not follow (it answers 404) is watched over HTTP instead.
 */
export function socketWatch(socket: RouterSocket): WatchSource {
  // Resources the router answered 404 for: their watches (and resumes) go straight to HTTP.
  const unfollowed = new Set<string>();
  return <T>(api: ResourceApi<T>, request: WatchRequest) => follow(socket, unfollowed, api, request);
}

async function* follow<T>(
  socket: RouterSocket,
  unfollowed: Set<string>,
  api: ResourceApi<T>,
  request: WatchRequest,
): AsyncIterable<WatchEvent<T>> {
  const { signal } = request;
  const info = await api.info;
  const resource = routerKey(info);
  if (unfollowed.has(resource)) {
    yield* api.watch({ ...request, allowWatchBookmarks: true });
    return;
  }
  const queue: WatchEvent<T>[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const unsubscribe = socket.subscribe(
    {
      stream: 'objects',
      resource,
      namespace: info.namespaced ? request.namespace || undefined : undefined,
      labelSelector: request.labelSelector || undefined,
      fieldSelector: request.fieldSelector || undefined,
      resourceVersion: request.resourceVersion || undefined,
    },
    {
      onChanges: (message) => {
        for (const change of message.changes) queue.push({ type: change.type, object: change.object as T });
        // Changes are coalesced per object: the batch's version, not its last object's, is where to resume.
        queue.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: message.resourceVersion } } as T });
        notify();
      },
      onResync: (message) => {
        failure = statusError(410, { kind: 'Status', code: 410, reason: 'Expired', message });
        notify();
      },
      onError: (error) => {
        if (error.code === 404) unfollowed.add(resource);
        else failure = statusError(error.code, { kind: 'Status', ...error });
        notify();
      },
    },
  );
  const aborted = () => notify();
  signal.addEventListener('abort', aborted);
  try {
    for (;;) {
      if (signal.aborted) return;
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (failure) throw failure;
      if (unfollowed.has(resource)) {
        yield* api.watch({ ...request, allowWatchBookmarks: true });
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener('abort', aborted);
    unsubscribe();
  }
}
