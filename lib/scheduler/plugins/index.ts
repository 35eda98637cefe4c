import type { FilterPlugin, PostFilterPlugin, ScorePlugin } from '../types.ts';
import { DefaultPreemption } from './default-preemption.ts';
import { BalancedAllocation, LeastAllocated, MostAllocated } from './allocation.ts';
import { Entropy, Pack } from './entropy.ts';
import { NodeAffinityFilter, NodeAffinityScore } from './node-affinity.ts';
import { NodeName } from './node-name.ts';
import { NodeResourcesFit } from './node-resources-fit.ts';
import { NodeUnschedulable } from './node-unschedulable.ts';
import { PodTopologySpread } from './pod-topology-spread.ts';
import { TaintTolerationFilter, TaintTolerationScore } from './taint-toleration.ts';

export const FILTER_PLUGINS: Record<string, FilterPlugin> = Object.fromEntries(
  [NodeName, NodeUnschedulable, NodeResourcesFit, NodeAffinityFilter, TaintTolerationFilter, PodTopologySpread].map(
    (p) => [p.name, p],
  ),
);

export const POST_FILTER_PLUGINS: Record<string, PostFilterPlugin> = Object.fromEntries(
  [DefaultPreemption].map((p) => [p.name, p]),
);

export const SCORE_PLUGINS: Record<string, ScorePlugin> = Object.fromEntries(
  [Entropy, Pack, BalancedAllocation, LeastAllocated, MostAllocated, NodeAffinityScore, TaintTolerationScore].map(
    (p) => [p.name, p],
  ),
);
