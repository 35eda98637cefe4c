import type { LeaseRecord, Store } from '../store/index.ts';
import type { Role } from '../router/router.ts';

// Readiness means this instance can serve writes: it is the leader, or a
// follower whose leader is alive to take its forwarded writes. After a crash
// and restart, the lease still names the dead predecessor (often at this very
// address) until it expires; reporting ready then would route clients to an
// instance that answers every write with 503.

export interface ReadinessRouter {
  role: Role;
  /** Where this instance serves (empty until it listens). */
  address: string;
  /** This process's identity in the lease. */
  instance: string;
}

export interface ReadinessDeps {
  router: ReadinessRouter;
  store: Pick<Store, 'ping'> & { leases: Pick<Store['leases'], 'get'> };
  leaseName: string;
  /** Whether the leader at an address answers (its /livez), cached briefly by the caller. */
  leaderAnswers: (address: string) => Promise<boolean>;
  now?: () => number;
}

export type Readiness = { ready: true; detail: string } | { ready: false; detail: string };

export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const { router } = deps;
  try {
    await deps.store.ping();
  } catch {
    return { ready: false, detail: 'store unavailable' };
  }
  if (router.role === 'leader') return { ready: true, detail: 'ok (leader)' };
  if (router.role === 'starting') return { ready: false, detail: 'not ready: joining the leader election' };
  let lease: LeaseRecord | null;
  try {
    lease = await deps.store.leases.get(deps.leaseName);
  } catch {
    return { ready: false, detail: 'store unavailable' };
  }
  const now = deps.now?.() ?? Date.now();
  if (!lease || lease.expiresAt.getTime() <= now)
    return { ready: false, detail: 'not ready: no leader holds the lease; an election is under way' };
  if (lease.holder === router.instance)
    return { ready: false, detail: 'not ready: this instance is taking over as leader' };
  if (lease.address === router.address)
    return {
      ready: false,
      detail: `not ready: the lease is still held by this address's previous (dead) instance until ${lease.expiresAt.toISOString()}`,
    };
  if (!(await deps.leaderAnswers(lease.address)))
    return { ready: false, detail: `not ready: the leader at ${lease.address} does not answer` };
  return { ready: true, detail: `ok (follower of ${lease.address})` };
}

/** Asks a leader's /livez, remembering the answer for `ttlMs` so probes do not fan out to it. */
export function leaderProbe(ttlMs = 2_000, timeoutMs = 1_000) {
  const answers = new Map<string, { ok: boolean; until: number }>();
  return async (address: string): Promise<boolean> => {
    const hit = answers.get(address);
    if (hit && hit.until > Date.now()) return hit.ok;
    let ok = false;
    try {
      const res = await fetch(new URL('/livez', address), { signal: AbortSignal.timeout(timeoutMs) });
      ok = res.ok;
      await res.body?.cancel();
    } catch {
      ok = false;
    }
    if (answers.size > 100) answers.clear();
    answers.set(address, { ok, until: Date.now() + ttlMs });
    return ok;
  };
}
