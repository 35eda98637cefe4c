import type { NodeInfo } from '../node-info.ts';
import type { BatchClusterView, ClusterView, CycleState, ScorePlugin } from '../types.ts';

// The entropy of cluster utilisation if the pod went to this node, scaled to
// 0..100 against ln N (see docs/concepts/entropy.md). O(1) per node thanks to
// the tracker's running sums.

export function entropyAfter(state: CycleState, node: NodeInfo, cluster: ClusterView): number {
  const after = node.utilisation(cluster.cpuWeight, state.nonZero, true);
  return cluster.entropy.scaled(cluster.entropy.entropyIf(node.cachedU, after, node.cachedULnU));
}

/** entropyAfter for all candidates: each one's utilisation with the pod, then the tracker's batch entropy. */
export function entropyAfterBatch(
  state: CycleState,
  cluster: BatchClusterView,
  slots: Int32Array,
  count: number,
  out: Float64Array,
) {
  const { allocCpu, allocMemory, nonZeroCpu, nonZeroMemory, u, uLnU } = cluster.table;
  const w = cluster.cpuWeight;
  const wantCpu = state.nonZero.cpu;
  const wantMemory = state.nonZero.memory;
  // The same expression as NodeInfo.utilisation, so the scores are bit-for-bit those of the one-node path.
  for (let i = 0; i < count; i++) {
    const s = slots[i];
    const cpu = allocCpu[s] > 0 ? (nonZeroCpu[s] + wantCpu) / allocCpu[s] : 1;
    const memory = allocMemory[s] > 0 ? (nonZeroMemory[s] + wantMemory) / allocMemory[s] : 1;
    out[i] = w * cpu + (1 - w) * memory;
  }
  cluster.entropy.scaledIfMany(u, uLnU, slots, count, out);
}

/** Maximise entropy: spread load evenly across the cluster. */
export const Entropy: ScorePlugin = {
  name: 'Entropy',
  score: entropyAfter,
  scoreBatch: entropyAfterBatch,
  byResourceState: true,
};

/** Minimise entropy: bin-packing, the opposite policy one setting away. */
export const Pack: ScorePlugin = {
  name: 'Pack',
  byResourceState: true,
  score: (state, node, cluster) => 100 - entropyAfter(state, node, cluster),
  scoreBatch: (state, cluster, slots, count, out) => {
    entropyAfterBatch(state, cluster, slots, count, out);
    for (let i = 0; i < count; i++) out[i] = 100 - out[i];
  },
};
