import '#server-only';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { LeaseRecord, Store } from '../store/index.ts';
import type { EventBus } from './bus.ts';
import { LeaderElector } from './leader.ts';
import { connectRedis, redactRedisUrl } from './redis.ts';
import { publishCommits, Replica } from './replication.ts';

export const LEADER_LEASE = 'entroos-leader';

export type Role = 'starting' | 'leader' | 'follower';

export interface RouterOptions {
  config: Config;
  store: Store;
  log: Logger;
  bus: EventBus;
  /** Identifies the cluster (the database) in Redis channel names. */
  clusterId: string;
  /** Starts what only the leader runs (controllers, scheduler, nodes). */
  onLeading: () => Promise<void>;
  /** This instance lost its lease: it must stop at once (a supervisor restarts it as a follower). */
  onLeadershipLost: (reason: string) => void;
}

/**
 * One instance's place among several: elects the leader through a lease in
 * the database, replicates the leader's commits to followers through Redis,
 * and shares platform events. Without REDIS_URL there is exactly one
 * instance: it takes the lease (waiting out a crashed predecessor's) and
 * refuses to start beside another live instance.
 */
export class Router {
  role: Role = 'starting';
  address = '';
  /** Redis connections (publisher, subscriber), when REDIS_URL is set. */
  redis?: { publisher: Redis; subscriber: Redis };
  private elector?: LeaderElector;
  private replica?: Replica;
  private stopPublishing?: () => void;

  constructor(private options: RouterOptions) {}

  get instance(): string {
    return this.options.bus.instance;
  }

  get clusterId(): string {
    return this.options.clusterId;
  }

  get multiInstance(): boolean {
    return this.redis !== undefined;
  }

  /** The leader's address, as last observed. */
  get leader(): LeaseRecord | null {
    return this.elector?.leader ?? null;
  }

  async connectRedis(): Promise<void> {
    const url = this.options.config.redisUrl;
    if (!url) return;
    const publisher = await connectRedis(url, 'pub');
    const subscriber = await connectRedis(url, 'sub');
    this.redis = { publisher, subscriber };
    for (const [name, conn] of Object.entries(this.redis)) {
      conn.on('reconnecting', () =>
        this.options.log.warn({ redis: redactRedisUrl(url), conn: name }, 'Redis connection lost; reconnecting'),
      );
      conn.on('ready', () => this.options.log.info({ conn: name }, 'Redis connection ready'));
    }
    // After Redis comes back, followers may have missed commits: reload.
    subscriber.on('ready', () => void this.replica?.resync('Redis reconnected'));
    await this.options.bus.connect(publisher, subscriber, this.options.clusterId);
  }

  /** Joins the election once this instance listens at `address`. */
  async start(address: string): Promise<void> {
    const { config, store, log } = this.options;
    this.address = address;
    const ttlMs = config.leaderLeaseSeconds * 1000;
    this.elector = new LeaderElector({
      leases: store.leases,
      name: LEADER_LEASE,
      holder: this.instance,
      address,
      ttlMs,
      log,
      onStartedLeading: (lease) => this.lead(lease),
      onStoppedLeading: (reason) => {
        this.role = 'follower';
        store.objects.setReadOnly(undefined);
        this.options.onLeadershipLost(reason);
      },
      onLeaderChanged: (lease) => {
        if (this.role !== 'leader' && lease.holder !== this.instance) store.objects.setReadOnly(lease.address);
      },
    });
    if (!this.redis) {
      await this.startAlone(this.elector, ttlMs);
      return;
    }
    store.objects.setReadOnly(undefined);
    this.replica = new Replica(store, this.redis.subscriber, this.options.clusterId, log);
    await this.replica.start();
    this.role = 'follower';
    await this.elector.tryOnce();
    this.elector.run();
    if (this.role === 'follower')
      log.info(
        { leader: this.leader?.address },
        'this instance is a follower; the leader runs the scheduler and controllers',
      );
  }

  async stop(): Promise<void> {
    this.stopPublishing?.();
    await this.replica?.stop();
    await this.elector?.stop();
    if (this.redis) {
      await Promise.all([this.redis.publisher.quit().catch(() => {}), this.redis.subscriber.quit().catch(() => {})]);
    }
  }

  private async startAlone(elector: LeaderElector, ttlMs: number) {
    const deadline = Date.now() + ttlMs + 2 * elector.retryMs;
    let told = false;
    while (!(await elector.tryOnce())) {
      const holder = this.leader;
      if (Date.now() > deadline) {
        throw new Error(
          `another EntroOS instance (${holder?.address ?? 'unknown address'}) is using this database and keeps its leader lease; ` +
            'stop it, or set REDIS_URL on every instance to run several together',
        );
      }
      if (!told)
        this.options.log.warn(
          { holder: holder?.address, expiresAt: holder?.expiresAt },
          'waiting for the previous instance’s leader lease to expire',
        );
      told = true;
      await new Promise((r) => setTimeout(r, elector.retryMs));
    }
    elector.run();
  }

  private async lead(lease: LeaseRecord) {
    const { store, log } = this.options;
    // A replica runs only with Redis.
    if (this.replica && this.redis) {
      // Catch up completely before the first write: the old leader may have
      // committed changes this replica has not heard of.
      await this.replica.stop();
      this.replica = undefined;
      store.objects.reset(await store.replication.loadAll());
      store.replication.setFence({ name: lease.name, holder: lease.holder, term: lease.term });
      this.stopPublishing = publishCommits(
        store,
        this.redis.publisher,
        this.options.clusterId,
        this.instance,
        lease.term,
        log,
      );
    }
    store.objects.setReadOnly(null);
    this.role = 'leader';
    this.options.bus.publish('leader.changed', { holder: lease.holder, address: lease.address, term: lease.term });
    await this.options.onLeading();
  }
}
