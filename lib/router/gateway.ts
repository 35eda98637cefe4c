import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server as SocketServer, type Socket } from 'socket.io';
import { recordRefusals, socketAuth, type HandshakeAudit } from '../auth/socket-auth.ts';
import type { ClientAddress } from '../auth/client-address.ts';
import type { AuthContext } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { Resource } from '../auth/rbac.ts';
import { subjectOf, type Authorizer } from '../auth/authorizer.ts';
import { requestFor } from '../auth/policy-rules.ts';
import { isApiError } from '../apimachinery/errors.ts';
import { lookupKey, RESOURCE_TYPES, storedTypes, type ResourceType } from '../apimachinery/registry.ts';
import { fieldSelector, labelSelector } from '../apimachinery/selectors.ts';
import { selectionChange } from '../apimachinery/selection.ts';
import type { KubeObject } from '../apimachinery/meta.ts';
import type { ObjectApi } from '../apiserver/object-api.ts';
import { isResourceVersionTooOld } from '../store/watch-cache.ts';
import type { EventBus, PlatformTopic } from './bus.ts';
import type { Router } from './router.ts';
import { routerMetrics } from './metrics.ts';
import type { SocketError, SubscribeAck } from './protocol.ts';
import { parseSubscription } from './subscribe-schema.ts';
import { PendingChanges } from './subscription.ts';
import { FlushClock } from './flush-clock.ts';

/** What the socket gateway needs: authentication, the object API, the platform bus and the router (Redis, instance). */
export interface GatewayDeps extends AuthContext {
  config: AuthContext['config'] & { socketCoalesceMs: number; socketBufferLimit: number };
  router: Pick<Router, 'redis' | 'clusterId' | 'instance'>;
  bus: EventBus;
  api: ObjectApi;
  /** RBAC: each subscription is a watch, authorized like one (in its namespace). */
  authorizer: Authorizer;
  /** Records each subscription, allowed or refused (the audit trail; null when auditing is off). */
  audit?: SubscriptionAudit | null;
}

/** What the gateway tells the audit trail: each subscription, and each refused handshake. */
export interface SubscriptionAudit extends HandshakeAudit {
  subscription(s: {
    principal: Principal;
    sourceIPs?: string[];
    userAgent?: string;
    resource?: { group: string; resource: string; namespace?: string; name?: string };
    topics?: string[];
    code: number;
    message?: string;
  }): void;
}

export interface SocketData {
  principal: Principal;
  /** Where the handshake came from (set by the handshake check). */
  client?: ClientAddress;
}

/** Which resource a platform topic belongs to, for RBAC. */
const TOPIC_RESOURCE: Record<PlatformTopic, Resource> = {
  'scheduling.decision': 'scheduler',
  'node.fault': 'nodes',
  'proof.ready': 'pods',
  'proof.failed': 'pods',
  'leader.changed': 'metrics',
  'metrics.sample': 'nodes',
  'user.changed': 'users',
  'audit.records': 'audit',
};

const MAX_SUBSCRIPTIONS = 100;
/** Largest message a client may send (subscriptions are a few hundred bytes). */
const MAX_MESSAGE = 16 * 1024;
/** Incoming messages a socket may send per second (and in a burst) before it is disconnected. */
const MESSAGE_RATE = 50;
const MESSAGE_BURST = 200;
/** Packets waiting in a socket's transport beyond which it counts as slow: changes keep coalescing instead. */
const SLOW_WRITE_BUFFER = 16;

/** A subscription's resource: a store key (pods, deployments.apps, crontabs.stable.example.com) or a plural. */
function resolveResource(name: string): ResourceType | undefined {
  return lookupKey(name) ?? storedTypes().find((t) => t.plural === name);
}

/**
 * socket.io on the same HTTP server as Next. Every socket authenticates in
 * its handshake (session cookie, `Authorization: Bearer`, or `auth.token`)
 * and may then hold many subscriptions: object streams (by resource,
 * namespace, selectors or one name, resumable from a resourceVersion) and
 * platform event topics. RBAC applies to each subscription.
 */
