import { apiStream } from './api.ts';

// Reads a container's log from the pod log subresource; with `follow` the
// response stays open and `onText` gets each new chunk as it arrives.

export interface LogStreamOptions {
  namespace: string;
  name: string;
  container: string;
  follow: boolean;
  tailLines: number;
  previous?: boolean;
  /** Prefix each line with its RFC 3339 time. */
  timestamps?: boolean;
  signal: AbortSignal;
  onText: (text: string) => void;
}

export function logPath(
  o: Pick<LogStreamOptions, 'namespace' | 'name' | 'container' | 'follow' | 'tailLines' | 'previous' | 'timestamps'>,
): string {
  const q = new URLSearchParams({ container: o.container, tailLines: String(o.tailLines) });
  if (o.follow) q.set('follow', 'true');
  if (o.previous) q.set('previous', 'true');
  if (o.timestamps) q.set('timestamps', 'true');
  return `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${encodeURIComponent(o.name)}/log?${q}`;
}

/** Resolves when the log ends (the container stopped, or without follow at once); rejects with the API's message. */
export async function streamPodLogs(o: LogStreamOptions): Promise<void> {
  try {
    for await (const text of await apiStream(logPath(o), o.signal)) o.onText(text);
  } catch (err) {
    if (!o.signal.aborted) throw err;
  }
}
