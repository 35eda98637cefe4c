import '#server-only';
import { badRequest, invalid, isApiError } from '../apimachinery/errors.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import type { EntroosSources, Json } from '../graphql/deps.ts';
import { isHistoryWindow, WINDOWS } from '../history/series.ts';
import { schedulerStatus } from '../scheduler/http.ts';
import { labRequestSchema, runLab } from '../scheduler/lab.ts';
import { DECISION_ANNOTATION } from '../scheduler/scheduler.ts';
import type { Platform } from '../platform.ts';
import { causesFrom } from './errors.ts';
import { leaderServices } from './leader.ts';

// The entroos.io APIs as the GraphQL layer reads them: the same services the REST routes under
// app/apis/entroos.io call. Results are made plain JSON (dates as RFC 3339 strings), as the REST routes send them.

const plain = <T>(value: T): Json => JSON.parse(JSON.stringify(value)) as Json;

/** A pod's decision from its scheduling annotation (what the scheduler wrote with the binding): on any instance. */
function fromAnnotation(pod: KubeObject): Json | null {
  const text = (pod.metadata.annotations as Record<string, string> | undefined)?.[DECISION_ANNOTATION];
  if (!text) return null;
  try {
    const a = JSON.parse(text) as {
      node?: string;
      profile?: string;
      feasible?: string;
      entropy?: { before?: number; after?: number };
      top?: string[];
    };
    const [feasible, nodes] = (a.feasible ?? '').split('/').map(Number);
    const pod_ = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    return {
      pod: pod_,
      uid: pod.metadata.uid,
      profile: a.profile,
      result: 'Scheduled',
      node: a.node,
      message: `Successfully assigned ${pod_} to ${a.node ?? ''}`,
      nodes,
      feasible,
      entropyBefore: a.entropy?.before,
      entropyAfter: a.entropy?.after,
      top: (a.top ?? []).map((t) => {
        const at = t.lastIndexOf('=');
        return { node: t.slice(0, at), score: Number(t.slice(at + 1)) };
      }),
    };
  } catch {
    return null;
  }
}

export function entroosSources(platform: Platform): EntroosSources {
  return {
    decisions: (pods) => {
      const log = platform.leader?.scheduler.decisions;
      return pods.map((pod) => {
        const found = log?.forPod(pod.metadata.uid);
        return found ? plain(found) : fromAnnotation(pod);
      });
    },
    recentDecisions: (limit) => leaderServices(platform).scheduler.decisions.recent(limit).map(plain),
    placements: async (pods) =>
      (
        await platform.store.proofs.placementsForPods(
          pods.map((p) => ({ namespace: p.metadata.namespace ?? '', name: p.metadata.name })),
        )
      ).map(plain),
    listPlacements: async (filter) =>
      (
        await platform.store.proofs.listPlacements({
          namespace: filter.namespace,
          name: filter.pod,
          node: filter.node,
          status: filter.status,
          limit: filter.limit,
        })
      ).map(plain),
    proof: async (id) => {
      try {
        return plain(await platform.proofApi.getProof(id));
      } catch (err) {
        if (isApiError(err) && err.code === 404) return null;
        throw err;
      }
    },
    verifyProofs: async (ids) => plain(await platform.proofApi.verifyStored(ids)),
    history: (window) => {
      if (!isHistoryWindow(window))
        throw badRequest(`window must be one of ${Object.keys(WINDOWS).join(', ')} (got "${window}")`);
      const { history } = leaderServices(platform);
      return { window, stepSeconds: WINDOWS[window].stepMs / 1000, points: history.points(window) };
    },
    scheduler: () => plain(schedulerStatus(leaderServices(platform).scheduler)),
    runLab: async (input) => {
      const parsed = labRequestSchema.safeParse(input);
      if (!parsed.success) throw invalid('LabRequest', undefined, causesFrom(parsed.error));
      const config = leaderServices(platform).scheduler.profiles;
      const results = await runLab(parsed.data, config).catch((err: Error) => {
        throw badRequest(err.message);
      });
      return plain({ kind: 'LabResult', apiVersion: 'entroos.io/v1', seed: parsed.data.seed, results });
    },
  };
}
