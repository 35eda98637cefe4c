// Node selector terms, taints and tolerations: the matching the scheduler's plugins and the DaemonSet controller share.

import type { NodeSelectorRequirement, NodeSelectorTerm, Node, Taint, Toleration } from './generated/kinds.ts';
import type { ObjectView } from './object.ts';

export type { NodeSelectorTerm, Taint, Toleration };

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

export const untolerated = (taints: Taint[], tolerations: Toleration[], effects: string[]) =>
  taints.filter((t) => effects.includes(t.effect) && !tolerations.some((tol) => tolerates(tol, t)));

/** In, NotIn, Exists, DoesNotExist, Gt or Lt; any other operator matches nothing. */
function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(r.values?.[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(r.values?.[0]);
    default:
      return false;
  }
}

export function termMatches(term: NodeSelectorTerm, node: ObjectView<Node>): boolean {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!expressions.length && !fields.length) return false;
  return (
    expressions.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
  );
}
