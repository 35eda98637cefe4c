import { tolerates, type Taint } from '../../apimachinery/node-matching.ts';
import { fail, PASS, type FilterPlugin } from '../types.ts';

const TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Cordoned nodes (spec.unschedulable) take no new pods unless the pod tolerates it. */
export const NodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter: (state, node) => {
    if (!node.unschedulable) return PASS;
    return (state.pod.spec?.tolerations ?? []).some((t) => tolerates(t, TAINT))
      ? PASS
      : fail('node(s) were unschedulable');
  },
};
