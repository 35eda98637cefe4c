import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
} from 'graphql';
import { pascal } from '../names.ts';
import type { GraphqlContext } from '../context.ts';
import { JSONScalar } from './scalars.ts';
import type { KindType } from './kinds.ts';
import type { EntroosTypes } from './entroos-types.ts';
import type { Fields } from './openapi-types.ts';
import { applyObject, createObject, deleteObject, patchObject, replaceObject, scaleObject } from '../writes.ts';

// The Mutation root: create, replace, patch (merge, JSON, strategic, server-side apply), delete and scale for every
// resource, written through the object API with the REST handler's admission, validation and authorization
// (writes.ts); and the entroos.io actions (verify proofs, run the policy lab).

export const PatchType = new GraphQLEnumType({
  name: 'PatchType',
  description: 'How `patch` is applied, as the REST API reads its Content-Type.',
  values: {
    MERGE: { value: 'merge', description: 'application/merge-patch+json (RFC 7386).' },
    JSON: { value: 'json', description: 'application/json-patch+json (RFC 6902): patch is a list of operations.' },
    STRATEGIC: { value: 'strategic', description: 'application/strategic-merge-patch+json (built-in kinds).' },
    APPLY: { value: 'apply', description: 'Server-side apply (application/apply-patch+yaml): needs fieldManager.' },
  },
});

const str = { type: GraphQLString };
const requiredStr = { type: new GraphQLNonNull(GraphQLString) };
const body = { type: new GraphQLNonNull(JSONScalar) };
const dryRun = { type: GraphQLBoolean, description: 'Check everything, store nothing (dryRun=All).' };
const writeArgs: GraphQLFieldConfigArgumentMap = {
  dryRun,
  fieldManager: { ...str, description: 'Who the change is recorded for in managedFields (default "graphql").' },
  fieldValidation: { ...str, description: 'Strict, Warn (the default) or Ignore: what to do with unknown fields.' },
};

export interface WriteArgs {
  namespace?: string | null;
  name?: string;
  body?: unknown;
  patch?: unknown;
  type?: 'merge' | 'json' | 'strategic' | 'apply';
  dryRun?: boolean | null;
  fieldManager?: string | null;
  fieldValidation?: string | null;
  force?: boolean | null;
  propagationPolicy?: string | null;
  gracePeriodSeconds?: number | null;
  replicas?: number;
}

export function kindMutations({ t, object }: KindType): Fields {
  const name = pascal(object.name);
  const ns: GraphQLFieldConfigArgumentMap = t.namespaced ? { namespace: requiredStr } : {};
  const named: GraphQLFieldConfigArgumentMap = { ...ns, name: requiredStr };
  const optionalNs: GraphQLFieldConfigArgumentMap = t.namespaced ? { namespace: str } : {};
  const fields: Fields = {
    [`create${name}`]: {
      type: object,
      description: `Create one of the ${t.plural} (POST).`,
      args: { ...optionalNs, body, ...writeArgs },
      resolve: (_s, args: WriteArgs, ctx: GraphqlContext) => createObject(ctx, t, args),
    },
    [`replace${name}`]: {
      type: object,
      description: `Replace one of the ${t.plural} (PUT); metadata.resourceVersion in the body makes it conditional.`,
      args: { ...named, body, ...writeArgs },
      resolve: (_s, args: WriteArgs, ctx: GraphqlContext) => replaceObject(ctx, t, args),
    },
    [`patch${name}`]: {
      type: object,
      description: `Patch one of the ${t.plural} (PATCH); type APPLY is server-side apply and may create it.`,
      args: {
        ...named,
        patch: body,
        type: { type: PatchType, defaultValue: 'merge' },
        force: { type: GraphQLBoolean, description: 'APPLY only: take over fields other managers own.' },
        ...writeArgs,
      },
      resolve: (_s, args: WriteArgs, ctx: GraphqlContext) =>
        args.type === 'apply' ? applyObject(ctx, t, args) : patchObject(ctx, t, args),
    },
    [`delete${name}`]: {
      type: object,
      description: `Delete one of the ${t.plural} (DELETE); returns it as deleted, or as being deleted (finalizers, grace).`,
      args: {
        ...named,
        propagationPolicy: { ...str, description: 'Foreground, Background or Orphan.' },
        gracePeriodSeconds: { type: GraphQLInt },
        dryRun,
      },
      resolve: (_s, args: WriteArgs, ctx: GraphqlContext) => deleteObject(ctx, t, args),
    },
  };
  if (t.subresources.includes('scale'))
    fields[`scale${name}`] = {
      type: object,
      description: `Set the replicas of one of the ${t.plural} (its scale subresource).`,
      args: { ...named, replicas: { type: new GraphQLNonNull(GraphQLInt) }, dryRun },
      resolve: (_s, args: WriteArgs, ctx: GraphqlContext) => scaleObject(ctx, t, args),
    };
  return fields;
}

export function entroosMutations(types: EntroosTypes): Fields {
  return {
    verifyProofs: {
      type: types.verification,
      description: 'Verify stored proofs on the server in one batch (these ids, or the oldest 1,000).',
      args: { ids: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) } },
      resolve: (_s, args: { ids?: string[] | null }, ctx: GraphqlContext) => {
        ctx.require('get', 'proofs');
        return ctx.deps.sources.verifyProofs(args.ids ?? undefined);
      },
    },
    runPolicyLab: {
      type: types.labResult,
      description:
        'Replay a workload under several profiles in isolated clusters and compare them (the body of POST /apis/entroos.io/v1/scheduler/lab).',
      args: { input: body },
      resolve: (_s, args: { input: unknown }, ctx: GraphqlContext) => {
        ctx.require('create', 'scheduler');
        return ctx.deps.sources.runLab(args.input);
      },
    },
  };
}
