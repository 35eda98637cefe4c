import type { NodeInfo } from '../node-info.ts';
import type { CycleState, ScorePlugin } from '../types.ts';

// Scores from the fractions of cpu and memory requested after placing the pod.

function fractions(state: CycleState, node: NodeInfo): [number, number] {
  const want = state.nonZero;
  const cpu = node.allocatable.cpu > 0 ? (node.nonZeroRequested.cpu + want.cpu) / node.allocatable.cpu : 1;
  const memory =
    node.allocatable.memory > 0 ? (node.nonZeroRequested.memory + want.memory) / node.allocatable.memory : 1;
  return [Math.min(1, cpu), Math.min(1, memory)];
}

/** Prefers nodes with the most free capacity (spreading). */
export const LeastAllocated: ScorePlugin = {
  name: 'LeastAllocated',
  score: (state, node) => {
    const [cpu, memory] = fractions(state, node);
    return ((1 - cpu + (1 - memory)) / 2) * 100;
  },
};

/** Prefers nodes with the least free capacity (packing). */
export const MostAllocated: ScorePlugin = {
  name: 'MostAllocated',
  score: (state, node) => {
    const [cpu, memory] = fractions(state, node);
    return ((cpu + memory) / 2) * 100;
  },
};

/** Prefers nodes whose cpu and memory fractions stay close to each other. */
export const BalancedAllocation: ScorePlugin = {
  name: 'BalancedAllocation',
  score: (state, node) => {
    const [cpu, memory] = fractions(state, node);
    return (1 - Math.abs(cpu - memory)) * 100;
  },
};
