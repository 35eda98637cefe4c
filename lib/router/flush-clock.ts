import type { KubeObject } from '../apimachinery/meta.ts';
import type { PendingChange } from './subscription.ts';

/** The shortest coalescing window, ms: what a tick waits while clients keep up. */
const MIN_WINDOW_MS = 2;

// One JSON text per object version, shared by every socket that sends it.
const objectJson = new WeakMap<object, string>();
function jsonOf(object: KubeObject): string {
  let text = objectJson.get(object);
  if (text === undefined) objectJson.set(object, (text = JSON.stringify(object)));
  return text;
}

const sameBatch = (a: PendingChange[], b: PendingChange[]) =>
  a.length === b.length &&
  a.every((c, i) => c.object === b[i].object && c.type === b[i].type && c.committedAt === b[i].committedAt);

/**
 * One clock for every socket: all flush on the same tick, so the many
 * subscribers of one stream get identical batches, encoded once and sent as
 * the same bytes (the coalescing window is also the batching window).
 *
 * The window adapts between a few milliseconds and the configured one
 * (ENTROOS_SOCKET_COALESCE_MS): while clients keep up and a tick costs little
 * it halves, so changes reach them soon after their commit; when a client
 * lags or flushing takes more than half the window it doubles, so batches grow
 * and the cost per change falls. A fixed window was itself the latency floor.
 */
/** What the clock flushes: a socket's pending changes; false when its client lags. */
interface Flushable {
  flush(): boolean;
}

export class FlushClock {
  private dirty = new Set<Flushable>();
  private timer?: NodeJS.Timeout;
  private encoded = new Map<string, { changes: PendingChange[]; payload: Buffer }[]>();
  private readonly minMs: number;
  private current: number;

  constructor(
    private maxMs: number,
    private now: () => number = () => performance.now(),
  ) {
    this.minMs = Math.min(MIN_WINDOW_MS, maxMs);
    this.current = this.minMs;
  }

  /** The window the next tick waits for, in ms. */
  get windowMs(): number {
    return this.current;
  }

  mark(session: Flushable) {
    this.dirty.add(session);
    this.timer ??= setTimeout(() => this.tick(), this.current);
  }

  forget(session: Flushable) {
    this.dirty.delete(session);
  }

  /** The batch as bytes: a JSON array of changes, shared by every socket that sends the same batch this tick. */
  encode(key: string, changes: PendingChange[]): Buffer {
    let candidates = this.encoded.get(key);
    if (!candidates) this.encoded.set(key, (candidates = []));
    const hit = candidates.find((c) => sameBatch(c.changes, changes));
    if (hit) return hit.payload;
    const payload = Buffer.from(
      `[${changes.map((c) => `{"type":"${c.type}","committedAt":${c.committedAt ?? 0},"object":${jsonOf(c.object)}}`).join(',')}]`,
    );
    candidates.push({ changes, payload });
    return payload;
  }

  /** Flushes every marked session now (the timer's job; tests call it directly). */
  tick() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const started = this.now();
    const sessions = [...this.dirty];
    this.dirty.clear();
    let lagging = 0;
    for (const session of sessions) if (!session.flush()) lagging++;
    this.encoded.clear();
    const cost = this.now() - started;
    this.current =
      lagging > 0 || cost > this.current / 2
        ? Math.min(this.maxMs, Math.max(this.current * 2, 1))
        : Math.max(this.minMs, this.current / 2);
  }
}
