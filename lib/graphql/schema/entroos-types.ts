import type { GraphQLObjectType, GraphQLOutputType } from 'graphql';
import type { TypeFactory } from './openapi-types.ts';
import {
  DECISION,
  history,
  LAB_RESULT,
  NODE_USAGE,
  PLACEMENT,
  PROOF,
  SCHEDULER,
  VERIFICATION,
} from './entroos-schemas.ts';

/** The entroos.io result types, generated from their schemas by the built-ins' factory (one name space). */
export interface EntroosTypes {
  decision: GraphQLObjectType;
  placement: GraphQLObjectType;
  proof: GraphQLObjectType;
  verification: GraphQLObjectType;
  nodeUsage: GraphQLObjectType;
  scheduler: GraphQLObjectType;
  history: GraphQLObjectType;
  labResult: GraphQLOutputType;
}

export function entroosTypes(factory: TypeFactory, historyFields: readonly string[]): EntroosTypes {
  const object = (schema: Parameters<TypeFactory['node']>[0], name: string) =>
    factory.node(schema, name) as GraphQLObjectType;
  return {
    decision: object(DECISION, 'SchedulingDecision'),
    placement: object(PLACEMENT, 'Placement'),
    proof: object(PROOF, 'PlacementProof'),
    verification: object(VERIFICATION, 'ProofVerification'),
    nodeUsage: object(NODE_USAGE, 'NodeUsage'),
    scheduler: object(SCHEDULER, 'SchedulerStatus'),
    history: object(history(historyFields), 'ClusterHistory'),
    labResult: factory.node(LAB_RESULT, 'LabResult'),
  };
}
