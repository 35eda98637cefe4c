import type { FilterPlugin, PostFilterPlugin, PostFilterResult, SchedulingPod } from '../types.ts';

// PostFilter, like kube-scheduler's defaultpreemption: when no node fits, a
// pod may evict lower-priority pods. For each node that fails only for lack
// of resources (every other filter of the profile passes), take its
// lowest-priority pods until the pod fits; choose the node needing the
// fewest, least important victims.

const RESOURCE_FILTER = 'NodeResourcesFit';

export const DefaultPreemption: PostFilterPlugin = {
  name: 'DefaultPreemption',
  postFilter(state, cluster, filters: FilterPlugin[]): PostFilterResult | undefined {
    const priority = state.pod.spec?.priority ?? 0;
    if (priority <= 0 || state.pod.spec?.preemptionPolicy === 'Never') return undefined;
    const others = filters.filter((p) => p.name !== RESOURCE_FILTER);
    let best: (PostFilterResult & { cost: number }) | undefined;
    for (const node of cluster.nodes) {
      if (others.some((f) => !f.filter(state, node, cluster).ok)) continue;
      const candidates = [...node.pods.values()]
        .filter(({ pod }) => (pod.spec?.priority ?? 0) < priority && !pod.metadata.deletionTimestamp)
        .sort((a, b) => (a.pod.spec?.priority ?? 0) - (b.pod.spec?.priority ?? 0));
      const free = {
        cpu: node.allocatable.cpu - node.requested.cpu,
        memory: node.allocatable.memory - node.requested.memory,
        pods: node.allocatable.pods - node.requested.pods,
      };
      const victims: SchedulingPod[] = [];
      const fits = () => free.cpu >= state.requests.cpu && free.memory >= state.requests.memory && free.pods >= 1;
      for (const c of candidates) {
        if (fits()) break;
        victims.push(c.pod);
        free.cpu += c.requests.cpu;
        free.memory += c.requests.memory;
        free.pods += 1;
      }
      if (!fits() || !victims.length) continue;
      const cost = victims.length * 1e6 + Math.max(...victims.map((v) => v.spec?.priority ?? 0));
      if (!best || cost < best.cost) best = { node: node.name, victims, cost };
    }
    return best && { node: best.node, victims: best.victims };
  },
};
