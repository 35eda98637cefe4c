import { expandMatrix } from './dag.ts';
import type { PipelineStep, StepStatus } from './types.ts';

// A run's steps as the run page draws them: the pipeline's steps as they run (matrices expanded), each in the
// column of its longest chain of needs, with its status from the run.

export interface RunStepNode {
  name: string;
  column: number;
  row: number;
  status?: StepStatus;
}

export function runLayout(
  steps: PipelineStep[],
  statuses: readonly StepStatus[],
): { nodes: RunStepNode[]; edges: { from: RunStepNode; to: RunStepNode }[] } {
  const expanded = expandMatrix(steps);
  const byName = new Map(expanded.map((s) => [s.name, s]));
  const column = new Map<string, number>();
  // Longest path from a root; `visiting` keeps a stored cycle (refused by admission) from recursing forever.
  const visiting = new Set<string>();
  const columnOf = (name: string): number => {
    const known = column.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const needs = (byName.get(name)?.needs ?? []).filter((n) => byName.has(n) && n !== name);
    const c = needs.length ? Math.max(...needs.map(columnOf)) + 1 : 0;
    visiting.delete(name);
    column.set(name, c);
    return c;
  };
  const rows = new Map<number, number>();
  const nodes = expanded.map((s) => {
    const c = columnOf(s.name);
    const row = rows.get(c) ?? 0;
    rows.set(c, row + 1);
    return { name: s.name, column: c, row, status: statuses.find((x) => x.name === s.name) };
  });
  const nodeOf = new Map(nodes.map((n) => [n.name, n]));
  const edges = nodes.flatMap((to) =>
    (byName.get(to.name)?.needs ?? []).flatMap((n) => {
      const from = nodeOf.get(n);
      return from && from !== to ? [{ from, to }] : [];
    }),
  );
  return { nodes, edges };
}
