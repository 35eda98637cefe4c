import type { NodeInfo } from '../node-info.ts';
import type { ClusterView, CycleState, ScorePlugin } from '../types.ts';

// The entropy of cluster utilisation if the pod went to this node, scaled to
// 0..100 against ln N (see docs/concepts/entropy.md). O(1) per node thanks to
// the tracker's running sums.

export function entropyAfter(state: CycleState, node: NodeInfo, cluster: ClusterView): number {
  const after = node.utilisation(cluster.cpuWeight, state.nonZero, true);
  return cluster.entropy.scaled(cluster.entropy.entropyIf(node.cachedU, after, node.cachedULnU));
}

/** Maximise entropy: spread load evenly across the cluster. */
export const Entropy: ScorePlugin = { name: 'Entropy', score: entropyAfter };

/** Minimise entropy: bin-packing, the opposite policy one setting away. */
export const Pack: ScorePlugin = {
  name: 'Pack',
  score: (state, node, cluster) => 100 - entropyAfter(state, node, cluster),
};
