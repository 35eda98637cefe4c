import { fail, filterEach, PASS, SKIP, type FilterPlugin } from '../types.ts';

const nodeName: FilterPlugin['filter'] = (state, node) =>
  !state.pod.spec?.nodeName || state.pod.spec.nodeName === node.name
    ? PASS
    : fail("node(s) didn't match the requested node name");

/** A pod that names its node fits only that node. */
export const NodeName: FilterPlugin = {
  name: 'NodeName',
  preFilter: (state) => (state.pod.spec?.nodeName ? undefined : SKIP),
  filter: nodeName,
  filterBatch: filterEach(nodeName),
};
