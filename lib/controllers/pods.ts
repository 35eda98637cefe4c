import type { KubeObject } from '../apimachinery/meta.ts';

// Pod state as controllers judge it.

export const isTerminating = (pod: any) => Boolean(pod.metadata.deletionTimestamp);
export const isFinished = (pod: any) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
export const isActive = (pod: KubeObject) => !isTerminating(pod) && !isFinished(pod);

export function isReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

export function isAvailable(pod: any, minReadySeconds = 0, now = Date.now()): boolean {
  if (!isReady(pod)) return false;
  if (!minReadySeconds) return true;
  const ready = (pod.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  return Date.parse(ready?.lastTransitionTime ?? 0) + minReadySeconds * 1000 <= now;
}

/** Which pods to remove first when scaling down: unscheduled, then pending, then not ready, then newest. */
export function deletionOrder(a: any, b: any): number {
  const rank = (p: any) => (!p.spec?.nodeName ? 0 : p.status?.phase === 'Pending' ? 1 : !isReady(p) ? 2 : 3);
  const r = rank(a) - rank(b);
  if (r) return r;
  return Date.parse(b.metadata.creationTimestamp ?? 0) - Date.parse(a.metadata.creationTimestamp ?? 0);
}
