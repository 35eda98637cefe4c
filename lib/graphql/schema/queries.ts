import { GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLFieldConfigArgumentMap } from 'graphql';
import { isApiError } from '../../apimachinery/errors.ts';
import type { GraphqlContext } from '../context.ts';
import { rootNames } from '../names.ts';
import type { KindType } from './kinds.ts';
import { prefetchRelations } from './relations.ts';
import type { EntroosTypes } from './entroos-types.ts';
import type { Fields } from './openapi-types.ts';

// The Query root: for every resource a list (`pods`) and a get (`pod`), read from the watch cache through the
// object API the REST handlers use, each authorized as the REST request would be; and the entroos.io reads.

interface ListArgs {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number | null;
  continue?: string | null;
}

const str = { type: GraphQLString };
const requiredStr = { type: new GraphQLNonNull(GraphQLString) };

export function listArgs(namespaced: boolean): GraphQLFieldConfigArgumentMap {
  return {
    ...(namespaced ? { namespace: { ...str, description: 'Only this namespace (all when left out).' } } : {}),
    labelSelector: { ...str, description: 'A label selector, as kubectl -l takes it.' },
    fieldSelector: { ...str, description: 'A field selector (metadata.name=…, spec.nodeName=…, status.phase=…).' },
    limit: { type: GraphQLInt, description: 'At most this many items; `continue` then reads the next page.' },
    continue: str,
  };
}

export function kindQueries({ t, object, list }: KindType): Fields {
  const { one, many } = rootNames(t.kind, t.plural);
  return {
    [many]: {
      // Nullable, as every root field: a refused one is null with its error, the others still answer.
      type: list,
      description: `List ${t.plural}${t.group ? ` (${t.group})` : ''}, as GET ${t.group ? `/apis/${t.group}/${t.version}` : '/api/v1'}/${t.plural} does.`,
      args: listArgs(t.namespaced),
      resolve: (_source, args: ListArgs, ctx: GraphqlContext, info) => {
        const namespace = t.namespaced ? (args.namespace ?? undefined) : undefined;
        ctx.require('list', t, namespace);
        ctx.countRead('list');
        const page = ctx.deps.api.list(t, namespace, {
          labelSelector: args.labelSelector,
          fieldSelector: args.fieldSelector,
          limit: args.limit ?? undefined,
          continue: args.continue,
        });
        return prefetchRelations(t, page.items, info, ctx).then(() => page);
      },
    },
    [one]: {
      type: object,
      description: `One of the ${t.plural} by name (null when there is none).`,
      args: { ...(t.namespaced ? { namespace: requiredStr } : {}), name: requiredStr },
      resolve: (_source, args: { namespace?: string; name: string }, ctx: GraphqlContext) => {
        const namespace = t.namespaced ? args.namespace : undefined;
        ctx.require('get', t, namespace, args.name);
        ctx.countRead('get');
        try {
          return ctx.deps.api.get(t, namespace, args.name);
        } catch (err) {
          if (isApiError(err) && err.code === 404) return null;
          throw err;
        }
      },
    },
  };
}

export function entroosQueries(types: EntroosTypes): Fields {
  return {
    schedulingDecisions: {
      type: new GraphQLList(new GraphQLNonNull(types.decision)),
      description: "The scheduler's most recent decisions, newest first.",
      args: { limit: { type: GraphQLInt, defaultValue: 50 } },
      resolve: (_s, args: { limit: number }, ctx: GraphqlContext) => {
        ctx.require('list', 'scheduler');
        return ctx.deps.sources.recentDecisions(Math.min(Math.max(args.limit, 1), 200));
      },
    },
    schedulingDecision: {
      type: types.decision,
      description: 'The latest decision for a pod ("namespace/name" or its uid); null when none is recorded.',
      args: { pod: requiredStr },
      resolve: (_s, args: { pod: string }, ctx: GraphqlContext) => {
        ctx.require('list', 'scheduler');
        return ctx.deps.sources.decisions([podRef(args.pod)])[0];
      },
    },
    scheduler: {
      type: types.scheduler,
      resolve: (_s, _a, ctx: GraphqlContext) => {
        ctx.require('get', 'scheduler');
        return ctx.deps.sources.scheduler();
      },
    },
    placements: {
      type: new GraphQLList(new GraphQLNonNull(types.placement)),
      description: 'Placements with their proof batch, newest first.',
      args: { namespace: str, pod: str, node: str, status: str, limit: { type: GraphQLInt, defaultValue: 500 } },
      resolve: (_s, args: Record<string, string | number | undefined>, ctx: GraphqlContext) => {
        ctx.require('list', 'proofs');
        ctx.countRead('proofs');
        return ctx.deps.sources.listPlacements({
          namespace: args.namespace as string | undefined,
          pod: args.pod as string | undefined,
          node: args.node as string | undefined,
          status: args.status as string | undefined,
          limit: Math.min(Math.max(Number(args.limit), 1), 10_000),
        });
      },
    },
    proof: {
      type: types.proof,
      description: 'One proof with the placements it covers (null when there is none).',
      args: { id: requiredStr },
      resolve: (_s, args: { id: string }, ctx: GraphqlContext) => {
        ctx.require('get', 'proofs');
        ctx.countRead('proofs');
        return ctx.deps.sources.proof(args.id);
      },
    },
    history: {
      type: types.history,
      description: 'The cluster history over a window: 15m, 1h or 24h.',
      args: { window: { type: GraphQLString, defaultValue: '15m' } },
      resolve: (_s, args: { window: string }, ctx: GraphqlContext) => {
        ctx.require('list', 'nodes');
        return ctx.deps.sources.history(args.window);
      },
    },
  };
}

/** A pod named "namespace/name" or by uid, as the decision log looks it up. */
function podRef(pod: string) {
  const slash = pod.indexOf('/');
  return {
    metadata:
      slash < 0
        ? { name: '', uid: pod, resourceVersion: '' }
        : { namespace: pod.slice(0, slash), name: pod.slice(slash + 1), uid: pod, resourceVersion: '' },
  };
}
