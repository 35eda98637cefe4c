import type { TopologySpreadConstraint } from '../../apimachinery/generated/kinds.ts';
import { selectorFromObject } from '../../apimachinery/selectors.ts';
import { fail, filterEach, PASS, SKIP, type FilterPlugin } from '../types.ts';

type Constraint = TopologySpreadConstraint;

interface Spread {
  constraint: Constraint;
  counts: Map<string, number>;
  min: number;
}

const withinSkew: FilterPlugin['filter'] = (state, node) => {
  const spreads = (state.data.get('PodTopologySpread') as Spread[] | undefined) ?? [];
  for (const { constraint, counts, min } of spreads) {
    const domain = node.node.metadata.labels?.[constraint.topologyKey];
    if (domain === undefined)
      return fail("node(s) didn't match pod topology spread constraints (missing required label)");
    if ((counts.get(domain) ?? 0) + 1 - min > constraint.maxSkew)
      return fail("node(s) didn't match pod topology spread constraints");
  }
  return PASS;
};

/**
 * topologySpreadConstraints with DoNotSchedule: placing the pod in a node's
 * domain must keep (matching pods in that domain + 1) − (fewest in any domain) ≤ maxSkew.
 */
export const PodTopologySpread: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter: (state, cluster) => {
    const constraints = (state.pod.spec?.topologySpreadConstraints ?? []).filter(
      (c) => c.whenUnsatisfiable !== 'ScheduleAnyway',
    );
    if (!constraints.length) return SKIP;
    const spreads: Spread[] = constraints.map((constraint) => {
      const matches = selectorFromObject(constraint.labelSelector);
      const counts = new Map<string, number>();
      for (const n of cluster.nodes) {
        const domain = n.node.metadata.labels?.[constraint.topologyKey];
        if (domain === undefined) continue;
        let count = counts.get(domain) ?? 0;
        for (const { pod } of n.pods.values())
          if (pod.metadata.namespace === state.pod.metadata.namespace && matches(pod.metadata.labels)) count++;
        counts.set(domain, count);
      }
      return { constraint, counts, min: counts.size ? Math.min(...counts.values()) : 0 };
    });
    state.data.set('PodTopologySpread', spreads);
  },
  filter: withinSkew,
  filterBatch: filterEach(withinSkew),
};
