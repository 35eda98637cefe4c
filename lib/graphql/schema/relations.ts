import { GraphQLList, GraphQLNonNull, type GraphQLObjectType } from 'graphql';
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

const RELATIONS: Record<string, (lookup: KindLookup) => Fields> = {
  pods: (lookup) => ({
    node: {
      type: lookup.kind('nodes'),
      description: 'The node the pod is bound to (spec.nodeName).',
      resolve: (source, _args, ctx: GraphqlContext) => {
        const name = (obj(source).spec as { nodeName?: string } | undefined)?.nodeName;
        if (!name) return null;
        ctx.require('get', typeByKey('nodes'), undefined, name);
        return ctx.loaders.node.load(name);
      },
    },
    decision: {
      type: lookup.entroos.decision,
      description: "The scheduler's latest decision for this pod (null when none is recorded).",
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('get', 'scheduler');
        return ctx.loaders.decision.load(obj(source));
      },
    },
    proof: {
      type: lookup.entroos.placement,
      description: "The pod's placement and its proof batch (null until proved).",
      resolve: (source, _args, ctx: GraphqlContext) => {
        ctx.require('get', 'proofs');
        return ctx.loaders.placement.load(obj(source));
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
