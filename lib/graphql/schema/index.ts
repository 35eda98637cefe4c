import { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { typesGeneration } from '../../apimachinery/registry.ts';
import type { GraphqlContext } from '../context.ts';
import { allKindTypes } from './kinds.ts';
import { entroosQueries, kindQueries } from './queries.ts';
import { entroosMutations, kindMutations } from './mutations.ts';
import { kindSubscriptions } from './subscriptions.ts';
import type { Fields, Source } from './openapi-types.ts';

// The schema, generated from the resource registry: rebuilt when the served types change (a CRD established or
// deleted bumps the registry's generation), so custom resources appear and leave with their CRDs. GraphQL types
// are checked by identity, so the schema is kept per copy of this module (server.ts's for WebSockets, the route
// bundle's for HTTP), never shared through globalThis.

export interface SchemaOptions {
  /** The fields of a history point (lib/history's HISTORY_FIELDS, handed in by the edge). */
  historyFields: readonly string[];
}

let cached: { generation: number; schema: GraphQLSchema } | undefined;

/** Resources GraphQL serves: those that can be read (access reviews are asked with REST's POST alone). */
const readable = (verbs: string[]) => verbs.includes('get') && verbs.includes('list');

export function buildSchema(options: SchemaOptions): GraphQLSchema {
  const { kinds, entroos } = allKindTypes(options.historyFields);
  const query: Fields = {};
  const mutation: Fields = {};
  const subscription: Fields = {};
  const add = (target: Fields, fields: Fields, owner: string) => {
    for (const [name, field] of Object.entries(fields)) {
      // Two resources wanting one root name (a CRD named like a built-in): the first served keeps it.
      if (target[name]) continue;
      target[name] = { ...field, description: field.description ?? owner };
    }
  };
  for (const kind of kinds) {
    if (!readable(kind.t.verbs)) continue;
    add(query, kindQueries(kind), kind.t.key);
    add(mutation, kindMutations(kind), kind.t.key);
    if (kind.t.verbs.includes('watch')) add(subscription, kindSubscriptions(kind), kind.t.key);
  }
  add(query, entroosQueries(entroos), 'entroos.io');
  add(mutation, entroosMutations(entroos), 'entroos.io');
  const root = (name: string, fields: Fields, description: string) =>
    new GraphQLObjectType<Source, GraphqlContext>({ name, fields, description });
  return new GraphQLSchema({
    query: root('Query', query, 'Reads: every resource (a list and a get), and the entroos.io APIs.'),
    mutation: root('Mutation', mutation, 'Writes, as the REST API makes them.'),
    subscription: root('Subscription', subscription, 'Changes, as watches deliver them.'),
  });
}

/** The schema for the types served now (built again after a CRD change). */
export function currentSchema(options: SchemaOptions): GraphQLSchema {
  const generation = typesGeneration();
  if (cached?.generation !== generation) cached = { generation, schema: buildSchema(options) };
  return cached.schema;
}
