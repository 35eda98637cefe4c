import { io, type Socket } from 'socket.io-client';
import { decodeChanges, type ChangesMessage, type ChangesMeta, type SubscribeAck } from '@/lib/router/protocol.ts';

/** A socket.io client as the dashboard uses it, authenticated with a bearer token. */
export function connectSocket(url: string, token?: string, options: { ca?: string } = {}): Socket {
  return io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
    ...(options.ca ? { ca: options.ca } : {}),
  });
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

export function subscribe(socket: Socket, request: Record<string, unknown>): Promise<SubscribeAck> {
  return socket.timeout(5_000).emitWithAck('subscribe', request);
}

export const decode = (meta: ChangesMeta, payload: ArrayBuffer | Uint8Array): ChangesMessage =>
  decodeChanges(meta, payload);

/**
 * What a client holds: objects by namespace/name from a list, kept current
 * by `changes` messages, with the resume point.
 */
export class Mirror {
  objects = new Map<string, any>();
  resourceVersion = '0';
  received = 0;

  constructor(list: { items: any[]; metadata: { resourceVersion: string } }) {
    for (const o of list.items) this.objects.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    this.resourceVersion = list.metadata.resourceVersion;
  }

  attach(socket: Socket, id: string) {
    socket.on('changes', (meta: ChangesMeta, payload: Buffer) => {
      const message = decode(meta, payload);
      if (message.id !== id) return;
      for (const c of message.changes) {
        const key = `${c.object.metadata.namespace ?? ''}/${c.object.metadata.name}`;
        if (c.type === 'DELETED') this.objects.delete(key);
        else this.objects.set(key, c.object);
        this.received++;
      }
      this.resourceVersion = message.resourceVersion;
    });
  }
}
