import { NOMINATED } from '../node-table.ts';
import { fail, PASS, type FilterPlugin } from '../types.ts';

const fits: FilterPlugin['filter'] = (state, node) => {
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
};

/** The pod's requests must fit the node's free allocatable cpu, memory, pod slots and extended resources. */
export const NodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter: fits,
  // cpu, memory and pod slots from the node table; nodes with nominated pods, and pods asking for
  // extended resources, take the one-node path.
  filterBatch: (state, cluster, c, reject) => {
    const { allocCpu, allocMemory, allocPods, requestedCpu, requestedMemory, requestedPods, flags, infos } =
      cluster.table;
    const want = state.requests;
    let extended = false;
    for (const name in want.extended) if (want.extended[name] > 0) extended = true;
    const wantCpu = want.cpu;
    const wantMemory = want.memory;
    const { slots } = c;
    let kept = 0;
    for (let i = 0; i < c.count; i++) {
      const s = slots[i];
      let reason: string | undefined;
      if (extended || flags[s] & NOMINATED) {
        const verdict = fits(state, infos[s], cluster);
        if (!verdict.ok) reason = verdict.reason;
      } else if (requestedPods[s] + 1 > allocPods[s]) reason = 'Too many pods';
      else if (wantCpu > 0 && requestedCpu[s] + wantCpu > allocCpu[s]) reason = 'Insufficient cpu';
      else if (wantMemory > 0 && requestedMemory[s] + wantMemory > allocMemory[s]) reason = 'Insufficient memory';
      if (reason === undefined) slots[kept++] = s;
      else reject(s, reason);
    }
    c.count = kept;
  },
};
