import type { Batch, BatchPhase } from './types.ts';

// A batch's lineage for the chain graph: everything it was made from (transitively, to the left) and everything made
// from it (to the right), laid out in columns by distance. A batch reached by two paths sits at its farthest
// distance, so every edge points rightwards; the walk stops at `limit` batches (the graph says it was cut).

export interface LineageNode {
  name: string;
  /** Columns from the batch: negative upstream, positive downstream. */
  depth: number;
  /** Position within its column (by name). */
  row: number;
  phase?: BatchPhase;
}

export interface Lineage {
  nodes: LineageNode[];
  /** input → batch made from it. */
  edges: { from: LineageNode; to: LineageNode }[];
  truncated: boolean;
}

export function lineage(batches: readonly Batch[], name: string, limit = 150): Lineage {
  const byName = new Map(batches.map((b) => [b.metadata.name, b]));
  const outputs = new Map<string, string[]>();
  for (const b of batches)
    for (const input of b.spec.inputs ?? []) outputs.set(input, [...(outputs.get(input) ?? []), b.metadata.name]);
  const depth = new Map<string, number>([[name, 0]]);
  let truncated = false;
  // Longest distance in each direction, by relaxation over a bounded walk (inputs cannot form a cycle through
  // admission, but a stored cycle must not loop here: a batch is moved at most `limit` times).
  const walk = (next: (n: string) => readonly string[], step: 1 | -1) => {
    const moves = new Map<string, number>();
    const queue = [name];
    for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
      const from = depth.get(at) ?? 0;
      for (const n of next(at)) {
        if (n === name) continue;
        const d = from + step;
        const known = depth.get(n);
        if (known !== undefined && (step > 0 ? known >= d : known <= d)) continue;
        if (known === undefined && depth.size >= limit) {
          truncated = true;
          continue;
        }
        if ((moves.get(n) ?? 0) >= limit) continue;
        moves.set(n, (moves.get(n) ?? 0) + 1);
        depth.set(n, d);
        queue.push(n);
      }
    }
  };
  walk((n) => byName.get(n)?.spec.inputs ?? [], -1);
  const upstream = new Set(depth.keys());
  walk((n) => (upstream.has(n) && n !== name ? [] : (outputs.get(n) ?? [])), 1);

  const columns = new Map<number, string[]>();
  for (const [n, d] of depth) columns.set(d, [...(columns.get(d) ?? []), n]);
  const nodes: LineageNode[] = [];
  for (const [d, names] of columns)
    names
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
      .forEach((n, row) => nodes.push({ name: n, depth: d, row, phase: byName.get(n)?.status?.phase }));
  const nodeOf = new Map(nodes.map((n) => [n.name, n]));
  const edges: Lineage['edges'] = [];
  for (const to of nodes)
    for (const input of byName.get(to.name)?.spec.inputs ?? []) {
      const from = nodeOf.get(input);
      if (from && from.depth < to.depth) edges.push({ from, to });
    }
  return { nodes, edges, truncated };
}
