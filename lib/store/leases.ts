import type { Db } from './db.ts';

export interface LeaseRecord {
  name: string;
  holder: string;
  /** Where the holder serves requests, so other instances can forward writes to it. */
  address: string;
  term: number;
  renewedAt: Date;
  expiresAt: Date;
}

export interface LeaseClaim {
  name: string;
  holder: string;
  address: string;
  ttlMs: number;
}

// Compare-and-set on (holder, term): two instances racing for an expired
// lease both try the same conditional update and only one row count is 1.
// Expiry compares the instances' clocks, so they must be roughly in sync
// (NTP); a lease of 10 s tolerates a few seconds of skew.
export function leasesRepo(db: Db) {
  const get = async (name: string): Promise<LeaseRecord | null> => db.leaderLease.findUnique({ where: { name } });
  return {
    get,
    /** Renews the lease if `holder` has it, takes it if it expired; returns whether `holder` holds it and the current record. */
    tryAcquire: async (claim: LeaseClaim): Promise<{ held: boolean; lease: LeaseRecord | null }> => {
      const now = new Date();
      const expiresAt = new Date(now.getTime() + claim.ttlMs);
      const current = await get(claim.name);
      if (!current) {
        try {
          const lease = await db.leaderLease.create({
            data: {
              name: claim.name,
              holder: claim.holder,
              address: claim.address,
              term: 1,
              renewedAt: now,
              expiresAt,
            },
          });
          return { held: true, lease };
        } catch {
          return { held: false, lease: await get(claim.name) }; // another instance created it first
        }
      }
      const mine = current.holder === claim.holder;
      if (!mine && current.expiresAt > now) return { held: false, lease: current };
      const { count } = await db.leaderLease.updateMany({
        where: { name: claim.name, holder: current.holder, term: current.term },
        data: {
          holder: claim.holder,
          address: claim.address,
          term: mine ? current.term : current.term + 1,
          renewedAt: now,
          expiresAt,
        },
      });
      const lease = await get(claim.name);
      return { held: count === 1 && lease?.holder === claim.holder, lease };
    },
    /** Gives the lease up at once (on shutdown) so another instance need not wait for it to expire. */
    release: async (name: string, holder: string, term: number): Promise<void> => {
      const now = new Date();
      await db.leaderLease.updateMany({ where: { name, holder, term }, data: { expiresAt: now, renewedAt: now } });
    },
  };
}
