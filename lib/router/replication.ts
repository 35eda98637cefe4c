import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ReplicatedChange, Store } from '../store/index.ts';

// The leader is the only writer of API objects. After each group commit it
// publishes the committed changes on Redis; followers apply them to their
// own watch caches, so reads, watches and sockets work on every instance.
// A follower that detects a gap (a missed message, a restart of Redis)
// reloads from the database, which is always complete.

// Channels are per cluster (`entroos:<cluster id>:changes`): clusters that
// share one Redis never see each other's changes.
export const changesChannel = (cluster: string) => `entroos:${cluster}:changes`;

interface ChangesMessage {
  origin: string;
  term: number;
  /** The resourceVersion the leader had announced before these changes. */
  previous: number;
  changes: ReplicatedChange[];
}

/** Leader side: publishes every commit. Returns the function that stops it. */
export function publishCommits(
  store: Store,
  redis: Redis,
  cluster: string,
  origin: string,
  term: number,
  log: Logger,
): () => void {
  const channel = changesChannel(cluster);
  let failing = false;
  return store.objects.onCommit((events, previous) => {
    const message: ChangesMessage = {
      origin,
      term,
      previous,
      // Secrets go out encrypted, as they are stored.
      changes: store.replication.seal(
        events.map((e) => ({
          type: e.type,
          resource: e.resource,
          object: e.object,
          resourceVersion: e.resourceVersion,
          committedAt: e.committedAt,
        })),
      ),
    };
    redis.publish(channel, JSON.stringify(message)).then(
      () => {
        if (failing) log.info('replication: publishing to Redis works again');
        failing = false;
      },
      (err: unknown) => {
        // Followers notice the gap on the next message and reload from the database.
        if (!failing) log.warn({ err }, 'replication: could not publish a commit to Redis');
        failing = true;
      },
    );
  });
}

/** Follower side: applies the leader's commits to this instance's cache. */
export class Replica {
  private buffered: ChangesMessage[] = [];
  private resyncing: Promise<void> | null = null;
  private stopped = false;
  private listener = (channel: string, raw: string) => {
    if (channel !== this.channel || this.stopped) return;
    let message: ChangesMessage;
    try {
      message = JSON.parse(raw) as ChangesMessage;
    } catch {
      return;
    }
    if (this.resyncing) this.buffered.push(message);
    else this.apply(message);
  };
  /** How many times this replica reloaded from the database. */
  resyncs = 0;

  private channel: string;

  constructor(
    private store: Store,
    private subscriber: Redis,
    cluster: string,
    private log: Logger,
  ) {
    this.channel = changesChannel(cluster);
  }

  /** Subscribes first and then loads, so no commit falls between the two. */
  async start(): Promise<void> {
    this.subscriber.on('message', this.listener);
    await this.subscriber.subscribe(this.channel);
    await this.resync('start');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscriber.off('message', this.listener);
    await this.subscriber.unsubscribe(this.channel).catch(() => {});
    await this.resyncing?.catch(() => {});
  }

  private apply(message: ChangesMessage) {
    let changes: ReplicatedChange[];
    try {
      changes = this.store.replication.open(message.changes);
    } catch (err) {
      // A Secret sealed under another key (instances configured with different ENTROOS_SECRET_KEYs).
      this.log.error({ err: (err as Error).message }, 'replication: could not open a commit; reloading');
      void this.resync('a commit that did not decrypt');
      return;
    }
    if (!this.store.objects.applyReplicated(message.previous, changes))
      void this.resync(`gap before resourceVersion ${message.previous}`);
  }

  /** Reloads every object from the database, then applies what arrived meanwhile. */
  resync(reason: string): Promise<void> {
    if (this.resyncing) return this.resyncing;
    this.resyncs++;
    this.log.info({ reason }, 'replication: reloading objects from the database');
    this.resyncing = (async () => {
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          this.store.objects.reset(await this.store.replication.loadAll());
          break;
        } catch (err) {
          this.log.warn({ err, attempt }, 'replication: reload failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      this.resyncing = null;
      const waiting = this.buffered.splice(0);
      for (const message of waiting) {
        if (this.resyncing) this.buffered.push(message);
        else this.apply(message);
      }
    });
    return this.resyncing;
  }
}
