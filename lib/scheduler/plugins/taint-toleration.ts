import { untolerated, type Taint } from '../matching.ts';
import { fail, normalizeByMax, PASS, type FilterPlugin, type ScorePlugin } from '../types.ts';

/** NoSchedule and NoExecute taints must be tolerated. */
export const TaintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter: (state, node) => {
    const bad = untolerated(node.node.spec?.taints ?? [], state.pod.spec?.tolerations ?? [], ['NoSchedule', 'NoExecute']);
    if (!bad.length) return PASS;
    const t: Taint = bad[0];
    return fail(`node(s) had untolerated taint {${t.key}${t.value ? `: ${t.value}` : ''}}`);
  },
};

/** Fewer untolerated PreferNoSchedule taints score higher. */
export const TaintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  score: (state, node) => untolerated(node.node.spec?.taints ?? [], state.pod.spec?.tolerations ?? [], ['PreferNoSchedule']).length,
  normalizeScores: (scores) => normalizeByMax(scores, true),
};
