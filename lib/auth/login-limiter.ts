import { tooManyRequests } from '../apimachinery/errors.ts';

// Counts failed logins in a sliding window, per client IP and per account
// with the IP each failure came from.
//
// - An IP that fails too often (any accounts) is refused: one source cannot
//   keep guessing.
// - An account that has failed too often is refused to the IPs that took part
//   in those failures, even with the right password, so guessing cannot go on
//   from them; an IP that has not failed for that account still gets its
//   attempt. A lockout of the whole account would let anyone who can reach
//   the server lock its owner (the admin) out with a few wrong passwords; the
//   well-kept identity servers throttle per IP and account for this reason.
//   Spread over many IPs, guessing still gets one attempt per IP per window.

interface Failure {
  at: number;
  /** The IP (for an account's failures) or the account (for an IP's). */
  by: string | undefined;
}

export interface LoginLimits {
  /** Failures of one account, from the IPs that failed, before they are refused for it. */
  maxFailures: number;
  /** Failures from one IP (any accounts) before it is refused. */
  maxFailuresPerIp: number;
  windowSeconds: number;
}

export class LoginLimiter {
  private accounts = new Map<string, Failure[]>();
  private ips = new Map<string, Failure[]>();

  constructor(
    private limits: LoginLimits,
    private now: () => number = Date.now,
  ) {}

  /** Throws a 429 ApiError when this IP, or this IP for this account, has failed too often. */
  check(username: string, ip: string | undefined) {
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    let wait = 0;
    if (ip) {
      const fromIp = this.recent(this.ips, ip, now);
      if (fromIp.length >= this.limits.maxFailuresPerIp)
        wait = fromIp[fromIp.length - this.limits.maxFailuresPerIp].at + windowMs - now;
    }
    const account = this.recent(this.accounts, username.toLowerCase(), now);
    if (account.length >= this.limits.maxFailures) {
      // Without an IP every attempt counts as one of the failing sources.
      const mine = ip ? account.filter((f) => f.by === ip) : account;
      if (mine.length) {
        // Refused until the account drops below the limit or this IP's part in it ages out.
        const belowLimit = account[account.length - this.limits.maxFailures].at + windowMs - now;
        const aged = mine[mine.length - 1].at + windowMs - now;
        wait = Math.max(wait, Math.min(belowLimit, aged));
      }
    }
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw tooManyRequests(`too many failed logins; try again in ${seconds} seconds`, seconds);
    }
  }

  recordFailure(username: string, ip: string | undefined) {
    const now = this.now();
    const name = username.toLowerCase();
    this.push(this.accounts, name, { at: now, by: ip });
    if (ip) this.push(this.ips, ip, { at: now, by: name });
  }

  /** A correct password from `ip`: its failures for this account no longer count against either. */
  recordSuccess(username: string, ip?: string) {
    const name = username.toLowerCase();
    this.remove(this.accounts, name, (f) => f.by === ip);
    if (ip) this.remove(this.ips, ip, (f) => f.by === name);
  }

  private push(map: Map<string, Failure[]>, key: string, failure: Failure) {
    const list = map.get(key) ?? [];
    list.push(failure);
    // Bounded: a flood of failures keeps the newest (the window needs no more than the limits).
    if (list.length > 1_000) list.splice(0, list.length - 1_000);
    map.delete(key);
    map.set(key, list);
    if (map.size > 100_000) map.delete(map.keys().next().value as string);
  }

  private remove(map: Map<string, Failure[]>, key: string, drop: (f: Failure) => boolean) {
    const list = map.get(key);
    if (!list) return;
    const kept = list.filter((f) => !drop(f));
    if (kept.length) map.set(key, kept);
    else map.delete(key);
  }

  /** The failures still inside the window, oldest first. */
  private recent(map: Map<string, Failure[]>, key: string, now: number): Failure[] {
    const list = map.get(key);
    if (!list) return [];
    const windowMs = this.limits.windowSeconds * 1000;
    const kept = list.filter((f) => now - f.at < windowMs);
    if (kept.length) map.set(key, kept);
    else map.delete(key);
    return kept;
  }
}
