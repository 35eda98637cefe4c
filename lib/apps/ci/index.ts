import type { AppDefinition } from '../types.ts';
import { ciAdmission } from './admission.ts';
import { startCiController } from './controller.ts';
import { CI_CRDS } from './crds.ts';
import { seedCiDemo } from './seed.ts';
import { ciApiRoutes } from './http.ts';

export const ci: AppDefinition = {
  name: 'ci',
  title: 'Decentralized CI/CD',
  crds: CI_CRDS,
  admission: ciAdmission,
  controllers: (ctx, services) => startCiController(ctx, services),
  apiRoutes: ciApiRoutes,
  seedDemo: seedCiDemo,
};
