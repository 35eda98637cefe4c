import {
  GraphQLList,
  GraphQLNonNull,
  Kind,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { typeByKey, type ResourceType } from '../../apimachinery/registry.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import type { GraphqlContext } from '../context.ts';
import type { EntroosTypes } from './entroos-types.ts';
import type { Fields, Source } from './openapi-types.ts';
import { JSONScalar } from './scalars.ts';

// The fields that join one object to others: pod → node, decision, proof, events; deployment → replicaSets;
// replicaSet → pods; node → pods, usage. Each asks the authorizer for the type it reaches (in the object's
// namespace), as a REST request for it would be asked, then its batching loader.

export interface KindLookup {
  kind(key: string): GraphQLObjectType;
  entroos: EntroosTypes;
}

const obj = (source: Source) => source as KubeObject;
const nsOf = (o: KubeObject) => o.metadata.namespace;
const owned = (o: KubeObject) => ({ namespace: nsOf(o), uid: o.metadata.uid });
// Nullable: a relation the caller may not read is null with its error, and the object around it stays.
const listOf = (type: GraphQLObjectType) => new GraphQLList(new GraphQLNonNull(type));

function eventsField(lookup: KindLookup): Fields {
  return {
    events: {
      type: listOf(lookup.kind('events')),
      description: 'The events about this object (those whose involvedObject.uid is its uid).',
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('list', typeByKey('events'), nsOf(obj(source)));
        return ctx.loaders.events.load(owned(obj(source)));
      },
    },
  };
}

const nodeNameOf = (o: KubeObject) => (o.spec as { nodeName?: string } | undefined)?.nodeName;

/** A relation read ahead for the page (prefetchRelations), else undefined: the field then asks its loader. */
function prefetched(ctx: GraphqlContext, relation: string, key: string): { value: unknown } | undefined {
  const values = ctx.prefetched.get(relation);
  return values?.has(key) ? { value: values.get(key) } : undefined;
}

const RELATIONS: Record<string, (lookup: KindLookup) => Fields> = {
  pods: (lookup) => ({
    node: {
      type: lookup.kind('nodes'),
      description: 'The node the pod is bound to (spec.nodeName).',
      resolve: (source, _args, ctx: GraphqlContext) => {
        const name = nodeNameOf(obj(source));
        if (!name) return null;
        ctx.require('get', typeByKey('nodes'), undefined, name);
        return (prefetched(ctx, 'node', name) ?? { value: ctx.loaders.node.load(name) }).value;
      },
    },
    decision: {
      type: lookup.entroos.decision,
      description: "The scheduler's latest decision for this pod (null when none is recorded).",
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('get', 'scheduler');
        const pod = obj(source);
        return (prefetched(ctx, 'decision', pod.metadata.uid) ?? { value: ctx.loaders.decision.load(pod) }).value;
      },
    },
    proof: {
      type: lookup.entroos.placement,
      description: "The pod's placement and its proof batch (null until proved).",
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('get', 'proofs');
        const pod = obj(source);
        return (prefetched(ctx, 'proof', pod.metadata.uid) ?? { value: ctx.loaders.placement.load(pod) }).value;
      },
    },
    ...eventsField(lookup),
  }),
  nodes: (lookup) => ({
    pods: {
      type: listOf(lookup.kind('pods')),
      description: 'The pods bound to this node, in every namespace.',
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('list', typeByKey('pods'));
        return ctx.loaders.podsOnNode.load(obj(source).metadata.name);
      },
    },
    usage: {
      type: lookup.entroos.nodeUsage,
      description: "The node's live usage from its agent (as `kubectl top node`); null when no agent reports it.",
      resolve: (source, _args, ctx: GraphqlContext) => {
        const name = obj(source).metadata.name;
        ctx.require('get', { group: 'metrics.k8s.io', plural: 'nodes' }, undefined, name);
        return ctx.loaders.nodeUsage.load(name);
      },
    },
  }),
  'deployments.apps': (lookup) => ({
    replicaSets: {
      type: listOf(lookup.kind('replicasets.apps')),
      description: 'The ReplicaSets this Deployment owns.',
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('list', typeByKey('replicasets.apps'), nsOf(obj(source)));
        return ctx.loaders.ownedReplicaSets.load(owned(obj(source)));
      },
    },
    ...eventsField(lookup),
  }),
  'replicasets.apps': (lookup) => ({
    pods: {
      type: listOf(lookup.kind('pods')),
      description: 'The pods this ReplicaSet owns.',
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('list', typeByKey('pods'), nsOf(obj(source)));
        return ctx.loaders.ownedPods.load(owned(obj(source)));
      },
    },
    ...eventsField(lookup),
  }),
};

