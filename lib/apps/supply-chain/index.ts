import type { AppDefinition } from '../types.ts';
import { supplyChainAdmission } from './admission.ts';
import { supplyChainPolicies } from './enforce.ts';
import { startSupplyChainController } from './controller.ts';
import { SUPPLY_CHAIN_CRDS } from './crds.ts';
import { seedCoffeeChain } from './seed.ts';

export const supplyChain: AppDefinition = {
  name: 'supply-chain',
  title: 'Supply-chain verifier',
  crds: SUPPLY_CHAIN_CRDS,
  admission: supplyChainAdmission,
  policies: supplyChainPolicies,
  controllers: (ctx, { prover }) => startSupplyChainController(ctx, prover),
  seedDemo: seedCoffeeChain,
};
