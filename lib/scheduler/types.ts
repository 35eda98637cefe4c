import type { Pod } from '../apimachinery/generated/kinds.ts';
import type { Stored } from '../apimachinery/object.ts';
import type { EntropyTracker } from './entropy.ts';
import type { NodeInfo } from './node-info.ts';
import type { NodeTable } from './node-table.ts';
import type { Resources } from './resources.ts';

// The scheduling framework's extension points, cut like kube-scheduler's.

/** A pod as the scheduler holds it: a stored pod (its spec is read with care: pods in tests may lack parts). */
export type SchedulingPod = Stored<Pod>;

export interface CycleState {
  pod: SchedulingPod;
  requests: Resources;
  /** requests with best-effort defaults (100m cpu, 200Mi memory), for scoring. */
  nonZero: Resources;
  /** Per-plugin data computed in PreFilter/PreScore. */
  data: Map<string, unknown>;
}

export interface ClusterView {
  nodes: NodeInfo[];
  entropy: EntropyTracker;
  /** Weight of cpu (vs memory) in a node's utilisation, 0..1. */
  cpuWeight: number;
}

/** The view the batch forms read: the same nodes laid out as typed arrays (`table.infos` is `nodes`). */
export interface BatchClusterView extends ClusterView {
  table: NodeTable;
}

/**
 * A pod's candidate nodes for the batch forms: slots of `table`, the first
 * `count` of `slots` live, in the order the scheduler evaluates them.
 */
export interface Candidates {
  slots: Int32Array;
  count: number;
}

/** Records that the node in `slot` failed a batch filter, and why (the plugin's name when no reason is given). */
export type Reject = (slot: number, reason?: string) => void;

export interface FilterVerdict {
  ok: boolean;
  /** Why not, in kube-scheduler's words: "Insufficient cpu", "node(s) were unschedulable"... */
  reason?: string;
}

export const PASS: FilterVerdict = { ok: true };
export const fail = (reason: string): FilterVerdict => ({ ok: false, reason });

/** Returned by preFilter/preScore when the plugin has nothing to do for this pod (as in kube-scheduler). */
export const SKIP = 'Skip' as const;

export interface FilterPlugin {
  name: string;
  preFilter?(state: CycleState, cluster: ClusterView): typeof SKIP | undefined;
  filter(state: CycleState, node: NodeInfo, cluster: ClusterView): FilterVerdict;
  /**
   * The batch form: one pass over all candidates, keeping those that pass in
   * place and in order (c.count shrinks) and calling reject for the others,
   * with the reason `filter` gives.
   */
  filterBatch(state: CycleState, cluster: BatchClusterView, c: Candidates, reject: Reject): void;
}

/** What a PostFilter plugin proposes when no node fits: a node to nominate and the pods to evict there. */
export interface PostFilterResult {
  node: string;
  victims: SchedulingPod[];
}

export interface PostFilterPlugin {
  name: string;
  /** Runs only when every node failed `filters` (the profile's active filters). */
  postFilter(state: CycleState, cluster: ClusterView, filters: FilterPlugin[]): PostFilterResult | undefined;
}

export interface ScorePlugin {
  name: string;
  preScore?(state: CycleState, nodes: NodeInfo[], cluster: ClusterView): typeof SKIP | undefined;
  /** preScore over the candidates `slots[0..count)` of the node table. */
  preScoreBatch?(
    state: CycleState,
    cluster: BatchClusterView,
    slots: Int32Array,
    count: number,
  ): typeof SKIP | undefined;
  /** A raw score for the node; normalizeScores (if present) maps raw scores to 0..100. */
  score(state: CycleState, node: NodeInfo, cluster: ClusterView): number;
  normalizeScores?(scores: number[]): number[];
  /** The batch form: raw scores of the candidates `slots[0..count)` into `out[0..count)`, as `score` gives them. */
  scoreBatch(state: CycleState, cluster: BatchClusterView, slots: Int32Array, count: number, out: Float64Array): void;
  /** normalizeScores in place over `scores[0..count)`, with the same arithmetic. */
  normalizeBatch?(scores: Float64Array, count: number): void;
  /**
   * The score reads nothing of a node but its resource state (allocatable cpu and memory, requests counted
   * for scores, utilisation: the node table's state class), so the cycle scores one node per class.
   */
  byResourceState?: boolean;
}

/** Scales scores to 0..100 by the maximum; `reverse` makes the lowest best. */
export function normalizeByMax(scores: number[], reverse = false): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? 100 : 0));
  return scores.map((s) => (reverse ? 100 - (s * 100) / max : (s * 100) / max));
}

/** normalizeByMax in place over `scores[0..count)`. */
export function normalizeByMaxInPlace(scores: Float64Array, count: number, reverse = false) {
  let max = 0;
  for (let i = 0; i < count; i++) if (scores[i] > max) max = scores[i];
  if (max === 0) scores.fill(reverse ? 100 : 0, 0, count);
  else if (reverse) for (let i = 0; i < count; i++) scores[i] = 100 - (scores[i] * 100) / max;
  else for (let i = 0; i < count; i++) scores[i] = (scores[i] * 100) / max;
}

/**
 * The batch form of a per-node filter whose check needs the node object (labels,
 * names, taints): one pass over the candidates, calling `filter` only for
 * nodes with one of the node-table `flags` set (all nodes when 0); the others pass.
 */
export function filterEach(filter: FilterPlugin['filter'], flags = 0): FilterPlugin['filterBatch'] {
  return (state, cluster, c, reject) => {
    // No node has the flags: all pass.
    if (flags !== 0 && !cluster.table.anyFlagged(flags)) return;
    const { slots } = c;
    const nodes = cluster.table.infos;
    const nodeFlags = cluster.table.flags;
    let kept = 0;
    for (let i = 0; i < c.count; i++) {
      const slot = slots[i];
      if (flags !== 0 && (nodeFlags[slot] & flags) === 0) {
        slots[kept++] = slot;
        continue;
      }
      const verdict = filter(state, nodes[slot], cluster);
      if (verdict.ok) slots[kept++] = slot;
      else reject(slot, verdict.reason);
    }
    c.count = kept;
  };
}

/** The batch form of a per-node score: one pass over the candidates. */
export function scoreEach(score: ScorePlugin['score']): ScorePlugin['scoreBatch'] {
  return (state, cluster, slots, count, out) => {
    const nodes = cluster.table.infos;
    for (let i = 0; i < count; i++) out[i] = score(state, nodes[slots[i]], cluster);
  };
}
