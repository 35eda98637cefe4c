import { termMatches, type NodeSelectorTerm } from '../../apimachinery/node-matching.ts';
import {
  fail,
  filterEach,
  normalizeByMax,
  normalizeByMaxInPlace,
  PASS,
  scoreEach,
  SKIP,
  type CycleState,
  type FilterPlugin,
  type ScorePlugin,
} from '../types.ts';

const REASON = "node(s) didn't match Pod's node affinity/selector";

const matchesRequired: FilterPlugin['filter'] = (state, node) => {
  const labels: Record<string, string> = node.node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(state.pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return fail(REASON);
  const terms: NodeSelectorTerm[] | undefined =
    state.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms?.length && !terms.some((t) => termMatches(t, node.node))) return fail(REASON);
  return PASS;
};

/** spec.nodeSelector and requiredDuringScheduling node affinity must match the node's labels. */
export const NodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  preFilter: (state) => {
    const spec = state.pod.spec;
    const hasSelector = spec?.nodeSelector && Object.keys(spec.nodeSelector).length > 0;
    return hasSelector || spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ? undefined
      : SKIP;
  },
  filter: matchesRequired,
  filterBatch: filterEach(matchesRequired),
};

const preferredTerms = (state: CycleState) =>
  state.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? undefined : SKIP;

const preferredWeight: ScorePlugin['score'] = (state, node) => {
  const preferred = state.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return preferred.reduce((sum, p) => (termMatches(p.preference, node.node) ? sum + (p.weight ?? 0) : sum), 0);
};

/** preferredDuringScheduling terms: the sum of the weights of the terms a node matches. */
export const NodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  preScore: (state) => preferredTerms(state),
  preScoreBatch: (state) => preferredTerms(state),
  score: preferredWeight,
  scoreBatch: scoreEach(preferredWeight),
  normalizeScores: (scores) => normalizeByMax(scores),
  normalizeBatch: (scores, count) => normalizeByMaxInPlace(scores, count),
};
