import { untolerated, type Taint } from '../../apimachinery/node-matching.ts';
import { PREFER_NO_SCHEDULE, TAINTED } from '../node-table.ts';
import {
  fail,
  normalizeByMax,
  normalizeByMaxInPlace,
  PASS,
  SKIP,
  type FilterPlugin,
  type FilterVerdict,
  type ScorePlugin,
} from '../types.ts';

const tolerated: FilterPlugin['filter'] = (state, node) => {
  const taints = node.taints;
  if (!taints) return PASS;
  const bad = untolerated(taints, state.pod.spec?.tolerations ?? [], ['NoSchedule', 'NoExecute']);
  if (!bad.length) return PASS;
  const t: Taint = bad[0];
  return fail(`node(s) had untolerated taint {${t.key}${t.value ? `: ${t.value}` : ''}}`);
};

/** NoSchedule and NoExecute taints must be tolerated. */
export const TaintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter: tolerated,
  // Only tainted nodes need a look, and nodes with the same taints get the same answer: one check per set.
  filterBatch: (state, cluster, c, reject) => {
    if (!cluster.table.anyFlagged(TAINTED)) return;
    const { flags, taintSet, infos } = cluster.table;
    const verdicts: FilterVerdict[] = [];
    const { slots } = c;
    let kept = 0;
    for (let i = 0; i < c.count; i++) {
      const s = slots[i];
      if ((flags[s] & TAINTED) === 0) {
        slots[kept++] = s;
        continue;
      }
      const verdict = (verdicts[taintSet[s]] ??= tolerated(state, infos[s], cluster));
      if (verdict.ok) slots[kept++] = s;
      else reject(s, verdict.reason);
    }
    c.count = kept;
  },
};

// A node with a PreferNoSchedule taint has taints.
const preferNoScheduleCount: ScorePlugin['score'] = (state, node) =>
  node.hasPreferNoSchedule
    ? untolerated(node.taints ?? [], state.pod.spec?.tolerations ?? [], ['PreferNoSchedule']).length
    : 0;

/** Fewer untolerated PreferNoSchedule taints score higher. */
export const TaintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  preScore: (_state, nodes) => (nodes.some((n) => n.hasPreferNoSchedule) ? undefined : SKIP),
  preScoreBatch: (_state, cluster, slots, count) => {
    if (!cluster.table.anyFlagged(PREFER_NO_SCHEDULE)) return SKIP;
    const { flags } = cluster.table;
    for (let i = 0; i < count; i++) if (flags[slots[i]] & PREFER_NO_SCHEDULE) return undefined;
    return SKIP;
  },
  score: preferNoScheduleCount,
  scoreBatch: (state, cluster, slots, count, out) => {
    const { flags, taintSet, infos } = cluster.table;
    const counts: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = slots[i];
      out[i] =
        flags[s] & PREFER_NO_SCHEDULE ? (counts[taintSet[s]] ??= preferNoScheduleCount(state, infos[s], cluster)) : 0;
    }
  },
  normalizeScores: (scores) => normalizeByMax(scores, true),
  normalizeBatch: (scores, count) => normalizeByMaxInPlace(scores, count, true),
};
