import type { Pod } from '../apimachinery/generated/kinds.ts';
import type { Stored } from '../apimachinery/object.ts';
import type { EntropyTracker } from './entropy.ts';
import type { NodeInfo } from './node-info.ts';
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
  /** A raw score for the node; normalizeScores (if present) maps raw scores to 0..100. */
  score(state: CycleState, node: NodeInfo, cluster: ClusterView): number;
  normalizeScores?(scores: number[]): number[];
}

/** Scales scores to 0..100 by the maximum; `reverse` makes the lowest best. */
export function normalizeByMax(scores: number[], reverse = false): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? 100 : 0));
  return scores.map((s) => (reverse ? 100 - (s * 100) / max : (s * 100) / max));
}