export function attachSocketGateway(server: HttpServer, platform: GatewayDeps): SocketServer {
  const io = new SocketServer<
    Record<string, (...args: never[]) => void>,
    Record<string, (...args: never[]) => void>,
    Record<string, never>,
    SocketData
  >(server, {
    path: '/socket.io',
    serveClient: false,
    // Clients send only small control messages: anything above MAX_MESSAGE is
    // refused with a reason (below); above this, the transport just closes.
    maxHttpBufferSize: 1024 * 1024,
    // Leave other upgrade requests (Next's dev HMR) alone instead of destroying them.
    destroyUpgrade: false,
  });
  if (platform.router.redis) {
    const { publisher, subscriber } = platform.router.redis;
    // Room broadcasts and disconnects (e.g. of a disabled user) reach sockets on every instance.
    io.adapter(
      createAdapter(publisher.duplicate(), subscriber.duplicate(), {
        key: `entroos:${platform.router.clusterId}:socket.io`,
      }),
    );
  }
  io.use(socketAuth(platform, recordRefusals(platform.audit)));
  const metrics = routerMetrics();
  const clock = new FlushClock(platform.config.socketCoalesceMs);
  io.on('connection', (socket) => {
    metrics.sockets.inc();
    const session = new SocketSession(socket, platform, clock);
    socket.on('disconnect', () => {
      metrics.sockets.dec();
      session.close();
    });
  });
  return io;
}

interface ObjectSub {
  kind: 'objects';
  pending: PendingChanges;
  /** Subscriptions with the same key see the same changes. */
  key: string;
  stop: () => void;
}

interface PlatformSub {
  kind: 'platform';
  stop: () => void;
}

class SocketSession {
  private subs = new Map<string, ObjectSub | PlatformSub>();
  private tokens = MESSAGE_BURST;
  private refilled = Date.now();
  private metrics = routerMetrics();
  private bufferLimit: number;

  constructor(
    private socket: Socket,
    private platform: GatewayDeps,
    private clock: FlushClock,
  ) {
    this.bufferLimit = platform.config.socketBufferLimit;
    const { username, role } = socket.data.principal as Principal;
    socket.join(`user:${username}`);
    socket.emit('hello', {
      user: username,
      role,
      instance: platform.router.instance,
      serverTime: new Date().toISOString(),
    });
    socket.use((packet, next) => (this.allowMessage(packet) ? next() : undefined));
    socket.on('subscribe', (request: unknown, ack?: unknown) => {
      let result: SubscribeAck;
      try {
        result = this.subscribe(request);
      } catch (err) {
        platform.log.error({ err }, 'a socket subscription failed');
        result = this.fail(
          500,
          'InternalError',
          'the subscription failed on the server; the server log has the details',
          'error',
        );
      }
      this.audit(request, result);
      this.reply(ack, result);
    });
    socket.on('unsubscribe', (request: unknown, ack?: unknown) => {
      const id = (request as { id?: unknown })?.id;
      const existed = typeof id === 'string' && this.unsubscribe(id);
      if (typeof ack === 'function') ack({ ok: existed });
    });
  }

  close() {
    this.clock.forget(this);
    for (const id of [...this.subs.keys()]) this.unsubscribe(id);
  }

  private allowMessage(packet: unknown[]): boolean {
    const size = JSON.stringify(packet.filter((p) => typeof p !== 'function')).length;
    if (size > MAX_MESSAGE) return this.disconnect(`message too large: ${size} bytes; at most ${MAX_MESSAGE} bytes`);
    const now = Date.now();
    this.tokens = Math.min(MESSAGE_BURST, this.tokens + ((now - this.refilled) / 1000) * MESSAGE_RATE);
    this.refilled = now;
    if (this.tokens >= 1) {
      this.tokens--;
      return true;
    }
    return this.disconnect(
      `too many messages: at most ${MESSAGE_RATE} per second (bursts of ${MESSAGE_BURST}); reconnect and slow down`,
    );
  }

