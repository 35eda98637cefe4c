import type { KubeObject } from '@entroos/client';

// An object's state in a word and a tone, worded as kubectl prints it (Running, CrashLoopBackOff, Ready,
// NotReady,SchedulingDisabled, Completed…), for StatusBadge and the table's Status column.

export type Tone = 'ok' | 'warn' | 'error' | 'info' | 'neutral';

export interface ObjectStatus {
  text: string;
  tone: Tone;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
}

interface Loose {
  kind?: string;
  metadata?: { deletionTimestamp?: string };
  spec?: { replicas?: number; unschedulable?: boolean; completions?: number };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: Condition[];
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    succeeded?: number;
    failed?: number;
    active?: number;
    containerStatuses?: {
      ready?: boolean;
      state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
    }[];
  };
}

const BAD_WAITING = /BackOff|Err|Invalid|Failed/;

const condition = (o: Loose, type: string) => o.status?.conditions?.find((c) => c.type === type);

export function statusOf(object: KubeObject | undefined): ObjectStatus {
  const o = (object ?? {}) as Loose;
  const kind = o.kind ?? '';
  const s = o.status;
  if (o.metadata?.deletionTimestamp) return { text: 'Terminating', tone: 'warn' };
  if (kind === 'Pod' || s?.containerStatuses) {
    if (s?.reason) return { text: s.reason, tone: 'error' };
    for (const c of s?.containerStatuses ?? []) {
      const waiting = c.state?.waiting?.reason;
      if (waiting) return { text: waiting, tone: BAD_WAITING.test(waiting) ? 'error' : 'info' };
      const terminated = c.state?.terminated;
      if (terminated && s?.phase !== 'Succeeded')
        return { text: terminated.reason ?? 'Terminated', tone: terminated.exitCode ? 'error' : 'neutral' };
    }
    const scheduled = condition(o, 'PodScheduled');
    if (s?.phase === 'Pending' && scheduled?.status === 'False')
      return { text: scheduled.reason ?? 'Unschedulable', tone: 'error' };
    switch (s?.phase) {
      case 'Running': {
        const statuses = s.containerStatuses ?? [];
        const ready = statuses.filter((c) => c.ready).length;
        return ready === statuses.length ? { text: 'Running', tone: 'ok' } : { text: 'Running', tone: 'warn' };
      }
      case 'Succeeded':
        return { text: 'Completed', tone: 'ok' };
      case 'Failed':
        return { text: 'Failed', tone: 'error' };
      case 'Pending':
        return { text: 'Pending', tone: 'warn' };
      default:
        return { text: s?.phase ?? 'Unknown', tone: 'neutral' };
    }
  }
  if (kind === 'Node') {
    const ready = condition(o, 'Ready');
    const text = ready?.status === 'True' ? 'Ready' : 'NotReady';
    if (o.spec?.unschedulable) return { text: `${text},SchedulingDisabled`, tone: text === 'Ready' ? 'warn' : 'error' };
    return { text, tone: text === 'Ready' ? 'ok' : 'error' };
  }
  if (kind === 'Job') {
    if (condition(o, 'Complete')?.status === 'True') return { text: 'Complete', tone: 'ok' };
    if (condition(o, 'Failed')?.status === 'True') return { text: 'Failed', tone: 'error' };
    return { text: s?.active ? 'Running' : 'Pending', tone: 'info' };
  }
  if (o.spec?.replicas !== undefined && s) {
    const want = o.spec.replicas;
    const ready = s.readyReplicas ?? 0;
    const text = `${ready}/${want} ready`;
    return { text, tone: ready >= want ? 'ok' : ready > 0 ? 'warn' : want === 0 ? 'neutral' : 'error' };
  }
  if (s?.phase) {
    const good = ['Active', 'Bound', 'Available', 'Running', 'Succeeded'];
    const bad = ['Failed', 'Lost', 'Terminating'];
    return { text: s.phase, tone: good.includes(s.phase) ? 'ok' : bad.includes(s.phase) ? 'error' : 'warn' };
  }
  const ready = condition(o, 'Ready') ?? condition(o, 'Available') ?? condition(o, 'Established');
  if (ready)
    return ready.status === 'True'
      ? { text: ready.type ?? '', tone: 'ok' }
      : { text: ready.reason ?? `Not${ready.type}`, tone: 'warn' };
  return { text: '—', tone: 'neutral' };
}

const UNITS: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity as a number: "250m" → 0.25, "1Gi" → 1073741824; NaN when it is not one. */
export function parseQuantity(q: string | number | undefined): number {
  if (typeof q === 'number') return q;
  if (!q) return Number.NaN;
  const m = /^([+-]?[\d.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2] in UNITS)) return Number.NaN;
  return Number(m[1]) * UNITS[m[2]];
}

/** "3m", "2h", "5d": how long ago, as kubectl's AGE column says it. */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '';
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
