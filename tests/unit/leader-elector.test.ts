import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { LeaderElector } from '../../lib/router/leader.ts';
import type { LeaseClaim, LeaseRecord } from '../../lib/store/leases.ts';

/** The lease row's compare-and-set, in memory (the same rules as lib/store/leases.ts). */
function memoryLeases() {
  let row: LeaseRecord | null = null;
  return {
    get: async () => row,
    release: async () => {
      row = null;
    },
    tryAcquire: async (claim: LeaseClaim) => {
      const now = new Date();
      const expiresAt = new Date(now.getTime() + claim.ttlMs);
      if (row && row.holder !== claim.holder && row.expiresAt > now) return { held: false, lease: row };
      const term = !row ? 1 : row.holder === claim.holder ? row.term : row.term + 1;
      row = { name: claim.name, holder: claim.holder, address: claim.address, term, renewedAt: now, expiresAt };
      return { held: true, lease: row };
    },
  };
}

describe('leader election', () => {
  it('keeps renewing the lease while the leader services start, so a follower cannot take it mid-start', async () => {
    const leases = memoryLeases();
    const ttlMs = 900; // renewed every 300 ms
    const lost: string[] = [];
    let started = false;
    const elector = (holder: string, startMs: number) =>
      new LeaderElector({
        leases: leases as never,
        name: 'leader',
        holder,
        address: holder,
        ttlMs,
        log: pino({ level: 'silent' }),
        onStartedLeading: async () => {
          // Starting takes three lease lifetimes (a busy machine).
          await new Promise((r) => setTimeout(r, startMs));
          started = true;
        },
        onStoppedLeading: (reason) => lost.push(`${holder}: ${reason}`),
      });
    const a = elector('a', ttlMs * 3);
    const b = elector('b', 0);
    const first = a.tryOnce();
    // The follower keeps trying during the whole start.
    b.run();
    expect(await first).toBe(true);
    expect(started).toBe(true);
    await new Promise((r) => setTimeout(r, ttlMs * 2));
    expect(lost).toEqual([]);
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect((await leases.get())?.holder).toBe('a');
    await a.stop();
    await b.stop();
  });

  it('fails the first start with the services error', async () => {
    const elector = new LeaderElector({
      leases: memoryLeases() as never,
      name: 'leader',
      holder: 'a',
      address: 'a',
      ttlMs: 300,
      log: pino({ level: 'silent' }),
      onStartedLeading: async () => {
        throw new Error('controllers would not start');
      },
      onStoppedLeading: () => {},
    });
    await expect(elector.tryOnce()).rejects.toThrow('controllers would not start');
    await elector.stop();
  });
});
