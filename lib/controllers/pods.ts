import type { Pod } from '../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../apimachinery/meta.ts';
import type { ObjectView } from '../apimachinery/object.ts';

/** Any pod, stored or listed: the judgements below read its metadata, spec and status only. */
type PodView = ObjectView<Pod>;

// Pod state as controllers judge it.

export const isTerminating = (pod: PodView) => Boolean(pod.metadata.deletionTimestamp);
export const isFinished = (pod: PodView) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
export const isActive = (pod: KubeObject) => !isTerminating(pod) && !isFinished(pod);

export function isReady(pod: PodView): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isAvailable(pod: PodView, minReadySeconds = 0, now = Date.now()): boolean {
  if (!isReady(pod)) return false;
  if (!minReadySeconds) return true;
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  return Date.parse(String(ready?.lastTransitionTime ?? 0)) + minReadySeconds * 1000 <= now;
}

/** Which pods to remove first when scaling down: unscheduled, then pending, then not ready, then newest. */
export function deletionOrder(a: PodView, b: PodView): number {
  const rank = (p: PodView) => (!p.spec?.nodeName ? 0 : p.status?.phase === 'Pending' ? 1 : !isReady(p) ? 2 : 3);
  const r = rank(a) - rank(b);
  if (r) return r;
  return Date.parse(String(b.metadata.creationTimestamp ?? 0)) - Date.parse(String(a.metadata.creationTimestamp ?? 0));
}
