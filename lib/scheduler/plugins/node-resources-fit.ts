import { fail, PASS, type FilterPlugin } from '../types.ts';

/** The pod's requests must fit the node's free allocatable cpu, memory, pod slots and extended resources. */
export const NodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter: (state, node) => {
    const want = state.requests;
    const free = node.allocatable;
    let used = node.requested;
    if (node.nominated.size) {
      const key = `${state.pod.metadata.namespace}/${state.pod.metadata.name}`;
      const reserved = node.nominatedFor(state.pod.spec?.priority ?? 0, key);
      used = {
        cpu: used.cpu + reserved.cpu,
        memory: used.memory + reserved.memory,
        pods: used.pods + reserved.pods,
        extended: used.extended,
      };
    }
    if (used.pods + 1 > free.pods) return fail('Too many pods');
    if (want.cpu > 0 && used.cpu + want.cpu > free.cpu) return fail('Insufficient cpu');
    if (want.memory > 0 && used.memory + want.memory > free.memory) return fail('Insufficient memory');
    for (const name in want.extended) {
      const amount = want.extended[name];
      if (amount > 0 && (used.extended[name] ?? 0) + amount > (free.extended[name] ?? 0))
        return fail(`Insufficient ${name}`);
    }
    return PASS;
  },
};
