// A work queue for a controller: keys are deduplicated while waiting, a key
// is never processed twice at once, and failures retry with backoff.

export class WorkQueue {
  private waiting = new Set<string>();
  private active = new Set<string>();
  private again = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Set<NodeJS.Timeout>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private process: (key: string) => Promise<void>,
    private onError: (key: string, err: unknown) => void,
    private concurrency = 8,
  ) {}

  add(key: string) {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.again.add(key);
      return;
    }
    this.waiting.add(key);
    this.schedule();
  }

  addAfter(key: string, ms: number) {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  stop() {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.waiting.clear();
  }

  /** Resolves when nothing is waiting or running (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.waiting.size || this.active.size) await new Promise((r) => setTimeout(r, 5));
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump() {
    for (const key of this.waiting) {
      if (this.active.size >= this.concurrency) break;
      this.waiting.delete(key);
      this.active.add(key);
      this.process(key)
        .then(
          () => this.failures.delete(key),
          (err) => {
            const n = (this.failures.get(key) ?? 0) + 1;
            this.failures.set(key, n);
            this.onError(key, err);
            this.addAfter(key, Math.min(30_000, 50 * 2 ** n));
          },
        )
        .finally(() => {
          this.active.delete(key);
          if (this.again.delete(key)) this.waiting.add(key);
          if (this.waiting.size) this.schedule();
        });
    }
  }
}
