import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { processGlobal } from '../global.ts';

// What one operation may cost, checked before it runs: the query text's size and tokens (the parser stops early),
// the nesting depth (relations loop: pod → node → pods → node…), and a complexity estimate (every field costs 1,
// a list multiplies what is under it by its `limit`, else by an assumed size). And persisted operations: a client
// may send the sha256 of a query the server has seen instead of the query (Apollo's automatic persisted queries).

export const LIMITS = {
  /** Characters of query text. */
  maxQueryChars: 100_000,
  /** Tokens the parser reads before it gives up. */
  maxTokens: 20_000,
  maxDepth: 15,
  maxComplexity: 100_000,
  /** What a list without a `limit` is assumed to hold: a root list, and a relation (a pod's events…). */
  assumedRootList: 100,
  assumedRelationList: 10,
  maxPersisted: 10_000,
};

/** A validation rule refusing operations nested deeper than `max` fields (fragments followed). */
export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const s of set.selections) {
        let d = 0;
        if (s.kind === Kind.FIELD) d = s.name.value.startsWith('__') ? 0 : 1 + depthOf(s.selectionSet, seen);
        else if (s.kind === Kind.INLINE_FRAGMENT) d = depthOf(s.selectionSet, seen);
        else if (!seen.has(s.name.value)) {
          const fragment = fragments.get(s.name.value);
          d = depthOf(fragment?.selectionSet, new Set([...seen, s.name.value]));
        }
        deepest = Math.max(deepest, d);
        if (deepest > max) return deepest;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max)
          context.reportError(
            new GraphQLError(`the operation nests ${depth} fields deep; at most ${max} are allowed`, {
              nodes: [node],
              extensions: { code: 'DEPTH_LIMIT' },
            }),
          );
      },
    };
  };
}

/** The estimated cost of the operation `name` (or the only one) in `document`. */
export function complexity(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 0;
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return 0;

  const limitOf = (field: FieldNode): number | undefined => {
    const arg = field.arguments?.find((a) => a.name.value === 'limit');
    return arg?.value.kind === Kind.INT ? Number(arg.value.value) : undefined;
  };
  const cost = (
    set: SelectionSetNode | undefined,
    type: GraphQLObjectType,
    pageSize: number | undefined,
    seen: Set<string>,
  ): number => {
    if (!set) return 0;
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) total += cost(s.selectionSet, type, pageSize, seen);
      else if (s.kind === Kind.FRAGMENT_SPREAD) {
        if (seen.has(s.name.value)) continue;
        total += cost(fragments.get(s.name.value)?.selectionSet, type, pageSize, new Set([...seen, s.name.value]));
      } else {
        const def = type.getFields()[s.name.value];
        if (!def) continue;
        const limit = limitOf(s) ?? pageSize;
        const named = getNamedType(def.type);
        const inner = isObjectType(named) ? cost(s.selectionSet, named, limit, seen) : 0;
        const list = isListType(getNullableType(def.type));
        const size = list
          ? s.name.value === 'items'
            ? (limit ?? LIMITS.assumedRootList)
            : LIMITS.assumedRelationList
          : 1;
        total += 1 + size * inner;
      }
    }
    return total;
  };
  return cost(operation.selectionSet, root, undefined, new Set());
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Queries seen with their hash (one map per process: the route bundle and server.ts's WebSockets share it). */
function persisted(): Map<string, string> {
  return processGlobal('graphql.persistedOperations', () => new Map<string, string>());
}

export interface PersistedExtension {
  version?: number;
  sha256Hash?: string;
}

/**
 * The query to run: the one sent (registered under its hash when a hash came with it), or the one registered
 * under the hash sent alone. An unknown hash is PersistedQueryNotFound: the client sends the query with it.
 */
export function resolvePersisted(query: string | undefined, extension: PersistedExtension | undefined): string {
  const hash = extension?.sha256Hash;
  if (hash === undefined) {
    if (!query)
      throw new GraphQLError('send a query (or a persisted query hash)', { extensions: { code: 'BAD_REQUEST' } });
    return query;
  }
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
    throw new GraphQLError('persistedQuery.sha256Hash must be 64 lower-case hex digits', {
      extensions: { code: 'BAD_REQUEST' },
    });
  const store = persisted();
  if (!query) {
    const known = store.get(hash);
    if (!known) throw new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    // Recently used hashes stay (a Map keeps insertion order: the oldest is evicted first).
    store.delete(hash);
    store.set(hash, known);
    return known;
  }
  if (sha256(query) !== hash)
    throw new GraphQLError('the query does not match persistedQuery.sha256Hash', {
      extensions: { code: 'BAD_REQUEST' },
    });
  store.set(hash, query);
  if (store.size > LIMITS.maxPersisted) store.delete(store.keys().next().value as string);
  return query;
}
