import { tooManyRequests } from '../apimachinery/errors.ts';

// Counts failed logins per account and per client IP in a sliding window.
// Past the limit, further attempts are refused (429) until the window passes,
// even with the right password, so guessing cannot continue.

interface Window {
  failures: number[];
}

export interface LoginLimits {
  maxFailures: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

export class LoginLimiter {
  private accounts = new Map<string, Window>();
  private ips = new Map<string, Window>();

  constructor(
    private limits: LoginLimits,
    private now: () => number = Date.now,
  ) {}

  /** Throws a 429 ApiError when the account or the IP has failed too often. */
  check(username: string, ip: string | undefined) {
    const now = this.now();
    const account = this.retryAfter(this.accounts, username.toLowerCase(), this.limits.maxFailures, now);
    const address = ip ? this.retryAfter(this.ips, ip, this.limits.maxFailuresPerIp, now) : 0;
    const wait = Math.max(account, address);
    if (wait > 0) throw tooManyRequests(`too many failed logins; try again in ${wait} seconds`, wait);
  }

  recordFailure(username: string, ip: string | undefined) {
    const now = this.now();
    this.push(this.accounts, username.toLowerCase(), now);
    if (ip) this.push(this.ips, ip, now);
  }

  recordSuccess(username: string) {
    this.accounts.delete(username.toLowerCase());
  }

  private push(map: Map<string, Window>, key: string, now: number) {
    const w = map.get(key) ?? { failures: [] };
    w.failures.push(now);
    map.set(key, w);
    if (map.size > 100_000) map.delete(map.keys().next().value as string);
  }

  private retryAfter(map: Map<string, Window>, key: string, max: number, now: number): number {
    const w = map.get(key);
    if (!w) return 0;
    const windowMs = this.limits.windowSeconds * 1000;
    w.failures = w.failures.filter((t) => now - t < windowMs);
    if (!w.failures.length) {
      map.delete(key);
      return 0;
    }
    if (w.failures.length < max) return 0;
    return Math.max(1, Math.ceil((w.failures[w.failures.length - max] + windowMs - now) / 1000));
  }
}
