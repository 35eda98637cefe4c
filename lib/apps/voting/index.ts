import type { AppDefinition } from '../types.ts';
import { votingAdmission, votingPolicies } from './admission.ts';
import { startVotingController } from './controller.ts';
import { VOTING_CRDS } from './crds.ts';

export const voting: AppDefinition = {
  name: 'voting',
  title: 'Zero-knowledge voting',
  crds: VOTING_CRDS,
  admission: votingAdmission,
  policies: votingPolicies,
  controllers: startVotingController,
};
