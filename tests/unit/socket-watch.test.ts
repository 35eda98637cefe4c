import { describe, expect, it } from 'vitest';
import { Client, Informer, type KubeObject, type Transport } from '../../packages/client/src/index.ts';
import {
  RouterSocket,
  socketWatch,
  type SocketLike,
  type SubscribeAck,
  type SubscribeRequest,
  type WireChange,
} from '../../packages/client/src/socket.ts';

// The informer over the router's socket, against a scripted socket: a reconnect resumes from the last batch's
// resourceVersion without listing again; a 410 on resubscribe or a resync lists again exactly once.

type Listener = (...args: never[]) => void;

class FakeSocket implements SocketLike {
  connected = false;
  readonly listeners = new Map<string, Listener[]>();
  readonly subscribes: SubscribeRequest[] = [];
  readonly unsubscribes: string[] = [];
  /** How the server answers the next subscriptions. */
  answer: (request: SubscribeRequest) => SubscribeAck = () => ({ ok: true, resourceVersion: '1' });

  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }
  emit(event: string, ...args: unknown[]) {
    if (event === 'subscribe') {
      const request = structuredClone(args[0] as SubscribeRequest);
      this.subscribes.push(request);
      const ack = args[1] as (a: SubscribeAck) => void;
      const answer = this.answer(request);
      queueMicrotask(() => ack(answer));
    } else if (event === 'unsubscribe') this.unsubscribes.push((args[0] as { id: string }).id);
    return this;
  }
  connect() {
    this.connected = true;
    this.fire('connect');
    return this;
  }
  disconnect() {
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
    return this;
  }
  /** The server sends a batch for subscription `id`. */
  changes(id: string, resourceVersion: string, changes: WireChange[]) {
    this.fire('changes', { id, resourceVersion }, new TextEncoder().encode(JSON.stringify(changes)));
  }
}

const cm = (name: string, rv: string) => ({
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: rv },
});

/** A list endpoint serving `objects` at `resourceVersion`, counting its calls. */
function lister(state: { objects: KubeObject[]; resourceVersion: string }) {
  const stats = { lists: 0, watches: 0 };
  const transport: Transport = async (req) => {
    if (new URL(req.url).searchParams.get('watch') === 'true') {
      stats.watches++;
      // A watch the server ends after a moment with nothing to say.
      await new Promise((r) => setTimeout(r, 10));
      return { status: 200, header: () => 'application/json', body: (async function* () {})() };
    }
    stats.lists++;
    const body = JSON.stringify({ metadata: { resourceVersion: state.resourceVersion }, items: state.objects });
    return {
      status: 200,
      header: (n) => (n === 'content-type' ? 'application/json' : null),
      body: (async function* () {
        yield new TextEncoder().encode(body);
      })(),
    };
  };
  return { transport, stats };
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

function setup() {
  const state = { objects: [cm('a', '5')] as KubeObject[], resourceVersion: '5' };
  const { transport, stats } = lister(state);
  const fake = new FakeSocket();
  const socket = new RouterSocket({ connect: () => fake });
  const informer = new Informer(new Client({ server: 'http://fake', transport }).resource('configmaps'), {
    namespace: 'default',
    watch: socketWatch(socket),
  });
  // As socket.io does, the socket connects once it exists (after RouterSocket has its listeners on it).
  socket.onState(() => undefined);
  fake.connect();
  const names = () =>
    informer
      .list()
      .map((o) => o.metadata?.name)
      .sort();
  return { state, stats, fake, socket, informer, names };
}

describe('Informer over the router socket', () => {
  it('lists over HTTP, follows the socket, and resumes after a reconnect without listing again', async () => {
    const { stats, fake, socket, informer, names } = setup();
    await informer.start();
    await until(() => fake.subscribes.length === 1, 'the subscription');
    expect(fake.subscribes[0]).toMatchObject({
      stream: 'objects',
      resource: 'configmaps',
      namespace: 'default',
      resourceVersion: '5',
    });
    const id = fake.subscribes[0].id;
    fake.changes(id, '7', [
      { type: 'ADDED', object: cm('b', '6') },
      { type: 'MODIFIED', object: cm('a', '7') },
    ]);
    await until(() => names().join() === 'a,b', 'the batch');
    expect(informer.lastResourceVersion).toBe('7');

    fake.disconnect();
    fake.connect();
    await until(() => fake.subscribes.length === 2, 'the resubscription');
    expect(fake.subscribes[1]).toMatchObject({ id, resourceVersion: '7' });
    fake.changes(id, '8', [{ type: 'DELETED', object: cm('b', '8') }]);
    await until(() => names().join() === 'a', 'the change after the reconnect');
    expect(stats.lists).toBe(1);
    expect(informer.stats.relists).toBe(0);
    expect(socket.stats).toMatchObject({ connects: 2, subscribes: 2, resubscribes: 1, resyncs: 0 });

    await informer.stop();
    expect(fake.unsubscribes).toEqual([id]);
    expect(socket.active).toBe(0);
  });

  it('lists again exactly once when a resubscription is answered 410, and follows from the new list', async () => {
    const { state, stats, fake, informer, names } = setup();
    await informer.start();
    await until(() => fake.subscribes.length === 1, 'the subscription');
    fake.disconnect();
    // While away the server's history moved past version 5, and c was created.
    state.objects = [cm('a', '5'), cm('c', '40')];
    state.resourceVersion = '40';
    fake.answer = (r) =>
      'resourceVersion' in r && r.resourceVersion === '5'
        ? { ok: false, error: { code: 410, reason: 'Expired', message: 'too old' } }
        : { ok: true, resourceVersion: '40' };
    fake.connect();
    await until(() => names().join() === 'a,c', 'the relist');
    await until(() => fake.subscribes.length === 3, 'the new subscription');
    expect(fake.subscribes[2]).toMatchObject({ resourceVersion: '40' });
    expect(fake.subscribes[2].id).not.toBe(fake.subscribes[0].id);
    expect(stats.lists).toBe(2);
    expect(informer.stats.relists).toBe(1);
    await informer.stop();
  });

  it('lists again exactly once when the server asks a slow client to resync', async () => {
    const { stats, fake, informer } = setup();
    await informer.start();
    await until(() => fake.subscribes.length === 1, 'the subscription');
    fake.fire('resync', { id: fake.subscribes[0].id, reason: 'buffer', message: 'list again' });
    await until(() => fake.subscribes.length === 2, 'the new subscription');
    expect(stats.lists).toBe(2);
    expect(informer.stats.relists).toBe(1);
    await informer.stop();
  });

  it('watches over HTTP when the router does not follow the resource', async () => {
    const { stats, fake, informer } = setup();
    fake.answer = () => ({ ok: false, error: { code: 404, reason: 'NotFound', message: 'unknown resource' } });
    await informer.start();
    await until(() => informer.stats.resumes >= 2, 'two HTTP watches');
    expect(stats.watches).toBeGreaterThanOrEqual(2);
    // Asked once: the resumed watches go straight to HTTP.
    expect(fake.subscribes.length).toBe(1);
    await informer.stop();
  });
});
