import { GraphQLString } from 'graphql';
import { isApiError } from '../../apimachinery/errors.ts';
import type { GraphqlContext } from '../context.ts';
import { rootNames } from '../names.ts';
import { resolveWatchItem, watchObjects, type WatchArgs, type WatchItem } from '../subscriptions.ts';
import type { KindType } from './kinds.ts';
import { listArgs } from './queries.ts';
import type { Fields } from './openapi-types.ts';

// The Subscription root: a watch of every resource (`pods`, `deployments`…) with the list's selectors and a
// resourceVersion to resume from. Each subscription is authorized as a REST watch and recorded in the audit trail.

export function kindSubscriptions({ t, event }: KindType): Fields {
  const { many } = rootNames(t.kind, t.plural);
  const { limit: _limit, continue: _continue, ...selectors } = listArgs(t.namespaced);
  return {
    [many]: {
      type: event,
      description: `Every change to the ${t.plural} selected, once and in order. Without resourceVersion it starts now; with the resourceVersion of a list or of the last event seen it resumes there (an error with code Expired means list again).`,
      args: {
        ...selectors,
        resourceVersion: {
          type: GraphQLString,
          description: 'Resume after this version (changes since are replayed).',
        },
      },
      subscribe: (_source, args: WatchArgs, ctx: GraphqlContext) => {
        const namespace = t.namespaced ? (args.namespace ?? undefined) : undefined;
        const record = (code: number, message?: string) =>
          ctx.deps.audit?.({
            principal: ctx.principal,
            verb: 'watch',
            resource: { group: t.group, resource: t.plural, namespace },
            code,
            message,
            transport: ctx.request.transport,
            sourceIP: ctx.request.sourceIP,
            userAgent: ctx.request.userAgent,
          });
        try {
          const iterator = watchObjects(ctx, t, args);
          record(200);
          return iterator;
        } catch (err) {
          record(isApiError(err) ? err.code : 500, isApiError(err) ? err.message : 'internal error');
          throw err;
        }
      },
      // The source of a subscription's payload is what the iterator yields, not an object.
      resolve: (item) => resolveWatchItem(item as unknown as WatchItem),
    },
  };
}
