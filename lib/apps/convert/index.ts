import type { AppDefinition } from '../types.ts';
import { convertAdmission } from './admission.ts';
import { startConvertController } from './controller.ts';
import { CONVERT_CRDS } from './crds.ts';
import { convertExecutors } from './executor.ts';
import { convertApiRoutes } from './http.ts';
import { seedConversions } from './seed.ts';

export const convert: AppDefinition = {
  name: 'convert',
  title: 'File conversion',
  crds: CONVERT_CRDS,
  admission: convertAdmission,
  controllers: startConvertController,
  executors: convertExecutors,
  apiRoutes: convertApiRoutes,
  seedDemo: seedConversions,
};
