import type { NodeDetail } from './decisions.ts';
import { Representatives } from './state-classes.ts';
import type { BatchClusterView, Candidates, CycleState, FilterPlugin, ScorePlugin } from './types.ts';

// One scheduling cycle's filter and score phases over the node table: each
// plugin makes one pass over all candidates (its batch form) instead of one
// call per node. The outcome is the one the per-node framework gives: the
// same nodes evaluated, the same first failing filter and reason per node, and
// bit-for-bit the same scores (tests/unit/scheduler-batch.test.ts).

/** Below this many nodes a chunk is not worth a pass of its own. */
const MIN_CHUNK = 64;

export interface FilterOutcome {
  /** Nodes looked at (from `start`, wrapping), as kube-scheduler counts them. */
  evaluated: number;
  /** Feasible nodes, in evaluation order: their slots are `slots[0..count)`. */
  feasible: Candidates;
  /** Failing nodes per reason, in the order the nodes were evaluated. */
  reasons: Record<string, number>;
  /** With `full`: each failing node's plugin and reason, in evaluation order. */
  detail: NodeDetail[];
}

export interface WeightedScore {
  plugin: ScorePlugin;
  weight: number;
}

/** Scratch buffers for cycles, reused so scoring thousands of nodes per pod does not allocate per pod. */
export class BatchCycle {
  private feasibleSlots = new Int32Array(0);
  private chunk = new Int32Array(0);
  /** Per slot: 1 + the index of the filter that rejected it in the current chunk, else 0. */
  private rejectedBy = new Uint8Array(0);
  private rejectReason: string[] = [];
  private totals = new Float64Array(0);
  private raw = new Float64Array(0);
  private classScores = new Float64Array(0);
  private classTotals = new Float64Array(0);
  private representatives = new Representatives();

  private reserve(total: number) {
    if (this.chunk.length >= total) return;
    const n = Math.max(16, total * 2);
    this.feasibleSlots = new Int32Array(n);
    this.chunk = new Int32Array(n);
    this.rejectedBy = new Uint8Array(n);
    this.rejectReason = new Array<string>(n).fill('');
    this.totals = new Float64Array(n);
    this.raw = new Float64Array(n);
    this.classScores = new Float64Array(n);
    this.classTotals = new Float64Array(n);
  }

  /**
   * Runs `filters` from slot `start` (wrapping) until `want` feasible nodes are
   * found or every node was evaluated. Candidates go through the filters in
   * chunks; a chunk that yields more feasible nodes than wanted is cut after
   * the last one needed, as if the nodes had been evaluated one by one.
   */
  filter(
    state: CycleState,
    cluster: BatchClusterView,
    filters: FilterPlugin[],
    start: number,
    want: number,
    full: boolean,
  ): FilterOutcome {
    const total = cluster.table.size;
    this.reserve(total);
    const { chunk, rejectedBy, rejectReason, feasibleSlots } = this;
    const infos = cluster.table.infos;
    const reasons: Record<string, number> = {};
    const detail: NodeDetail[] = [];
    const candidates: Candidates = { slots: chunk, count: 0 };
    let current = 0;
    const reject = (slot: number, reason?: string) => {
      rejectedBy[slot] = current + 1;
      rejectReason[slot] = reason ?? filters[current].name;
    };
    let evaluated = 0;
    let found = 0;
    // Failing nodes are counted in runs of the same reason (most runs are long): one keyed update per run, not per
    // node. Runs are added in evaluation order, so the reasons keep their order of first appearance.
    let runReason = '';
    let run = 0;
    while (evaluated < total && found < want) {
      const first = (start + evaluated) % total;
      const size = Math.min(total - evaluated, Math.max(want - found, MIN_CHUNK));
      for (let k = 0, s = first; k < size; k++, s = s + 1 === total ? 0 : s + 1) chunk[k] = s;
      candidates.count = size;
      for (current = 0; current < filters.length && candidates.count > 0; current++)
        filters[current].filterBatch(state, cluster, candidates, reject);
      // Walk the chunk in evaluation order: the reasons and the cut come out as one node at a time would give them.
      let k = 0;
      let s = first;
      for (; k < size && found < want; k++, s = s + 1 === total ? 0 : s + 1) {
        const by = rejectedBy[s];
        if (by === 0) feasibleSlots[found++] = s;
        else {
          rejectedBy[s] = 0;
          const reason = rejectReason[s];
          if (reason !== runReason) {
            if (run) reasons[runReason] = (reasons[runReason] ?? 0) + run;
            runReason = reason;
            run = 0;
          }
          run++;
          if (full) detail.push({ node: infos[s].name, feasible: false, plugin: filters[by - 1].name, reason });
        }
      }
      evaluated += k;
      for (; k < size; k++, s = s + 1 === total ? 0 : s + 1) rejectedBy[s] = 0;
    }
    if (run) reasons[runReason] = (reasons[runReason] ?? 0) + run;
    return { evaluated, feasible: { slots: feasibleSlots, count: found }, reasons, detail };
  }

  /**
   * Each plugin's raw scores of the feasible nodes, normalised to 0..100 where
   * the plugin normalises, weighted and summed into the returned totals
   * (`[0..feasible.count)`). `each` sees every plugin's raw and normalised scores.
   *
   * Plugins that score by resource state score one node per state class
   * (state-classes.ts). The weighted sum of the leading ones that do not
   * normalise is made once per class, in the same order, then copied to the
   * class's nodes: the same doubles as node by node, in one pass.
   */
  score(
    state: CycleState,
    cluster: BatchClusterView,
    plugins: WeightedScore[],
    feasible: Candidates,
    each?: (plugin: ScorePlugin, weight: number, raw: Float64Array, normalized: Float64Array) => void,
  ): Float64Array {
    const n = feasible.count;
    this.reserve(cluster.table.size);
    const totals = this.totals.subarray(0, n).fill(0);
    const scores = this.raw.subarray(0, n);
    const one = plugins.some((p) => p.plugin.byResourceState)
      ? this.representatives.pick(cluster.table, feasible.slots, n)
      : undefined;
    const m = one?.count ?? 0;
    const classScores = this.classScores.subarray(0, m);
    let p = 0;
    if (one && !each) {
      const classTotals = this.classTotals.subarray(0, m).fill(0);
      for (; p < plugins.length; p++) {
        const { plugin, weight } = plugins[p];
        if (!plugin.byResourceState || plugin.normalizeBatch || plugin.normalizeScores) break;
        plugin.scoreBatch(state, cluster, one.slots, m, classScores);
        for (let k = 0; k < m; k++) classTotals[k] += classScores[k] * weight;
      }
      const { which } = one;
      if (p > 0) for (let i = 0; i < n; i++) totals[i] = classTotals[which[i]];
    }
    for (; p < plugins.length; p++) {
      const { plugin, weight } = plugins[p];
      if (one && plugin.byResourceState) {
        plugin.scoreBatch(state, cluster, one.slots, m, classScores);
        const { which } = one;
        for (let i = 0; i < n; i++) scores[i] = classScores[which[i]];
      } else plugin.scoreBatch(state, cluster, feasible.slots, n, scores);
      const raw = each && plugin.normalizeScores ? scores.slice() : scores;
      if (plugin.normalizeBatch) plugin.normalizeBatch(scores, n);
      else if (plugin.normalizeScores) scores.set(plugin.normalizeScores(Array.from(scores)));
      for (let i = 0; i < n; i++) totals[i] += scores[i] * weight;
      each?.(plugin, weight, raw, scores);
    }
    return totals;
  }
}
