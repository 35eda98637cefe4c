import type { NodeInfo } from '../node-info.ts';
import type { BatchClusterView, CycleState, ScorePlugin } from '../types.ts';

// Scores from the fractions of cpu and memory requested after placing the pod.

function fractions(state: CycleState, node: NodeInfo): [number, number] {
  const want = state.nonZero;
  const cpu = node.allocatable.cpu > 0 ? (node.nonZeroRequested.cpu + want.cpu) / node.allocatable.cpu : 1;
  const memory =
    node.allocatable.memory > 0 ? (node.nonZeroRequested.memory + want.memory) / node.allocatable.memory : 1;
  return [Math.min(1, cpu), Math.min(1, memory)];
}

/** The batch form of all three: `combine(cpu, memory)` of each candidate's fractions, from the node table. */
function fractionsBatch(combine: (cpu: number, memory: number) => number): ScorePlugin['scoreBatch'] {
  return (state: CycleState, cluster: BatchClusterView, slots: Int32Array, count: number, out: Float64Array) => {
    const { allocCpu, allocMemory, nonZeroCpu, nonZeroMemory } = cluster.table;
    const wantCpu = state.nonZero.cpu;
    const wantMemory = state.nonZero.memory;
    for (let i = 0; i < count; i++) {
      const s = slots[i];
      const cpu = allocCpu[s] > 0 ? (nonZeroCpu[s] + wantCpu) / allocCpu[s] : 1;
      const memory = allocMemory[s] > 0 ? (nonZeroMemory[s] + wantMemory) / allocMemory[s] : 1;
      out[i] = combine(Math.min(1, cpu), Math.min(1, memory));
    }
  };
}

const least = (cpu: number, memory: number) => ((1 - cpu + (1 - memory)) / 2) * 100;
const most = (cpu: number, memory: number) => ((cpu + memory) / 2) * 100;
const balanced = (cpu: number, memory: number) => (1 - Math.abs(cpu - memory)) * 100;

/** Prefers nodes with the most free capacity (spreading). */
export const LeastAllocated: ScorePlugin = {
  name: 'LeastAllocated',
  byResourceState: true,
  score: (state, node) => least(...fractions(state, node)),
  scoreBatch: fractionsBatch(least),
};

/** Prefers nodes with the least free capacity (packing). */
export const MostAllocated: ScorePlugin = {
  name: 'MostAllocated',
  byResourceState: true,
  score: (state, node) => most(...fractions(state, node)),
  scoreBatch: fractionsBatch(most),
};

/** Prefers nodes whose cpu and memory fractions stay close to each other. */
export const BalancedAllocation: ScorePlugin = {
  name: 'BalancedAllocation',
  byResourceState: true,
  score: (state, node) => balanced(...fractions(state, node)),
  scoreBatch: fractionsBatch(balanced),
};
