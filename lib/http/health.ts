import { getPlatform } from '../platform.ts';
import { publicRoute } from './with-auth.ts';

const text = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

/** Liveness: the process serves requests. */
export const livez = publicRoute(() => text('ok'));

/** Readiness: the store answers. */
export const readyz = publicRoute(async () => {
  try {
    await getPlatform().store.ping();
    return text('ok');
  } catch {
    return text('store unavailable', 503);
  }
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