  private disconnect(reason: string): false {
    this.socket.emit('bye', { reason });
    this.platform.log.warn({ user: (this.socket.data.principal as Principal).username, reason }, 'socket disconnected');
    this.socket.disconnect(true);
    return false;
  }

  private audit(request: unknown, result: SubscribeAck) {
    const audit = this.platform.audit;
    if (!audit) return;
    const r = (request && typeof request === 'object' ? request : {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const key = text(r.resource) ?? '';
    const dot = key.indexOf('.');
    audit.subscription({
      principal: this.socket.data.principal as Principal,
      sourceIPs: (this.socket.data as SocketData).client?.sourceIPs ?? [],
      userAgent: text(this.socket.handshake.headers['user-agent']),
      ...(r.stream === 'platform'
        ? { topics: Array.isArray(r.topics) ? r.topics.filter((t): t is string => typeof t === 'string') : [] }
        : {
            resource: {
              resource: dot < 0 ? key : key.slice(0, dot),
              group: dot < 0 ? '' : key.slice(dot + 1),
              namespace: text(r.namespace),
              name: text(r.name),
            },
          }),
      code: result.ok ? 200 : result.error.code,
      message: result.ok ? undefined : result.error.message,
    });
  }

  private reply(ack: unknown, result: SubscribeAck) {
    if (typeof ack === 'function') ack(result);
    else if (!result.ok) this.socket.emit('subscription:error', { id: null, ...result.error });
  }

  private fail(code: number, reason: string, message: string, metric: string): SubscribeAck {
    this.metrics.refused.inc({ reason: metric });
    return { ok: false, error: { code, reason, message } satisfies SocketError };
  }

  private subscribe(request: unknown): SubscribeAck {
    const parsed = parseSubscription(request);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
      return this.fail(400, 'BadRequest', `invalid subscription: ${issues}`, 'invalid');
    }
    const spec = parsed.data;
    if (this.subs.has(spec.id))
      return this.fail(
        409,
        'AlreadyExists',
        `a subscription with id "${spec.id}" already exists on this socket; unsubscribe it first or pick another id`,
        'duplicate',
      );
    if (this.subs.size >= MAX_SUBSCRIPTIONS)
      return this.fail(429, 'TooManyRequests', `at most ${MAX_SUBSCRIPTIONS} subscriptions per socket`, 'limit');
    const principal = this.socket.data.principal as Principal;
    const { role, username } = principal;
    const may = (request: Parameters<Authorizer['authorize']>[1]) =>
      this.platform.authorizer.authorize(subjectOf(principal), request).allowed;

    if (spec.stream === 'platform') {
      const denied = spec.topics.find((topic) => !may(requestFor('watch', TOPIC_RESOURCE[topic])));
      if (denied)
        return this.fail(
          403,
          'Forbidden',
          `user "${username}" (role ${role}) cannot subscribe to ${denied} events`,
          'forbidden',
        );
      const offs = spec.topics.map((topic) =>
        this.platform.bus.subscribe(topic, (event) => this.socket.emit('platform', { id: spec.id, event })),
      );
      this.subs.set(spec.id, { kind: 'platform', stop: () => offs.forEach((off) => off()) });
      this.metrics.subscriptions.inc();
      return { ok: true, resourceVersion: String(this.platform.store.objects.committedResourceVersion) };
    }

    const t = resolveResource(spec.resource);
    if (!t)
      return this.fail(
        404,
        'NotFound',
        `unknown resource "${spec.resource}"; use one of ${RESOURCE_TYPES.map((r) => r.key).join(', ')}`,
        'unknown',
      );
    const namespace = t.namespaced ? spec.namespace || undefined : undefined;
    if (!may({ verb: 'watch', apiGroup: t.group, resource: t.plural, namespace, name: spec.name || undefined }))
      return this.fail(
        403,
        'Forbidden',
        `user "${username}" (role ${role}) cannot watch ${t.plural}${namespace ? ` in the namespace "${namespace}"` : ''}`,
        'forbidden',
      );
    let matches: (o: KubeObject | undefined) => boolean;
    try {
      const labels = labelSelector(spec.labelSelector);
      const fields = fieldSelector(t.plural, spec.fieldSelector);
      matches = (o) =>
        !!o &&
        (!spec.name || o.metadata.name === spec.name) &&
        labels(o.metadata.labels as Record<string, string>) &&
        fields(o);
    } catch (err) {
      if (isApiError(err)) return this.fail(400, 'BadRequest', err.message, 'invalid');
      throw err;
    }
    const api = this.platform.api;
    const from =
      spec.resourceVersion === undefined
        ? this.platform.store.objects.committedResourceVersion
        : Number(spec.resourceVersion);
    const pending = new PendingChanges(from, this.bufferLimit);
    const key = [
      t.key,
      t.namespaced ? (spec.namespace ?? '') : '',
      spec.labelSelector ?? '',
      spec.fieldSelector ?? '',
      spec.name ?? '',
    ].join('\u0000');
    const sub: ObjectSub = { kind: 'objects', pending, key, stop: () => {} };
    // Registered first: watch() replays the history after `from` synchronously.
    this.subs.set(spec.id, sub);
    this.metrics.subscriptions.inc();
    try {
      const stop = api.watch(t, t.namespaced ? spec.namespace : undefined, from, (event) => {
        if (this.subs.get(spec.id) !== sub) return;
        const type = selectionChange(event, matches);
        if (!type) return pending.seen(event.resourceVersion);
        this.metrics.eventsIn.inc();
        if (!pending.offer(type, event))
          this.resync(
            spec.id,
            'buffer',
            `more than ${this.bufferLimit} objects changed while this client could not keep up; list again`,
          );
        else this.clock.mark(this);
      });
      if (this.subs.get(spec.id) === sub) sub.stop = stop;
      else stop(); // resynced during the replay
    } catch (err) {
      this.unsubscribe(spec.id);
      if (isResourceVersionTooOld(err)) {
        this.metrics.resyncs.inc({ reason: 'expired' });
        return this.fail(
          410,
          'Expired',
          `${err.message}: the history no longer reaches back that far; list again and subscribe from the new resourceVersion`,
          'expired',
        );
      }
      throw err;
    }
    return { ok: true, resourceVersion: String(from) };
  }

  private unsubscribe(id: string): boolean {
    const sub = this.subs.get(id);
    if (!sub) return false;
    sub.stop();
    this.subs.delete(id);
    this.metrics.subscriptions.dec();
    return true;
  }

  /** Drops a subscription that cannot be kept exact; the client relists and subscribes again. */
  private resync(id: string, reason: string, message: string) {
    this.unsubscribe(id);
    this.metrics.resyncs.inc({ reason });
    this.socket.emit('resync', { id, reason, message });
  }

  /** Sends what is pending; false when the client lags (its changes keep coalescing until the next tick). */
  flush(): boolean {
    // A client that is not reading keeps its changes coalescing here (bounded
    // per object) rather than queuing copies in the transport.
    const transport = this.socket.conn as unknown as { writeBuffer?: unknown[] };
    if ((transport.writeBuffer?.length ?? 0) > SLOW_WRITE_BUFFER) {
      this.clock.mark(this);
      return false;
    }
    const now = Date.now();
    for (const [id, sub] of this.subs) {
      if (sub.kind !== 'objects' || sub.pending.size === 0) continue;
      const { changes, resourceVersion } = sub.pending.drain();
      for (const c of changes) if (c.committedAt) this.metrics.fanoutLatency.observe((now - c.committedAt) / 1000);
      this.metrics.eventsOut.inc(changes.length);
      this.metrics.coalesced.inc(sub.pending.coalesced);
      sub.pending.coalesced = 0;
      this.socket.emit(
        'changes',
        { id, resourceVersion: String(resourceVersion) },
        this.clock.encode(sub.key, changes),
      );
    }
    return true;
  }
}
