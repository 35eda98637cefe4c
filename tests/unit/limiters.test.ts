import { describe, expect, it } from 'vitest';
import { RateLimiter } from '@/lib/http/rate-limit.ts';
import { LoginLimiter } from '@/lib/auth/login-limiter.ts';
import { ApiError } from '@/lib/apimachinery/errors.ts';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a retry time, then refills', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').allowed).toBe(true); // other principals are unaffected
    now += 500; // one token back at 2/s
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });
});

describe('LoginLimiter', () => {
  const limits = { maxFailures: 3, maxFailuresPerIp: 5, windowSeconds: 60 };

  it('blocks an account, for the IPs that failed it, after too many failures until the window passes', () => {
    let now = 0;
    const limiter = new LoginLimiter(limits, () => now);
    for (let i = 0; i < 3; i++) {
      limiter.check('alice', '10.0.0.1');
      limiter.recordFailure('alice', '10.0.0.1');
    }
    // An IP that has not been failing is not locked out of the account (issue #18).
    expect(() => limiter.check('Alice', '10.0.0.2')).not.toThrow();
    let error: unknown;
    try {
      limiter.check('Alice', '10.0.0.1');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(429);
    expect((error as ApiError).details?.retryAfterSeconds).toBe(60);
    now += 61_000;
    expect(() => limiter.check('alice', '10.0.0.1')).not.toThrow();
  });

  it('blocks an IP that tries many accounts', () => {
    const limiter = new LoginLimiter(limits, () => 0);
    for (let i = 0; i < 5; i++) limiter.recordFailure(`user${i}`, '10.0.0.9');
    expect(() => limiter.check('someone-else', '10.0.0.9')).toThrow(/too many failed logins/);
    expect(() => limiter.check('someone-else', '10.0.0.8')).not.toThrow();
  });

  it('lets the right password through from a clean IP while an attacker keeps failing the account', () => {
    let now = 0;
    const limiter = new LoginLimiter(limits, () => now);
    for (let i = 0; i < 20; i++) {
      now += 100;
      limiter.recordFailure('admin', `198.51.100.${i % 4}`);
    }
    for (let i = 0; i < 4; i++) expect(() => limiter.check('admin', `198.51.100.${i}`)).toThrow(/too many failed/);
    expect(() => limiter.check('admin', '10.0.0.7')).not.toThrow();
    // Spread guessing: a new source gets one attempt, then it is one of the failing ones.
    limiter.recordFailure('admin', '203.0.113.1');
    expect(() => limiter.check('admin', '203.0.113.1')).toThrow(/too many failed/);
    limiter.recordSuccess('admin', '10.0.0.7');
    expect(() => limiter.check('admin', '198.51.100.0')).toThrow(/too many failed/);
  });

  it('forgets an account failures after a success', () => {
    const limiter = new LoginLimiter(limits, () => 0);
    limiter.recordFailure('bob', undefined);
    limiter.recordFailure('bob', undefined);
    limiter.recordSuccess('bob');
    limiter.recordFailure('bob', undefined);
    expect(() => limiter.check('bob', undefined)).not.toThrow();
  });
});
