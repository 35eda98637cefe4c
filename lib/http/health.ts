import { getPlatform } from '../platform.ts';
import { publicRoute } from './with-auth.ts';
import { leaderProbe, readiness } from './readiness.ts';
import { LEADER_LEASE } from '../router/router.ts';

const text = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

/** Liveness: the process serves requests. */
export const livez = publicRoute(() => text('ok'));

const probeLeader = leaderProbe();

/** Readiness: the store answers and writes can be served (this is the leader, or a follower of a live one). */
export const readyz = publicRoute(async () => {
  const platform = getPlatform();
  const state = await readiness({
    router: platform.router,
    store: platform.store,
    leaseName: LEADER_LEASE,
    leaderAnswers: probeLeader,
  });
  return state.ready ? text('ok') : text(state.detail, 503);
});

export const APP_VERSION = '0.1.0';

/** Shaped like Kubernetes' /version so kubectl and client libraries accept it. */
export const version = publicRoute(() =>
  Response.json({
    major: '1',
    minor: '32',
    gitVersion: `v1.32.0-entroos.${APP_VERSION}`,
    gitCommit: 'entroos',
    gitTreeState: 'clean',
    buildDate: '2026-11-26T00:00:00Z',
    goVersion: 'n/a',
    compiler: 'tsx',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  }),
);