/** Fields every kind has beyond its schema: `raw`, its relations, and for Secrets the guarded values. */
export function kindExtras(t: ResourceType, lookup: KindLookup): Fields {
  const fields: Fields = {
    raw: {
      type: JSONScalar,
      description: 'The whole object, as the REST API returns it.',
      resolve: (source, _args, ctx: GraphqlContext) => {
        guardSecret(t, obj(source), ctx);
        return source;
      },
    },
    ...(t.crd ? {} : (RELATIONS[t.key]?.(lookup) ?? {})),
  };
  if (!t.crd && t.key === 'secrets')
    fields.data = {
      type: JSONScalar,
      description: "The Secret's values (base64), for those who may get this Secret.",
      resolve: (source, _args, ctx: GraphqlContext) => {
        guardSecret(t, obj(source), ctx);
        return source.data;
      },
    };
  return fields;
}

/** A Secret's values are read only by those who may get it (whatever path led to it). */
function guardSecret(t: ResourceType, o: KubeObject, ctx: GraphqlContext) {
  if (t.key === 'secrets' && !t.crd) ctx.require('get', t, nsOf(o), o.metadata.name);
}

/** The fields selected on a list's items (through fragments too). */
function itemFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const collect = (set: SelectionSetNode | undefined, within: boolean) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, within);
      else if (s.kind === Kind.FRAGMENT_SPREAD) collect(info.fragments[s.name.value]?.selectionSet, within);
      else if (within) names.add(s.name.value);
      else if (s.name.value === 'items') collect(s.selectionSet, true);
    }
  };
  for (const node of info.fieldNodes) collect(node.selectionSet, false);
  return names;
}

/**
 * A page of pods' relations read before its items' fields run — the same one read per relation the loaders make,
 * only ahead: the items then resolve synchronously instead of each waiting on three loaders, which made a
 * 1,000-pod query spend more time in promise bookkeeping than in reading. Only relations the query selects and the
 * caller may read are read; each field still authorizes itself.
 */
export async function prefetchRelations(
  t: ResourceType,
  items: readonly KubeObject[],
  info: GraphQLResolveInfo,
  ctx: GraphqlContext,
): Promise<void> {
  if (t.key !== 'pods' || t.crd || items.length < 2) return;
  const selected = itemFields(info);
  const { api, sources } = ctx.deps;
  if (selected.has('node')) {
    ctx.countRead('nodes');
    const nodes = typeByKey('nodes');
    const values = new Map<string, unknown>();
    for (const pod of items) {
      const name = nodeNameOf(pod);
      if (name && !values.has(name)) values.set(name, api.peek(nodes, undefined, name) ?? null);
    }
    ctx.prefetched.set('node', values);
  }
  if (selected.has('decision') && ctx.can('get', 'scheduler')) {
    ctx.countRead('decisions');
    const decisions = sources.decisions(items);
    ctx.prefetched.set('decision', new Map(items.map((pod, i) => [pod.metadata.uid, decisions[i] ?? null])));
  }
  if (selected.has('proof') && ctx.can('get', 'proofs')) {
    ctx.countRead('proofs');
    const rows = await sources.placements(items);
    const byUid = new Map<string, unknown>(rows.map((row) => [String(row.podUid), row]));
    ctx.prefetched.set('proof', new Map(items.map((pod) => [pod.metadata.uid, byUid.get(pod.metadata.uid) ?? null])));
  }
}
