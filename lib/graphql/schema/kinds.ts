import { GraphQLEnumType, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString } from 'graphql';
import { RESOURCE_TYPES, storedTypes, type ResourceType } from '../../apimachinery/registry.ts';
import { definitionName, type SchemaObject } from '../../apimachinery/schema.ts';
import { pascal } from '../names.ts';
import { TypeFactory, type KindOverride, type Source } from './openapi-types.ts';
import { entroosTypes, type EntroosTypes } from './entroos-types.ts';
import { kindExtras, type KindLookup } from './relations.ts';
import type { GraphqlContext } from '../context.ts';

// One GraphQL object type per served resource, at the version it is stored at (storedTypes: every built-in kind,
// and each custom resource's storage version): the built-ins from the upstream definitions (built once per copy of
// this module), the custom resources from their CRD's schema (built with every schema, since CRDs come and go).
// Each kind also has a list type (one page of a list) and a watch event type (what subscriptions deliver).

const RESERVED = ['Query', 'Mutation', 'Subscription', 'JSON', 'Long', 'IntOrString', 'Quantity', 'PatchType'];
const OBJECT_META = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export interface KindType {
  t: ResourceType;
  object: GraphQLObjectType;
  list: GraphQLObjectType;
  event: GraphQLObjectType;
}

export const WatchEventType = new GraphQLEnumType({
  name: 'WatchEventType',
  description: 'What happened to the object, as a Kubernetes watch says it (entering or leaving a selection too).',
  values: { ADDED: {}, MODIFIED: {}, DELETED: {} },
});

interface Builtins {
  factory: TypeFactory;
  kinds: Map<string, KindType>;
  entroos: EntroosTypes;
}

let builtins: Builtins | undefined;

function wrappers(factory: TypeFactory, t: ResourceType, object: GraphQLObjectType): KindType {
  const list = new GraphQLObjectType<Source, GraphqlContext>({
    name: factory.claim(`${object.name}List`),
    description: `One page of ${t.plural}: the items, and the resourceVersion to watch from.`,
    fields: {
      items: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(object))) },
      resourceVersion: { type: new GraphQLNonNull(GraphQLString) },
      continue: { type: GraphQLString, description: 'Pass as `continue` to read the next page.' },
      remainingItemCount: { type: GraphQLInt },
    },
  });
  const event = new GraphQLObjectType<Source, GraphqlContext>({
    name: factory.claim(`${object.name}WatchEvent`),
    description: `A change to one of the ${t.plural} a subscription selects.`,
    fields: {
      type: { type: new GraphQLNonNull(WatchEventType) },
      object: { type: new GraphQLNonNull(object) },
      resourceVersion: {
        type: new GraphQLNonNull(GraphQLString),
        description: 'Resume a subscription from here (its resourceVersion argument) to miss nothing.',
      },
    },
  });
  return { t, object, list, event };
}

/** The built-in kinds' types, and the entroos.io types they refer to (built once, on first use). */
export function builtinTypes(historyFields: readonly string[]): Builtins {
  if (builtins) return builtins;
  const overrides = new Map<string, KindOverride>();
  const factory = new TypeFactory(overrides, RESERVED);
  const kinds = new Map<string, KindType>();
  const lookup: KindLookup = {
    kind: (key) => {
      const found = kinds.get(key);
      if (!found) throw new Error(`the GraphQL schema has no type for ${key}`);
      return found.object;
    },
    entroos: entroosTypes(factory, historyFields),
  };
  const served = RESOURCE_TYPES.flatMap((t) => {
    const definition = definitionName(t.group, t.version, t.kind);
    return definition ? [{ t, definition }] : [];
  });
  for (const { t, definition } of served)
    overrides.set(definition, { name: t.kind, extra: () => kindExtras(t, lookup) });
  for (const { t, definition } of served)
    kinds.set(t.key, wrappers(factory, t, factory.definition(definition) as GraphQLObjectType));
  builtins = { factory, kinds, entroos: lookup.entroos };
  return builtins;
}

/** Every served resource's types: the built-ins', and the custom resources' built now in their own factory. */
export function allKindTypes(historyFields: readonly string[]): { kinds: KindType[]; entroos: EntroosTypes } {
  const base = builtinTypes(historyFields);
  const factory = new TypeFactory(new Map(), [], base.factory);
  const lookup: KindLookup = {
    kind: (key) => {
      const found = base.kinds.get(key);
      if (!found) throw new Error(`the GraphQL schema has no type for ${key}`);
      return found.object;
    },
    entroos: base.entroos,
  };
  const kinds: KindType[] = [];
  for (const t of storedTypes()) {
    if (!t.crd) {
      const builtin = base.kinds.get(t.key);
      if (builtin) kinds.push(builtin);
      continue;
    }
    const version = t.crd.spec.versions.find((v) => v.name === t.version);
    const schema = (version?.schema?.openAPIV3Schema ?? { type: 'object' }) as SchemaObject;
    const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...properties } = schema.properties ?? {};
    const kindSchema: SchemaObject = {
      ...schema,
      description: schema.description ?? `${t.kind} (${t.group}/${t.version}), a custom resource.`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: OBJECT_META },
        ...properties,
      },
    };
    const name = factory.claim(pascal(t.kind));
    const object = factory.objectType(name, kindSchema, { name, extra: () => kindExtras(t, lookup) });
    kinds.push(wrappers(factory, t, object));
  }
  return { kinds, entroos: base.entroos };
}
