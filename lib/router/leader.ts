import type { Logger } from 'pino';
import type { LeaseRecord, Store } from '../store/index.ts';

export interface LeaderElectorOptions {
  leases: Store['leases'];
  /** The lease row's name. */
  name: string;
  /** This instance's identity (unique per process). */
  holder: string;
  /** Where this instance serves requests, published in the lease for followers. */
  address: string;
  ttlMs: number;
  log: Logger;
  onStartedLeading: (lease: LeaseRecord) => Promise<void>;
  /** Called once if this instance loses a lease it held. */
  onStoppedLeading: (reason: string) => void;
  /** Called whenever the observed holder or term changes. */
  onLeaderChanged?: (lease: LeaseRecord) => void;
}

/**
 * Leader election through a lease row in the database, like client-go's
 * leaderelection: the leader renews every ttl/3; a follower retries at the
 * same pace and takes the lease once it expired, so a dead leader is
 * replaced within ttl + ttl/3.
 */
export class LeaderElector {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastRenewal = 0;
  private held: LeaseRecord | null = null;
  private observed: LeaseRecord | null = null;
  private looping = false;

  constructor(private options: LeaderElectorOptions) {}

  get isLeader(): boolean {
    return this.held !== null;
  }

  /** The lease as last seen (holder, address, term). */
  get leader(): LeaseRecord | null {
    return this.held ?? this.observed;
  }

  get retryMs(): number {
    return Math.max(200, Math.floor(this.options.ttlMs / 3));
  }

  /** Makes one attempt to take or renew the lease; true when this instance leads. */
  async tryOnce(): Promise<boolean> {
    const { starting } = await this.attempt();
    if (starting) {
      // Renew while the services start: on a busy machine that takes longer than a short lease, and a follower
      // would otherwise take the lease in the middle of the start (this instance then exits).
      this.run();
      await starting;
    }
    return this.isLeader;
  }

  /** Keeps renewing (leader) or retrying (follower) in the background. */
  run(): void {
    if (this.looping) return;
    this.looping = true;
    this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const held = this.held;
    this.held = null;
    if (held) await this.options.leases.release(held.name, held.holder, held.term).catch(() => {});
  }

  private loop() {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.attempt().finally(() => this.loop()), this.retryMs);
    this.timer.unref();
  }

  /** One attempt; returns the start of the leader's services when it began leading. */
  private async attempt(): Promise<{ starting?: Promise<void> }> {
    const { name, holder, address, ttlMs, log } = this.options;
    let result: Awaited<ReturnType<Store['leases']['tryAcquire']>>;
    try {
      result = await this.options.leases.tryAcquire({ name, holder, address, ttlMs });
    } catch (err) {
      log.warn({ err }, 'leader election: the lease could not be read or renewed');
      if (this.held && Date.now() - this.lastRenewal > ttlMs)
        this.lose('the lease could not be renewed before it expired');
      return {};
    }
    if (this.stopped) return {};
    const { held, lease } = result;
    if (lease && (lease.holder !== this.observed?.holder || lease.term !== this.observed?.term)) {
      this.observed = lease;
      this.options.onLeaderChanged?.(lease);
    }
    if (held && lease) {
      this.lastRenewal = Date.now();
      if (!this.held) {
        this.held = lease;
        log.info({ term: lease.term }, 'leader election: this instance is the leader');
        // Not awaited here: the loop goes on renewing the lease while the leader's services start.
        const starting = this.options.onStartedLeading(lease);
        // Started from the loop (a follower taking over), a failed start ends the leadership; tryOnce rethrows it.
        starting.catch((err: unknown) => {
          if (!this.looping) return;
          log.error({ err }, 'leader election: starting the leader services failed');
          if (this.held) this.lose(`starting the leader's services failed: ${(err as Error).message}`);
        });
        this.held = lease;
        // Wrapped: an async function returning the promise itself would wait for it.
        return { starting };
      }
      this.held = lease;
    } else if (this.held) {
      this.lose(`instance ${lease?.holder ?? '?'} holds the lease now (term ${lease?.term ?? '?'})`);
    }
    return {};
  }

  private lose(reason: string) {
    this.held = null;
    this.stopped = true;
    clearTimeout(this.timer);
    this.options.onStoppedLeading(reason);
  }
}
