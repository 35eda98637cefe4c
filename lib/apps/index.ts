import '#server-only';
import type { Logger } from 'pino';
import type { AdmissionPolicy, ObjectApi, ValidatingAdmission } from '../apiserver/object-api.ts';
import type { ControllerContext } from '../controllers/context.ts';
import type { Controllers } from '../controllers/index.ts';
import { installCrds } from './install.ts';
import type { AdmissionServices, AppDefinition, AppRoute, AppServices } from './types.ts';
import type { ContainerExecutor } from '../kubelet/executor.ts';
import { supplyChain } from './supply-chain/index.ts';
import { ci } from './ci/index.ts';
import { voting } from './voting/index.ts';
import { convert } from './convert/index.ts';

export type { AppDefinition, AppController, AppRoute, AppRouteServices, AppServices } from './types.ts';

/** The applications every cluster runs (a new one is added here and under lib/apps/NAME). */
export const APPS: AppDefinition[] = [supplyChain, ci, convert, voting];

/** The apps' validating admission, one hook for the object API: each kind's rules, by store key. */
export function appAdmission(
  api: ObjectApi,
  services: AdmissionServices,
  apps: AppDefinition[] = APPS,
): ValidatingAdmission {
  const byKey = new Map<string, ValidatingAdmission>();
  for (const app of apps)
    for (const [key, check] of Object.entries(app.admission?.(api, services) ?? {})) byKey.set(key, check);
  return (t, obj, old, subresource, user) => byKey.get(t.key)?.(t, obj, old, subresource, user) ?? [];
}

/** The apps' policies, one hook for the object API: every app's policy for the kind, the first refusal wins. */
export function appPolicies(api: ObjectApi, apps: AppDefinition[] = APPS): AdmissionPolicy {
  const byKey = new Map<string, AdmissionPolicy[]>();
  for (const app of apps)
    for (const [key, policy] of Object.entries(app.policies?.(api) ?? {}))
      byKey.set(key, [...(byKey.get(key) ?? []), policy]);
  return (t, obj, old, subresource) => {
    for (const policy of byKey.get(t.key) ?? []) {
      const refusal = policy(t, obj, old, subresource);
      if (refusal) return refusal;
    }
    return undefined;
  };
}

/** The app endpoint a path under /apis names (segments after `apis`), or undefined for the resource API. */
export function appApiRoute(segments: string[], apps: AppDefinition[] = APPS): AppRoute | undefined {
  for (const app of apps) {
    const route = app.apiRoutes?.(segments);
    if (route) return route;
  }
  return undefined;
}

/** The apps' executors of their container images, handed to the in-process fleet when it is built. */
export function appExecutors(
  api: ObjectApi,
  services: Pick<AppServices, 'config' | 'clusterKey'>,
  log: Logger,
  apps: AppDefinition[] = APPS,
): ContainerExecutor[] {
  return apps.flatMap((app) => app.executors?.(api, services, log) ?? []);
}

export interface AppStartOptions {
  log: Logger;
  /** Seed each app's demo data into a fresh store. */
  demo: boolean;
  /** Remembers which apps were seeded (a deleted demo is not seeded again). */
  settings: { get(key: string): Promise<string | null>; set(key: string, value: string): Promise<void> };
  /** What the apps' controllers and demo seeds are lent by the platform. */
  services: AppServices;
}

/**
 * The leader's part: installs every app's CRDs, waits until they are served, starts the apps' controllers beside
 * `controllers` (stopped and waited for with them), and seeds demo data in the background.
 */
export async function startApps(
  controllers: Controllers,
  ctx: ControllerContext,
  options: AppStartOptions,
  apps: AppDefinition[] = APPS,
): Promise<Controllers> {
  await installCrds(
    ctx.api,
    apps.flatMap((a) => a.crds),
  );
  const running = apps.flatMap((app) => app.controllers(ctx, options.services));
  const seeding = options.demo ? seedDemos(ctx.api, options, apps) : Promise.resolve();
  return {
    stop: async () => {
      await seeding;
      for (const c of running) c.stop();
      await controllers.stop();
    },
    idle: async () => {
      await controllers.idle();
      for (const c of running) await c.idle();
    },
  };
}

async function seedDemos(
  api: ObjectApi,
  { log, settings, services }: AppStartOptions,
  apps: AppDefinition[],
): Promise<void> {
  for (const app of apps) {
    if (!app.seedDemo) continue;
    const key = `demo.apps.${app.name}.seeded`;
    try {
      if ((await settings.get(key)) !== null) continue;
      const started = Date.now();
      await app.seedDemo(api, log, services);
      await settings.set(key, new Date().toISOString());
      log.info({ app: app.name, ms: Date.now() - started }, 'seeded the demo data of an application');
    } catch (err) {
      log.warn({ err, app: app.name }, 'could not seed the demo data of an application');
    }
  }
}
