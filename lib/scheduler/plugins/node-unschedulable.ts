import { tolerates, type Taint } from '../../apimachinery/node-matching.ts';
import { UNSCHEDULABLE } from '../node-table.ts';
import { fail, filterEach, PASS, type FilterPlugin } from '../types.ts';

const TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

const unschedulable: FilterPlugin['filter'] = (state, node) => {
  if (!node.unschedulable) return PASS;
  return (state.pod.spec?.tolerations ?? []).some((t) => tolerates(t, TAINT))
    ? PASS
    : fail('node(s) were unschedulable');
};

/** Cordoned nodes (spec.unschedulable) take no new pods unless the pod tolerates it. */
export const NodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter: unschedulable,
  // Only cordoned nodes need a look.
  filterBatch: filterEach(unschedulable, UNSCHEDULABLE),
};
