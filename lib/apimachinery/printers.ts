// How kubectl words an object's state (pure: the browser uses it too).

import type { Node, ObjectMeta, Pod } from './generated/kinds.ts';
import type { ObjectView } from './object.ts';

/** Kubernetes' HumanDuration: 45s, 5m12s, 3h, 2d4h, 3y. */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** The STATUS column of `kubectl get pods`. */
export function podStatus(pod: Pick<ObjectView<Pod>, 'spec' | 'status'> & { metadata: ObjectMeta }): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const statuses = pod.status?.containerStatuses ?? [];
  const init = pod.status?.initContainerStatuses ?? [];
  for (const [i, s] of init.entries()) {
    if (s.state?.terminated?.exitCode === 0) continue;
    if (s.state?.terminated)
      return s.state.terminated.reason
        ? `Init:${s.state.terminated.reason}`
        : `Init:ExitCode:${s.state.terminated.exitCode}`;
    if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing')
      return `Init:${s.state.waiting.reason}`;
    return `Init:${i}/${pod.spec?.initContainers?.length ?? init.length}`;
  }
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  for (const s of statuses) {
    if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
    else if (s.state?.terminated?.reason) reason = s.state.terminated.reason;
    else if (s.state?.terminated)
      reason = s.state.terminated.signal
        ? `Signal:${s.state.terminated.signal}`
        : `ExitCode:${s.state.terminated.exitCode}`;
  }
  return reason;
}

export function nodeStatus(node: Pick<ObjectView<Node>, 'spec' | 'status'>): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  // As kubectl prints it: Ready=Unknown (the node stopped reporting) is NotReady; Unknown means no Ready condition.
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}
