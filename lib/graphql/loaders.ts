import DataLoader from 'dataloader';
import { typeByKey } from '../apimachinery/registry.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import type { Json } from './deps.ts';
import type { GraphqlContext } from './context.ts';

// The relations' batching (one set of loaders per operation): every pod's node, decision, proof and events are
// asked for during one tick of execution and read in one batch each, so a query for 1,000 pods with their node,
// decision and proof makes a handful of reads, not 3,000. Each batch counts one read in ctx.reads.

interface OwnedKey {
  namespace: string | undefined;
  uid: string;
}

export interface Loaders {
  node: DataLoader<string, KubeObject | null>;
  decision: DataLoader<KubeObject, Json | null, string>;
  placement: DataLoader<KubeObject, Json | null, string>;
  events: DataLoader<OwnedKey, KubeObject[], string>;
  ownedReplicaSets: DataLoader<OwnedKey, KubeObject[], string>;
  ownedPods: DataLoader<OwnedKey, KubeObject[], string>;
  podsOnNode: DataLoader<string, KubeObject[]>;
  nodeUsage: DataLoader<string, Json | null>;
}

const uidOf = (o: KubeObject) => o.metadata.uid;
const ownedKey = (k: OwnedKey) => `${k.namespace ?? ''}/${k.uid}`;

/** Objects of `storeKey` in the keys' namespaces (one list per namespace), grouped by `index`. */
function grouped(
  ctx: GraphqlContext,
  storeKey: string,
  keys: readonly OwnedKey[],
  index: (o: KubeObject) => string[],
): KubeObject[][] {
  ctx.countRead(storeKey);
  const byUid = new Map<string, KubeObject[]>();
  for (const namespace of new Set(keys.map((k) => k.namespace))) {
    for (const o of ctx.deps.api.cache.list(storeKey, namespace).items) {
      for (const uid of index(o)) {
        let list = byUid.get(uid);
        if (!list) byUid.set(uid, (list = []));
        list.push(o);
      }
    }
  }
  return keys.map((k) => byUid.get(k.uid) ?? []);
}

const ownerUids = (o: KubeObject) =>
  ((o.metadata.ownerReferences as { uid?: string }[] | undefined) ?? []).flatMap((r) => (r.uid ? [r.uid] : []));

export function createLoaders(ctx: GraphqlContext): Loaders {
  const { api, sources, nodes } = ctx.deps;
  return {
    node: new DataLoader(async (names) => {
      ctx.countRead('nodes');
      const t = typeByKey('nodes');
      return names.map((name) => api.peek(t, undefined, name) ?? null);
    }),
    decision: new DataLoader(
      async (pods) => {
        ctx.countRead('decisions');
        return sources.decisions(pods);
      },
      { cacheKeyFn: uidOf },
    ),
    placement: new DataLoader(
      async (pods) => {
        ctx.countRead('proofs');
        const rows = await sources.placements(pods);
        const byUid = new Map(rows.map((row) => [String(row.podUid), row]));
        return pods.map((p) => byUid.get(p.metadata.uid) ?? null);
      },
      { cacheKeyFn: uidOf },
    ),
    events: new DataLoader(
      async (keys) =>
        grouped(ctx, 'events', keys, (e) => {
          const uid = (e.involvedObject as { uid?: string } | undefined)?.uid;
          return uid ? [uid] : [];
        }),
      { cacheKeyFn: ownedKey },
    ),
    ownedReplicaSets: new DataLoader(async (keys) => grouped(ctx, 'replicasets.apps', keys, ownerUids), {
      cacheKeyFn: ownedKey,
    }),
    ownedPods: new DataLoader(async (keys) => grouped(ctx, 'pods', keys, ownerUids), { cacheKeyFn: ownedKey }),
    podsOnNode: new DataLoader(async (names) => {
      ctx.countRead('pods');
      const byNode = new Map<string, KubeObject[]>();
      for (const pod of api.cache.list('pods').items) {
        const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
        if (!node) continue;
        let list = byNode.get(node);
        if (!list) byNode.set(node, (list = []));
        list.push(pod);
      }
      return names.map((n) => byNode.get(n) ?? []);
    }),
    nodeUsage: new DataLoader(async (names) => {
      ctx.countRead('usage');
      const usage = await nodes.usage([...names]);
      return names.map((n) => {
        const u = usage.node(n);
        return u ? { node: n, cpuMilli: u.cpuMilli, memoryBytes: u.memoryBytes } : null;
      });
    }),
  };
}
