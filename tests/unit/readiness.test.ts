import { describe, expect, it } from 'vitest';
import { readiness, type ReadinessDeps } from '@/lib/http/readiness.ts';
import type { LeaseRecord } from '@/lib/store/index.ts';

// Ready means able to serve writes (issue #18): the cases the HTTP test of a crash and restart does not reach.

const NOW = Date.parse('2026-12-02T10:00:00Z');
const lease = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  name: 'entroos-leader',
  holder: 'other',
  address: 'http://10.0.0.1:3000',
  term: 3,
  renewedAt: new Date(NOW - 1_000),
  expiresAt: new Date(NOW + 9_000),
  ...over,
});

function deps(role: 'starting' | 'leader' | 'follower', current: LeaseRecord | null, answers = true): ReadinessDeps {
  return {
    router: { role, address: 'http://10.0.0.2:3000', instance: 'me' },
    store: { ping: async () => {}, leases: { get: async () => current } },
    leaseName: 'entroos-leader',
    leaderAnswers: async () => answers,
    now: () => NOW,
  };
}

describe('readiness', () => {
  it('is ready as the leader, and as the follower of a live leader', async () => {
    expect((await readiness(deps('leader', null))).ready).toBe(true);
    expect(await readiness(deps('follower', lease()))).toEqual({
      ready: true,
      detail: 'ok (follower of http://10.0.0.1:3000)',
    });
  });

  it('is not ready while it cannot write or forward', async () => {
    const cases: [ReadinessDeps, RegExp][] = [
      [deps('starting', lease()), /joining the leader election/],
      [deps('follower', null), /no leader/],
      [deps('follower', lease({ expiresAt: new Date(NOW - 1) })), /no leader/],
      [deps('follower', lease({ address: 'http://10.0.0.2:3000' })), /previous \(dead\) instance/],
      [deps('follower', lease({ holder: 'me' })), /taking over/],
      [deps('follower', lease(), false), /does not answer/],
      [
        {
          ...deps('leader', null),
          store: { ping: () => Promise.reject(new Error('down')), leases: { get: async () => null } },
        },
        /store unavailable/,
      ],
    ];
    for (const [d, reason] of cases) {
      const state = await readiness(d);
      expect(state.ready).toBe(false);
      expect(state.detail).toMatch(reason);
    }
  });
});
