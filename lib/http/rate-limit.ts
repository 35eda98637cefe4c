// A token bucket per key (principal, IP): `burst` requests at once, refilled
// at `qps` per second. Buckets idle long enough to be full are dropped.

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private now: () => number = Date.now,
  ) {}

  take(key: string, cost = 1): RateDecision {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.qps);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / this.qps)) };
  }

  private sweep(now: number) {
    const fullAfterMs = (this.burst / this.qps) * 1000;
    if (now - this.lastSweep < Math.max(fullAfterMs, 60_000)) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at > fullAfterMs) this.buckets.delete(key);
  }
}
