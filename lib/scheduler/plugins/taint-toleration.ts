import { untolerated, type Taint } from '../../apimachinery/node-matching.ts';
import { fail, normalizeByMax, PASS, SKIP, type FilterPlugin, type ScorePlugin } from '../types.ts';

/** NoSchedule and NoExecute taints must be tolerated. */
export const TaintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter: (state, node) => {
    const taints = node.taints;
    if (!taints) return PASS;
    const bad = untolerated(taints, state.pod.spec?.tolerations ?? [], ['NoSchedule', 'NoExecute']);
    if (!bad.length) return PASS;
    const t: Taint = bad[0];
    return fail(`node(s) had untolerated taint {${t.key}${t.value ? `: ${t.value}` : ''}}`);
  },
};

/** Fewer untolerated PreferNoSchedule taints score higher. */
export const TaintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  preScore: (_state, nodes) => (nodes.some((n) => n.hasPreferNoSchedule) ? undefined : SKIP),
  // A node with a PreferNoSchedule taint has taints.
  score: (state, node) =>
    node.hasPreferNoSchedule
      ? untolerated(node.taints ?? [], state.pod.spec?.tolerations ?? [], ['PreferNoSchedule']).length
      : 0,
  normalizeScores: (scores) => normalizeByMax(scores, true),
};
