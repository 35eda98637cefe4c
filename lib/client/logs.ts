import { ApiClientError, type ClientStatus } from './api.ts';

// Reads a container's log from the pod log subresource; with `follow` the
// response stays open and `onText` gets each new chunk as it arrives.

export interface LogStreamOptions {
  namespace: string;
  name: string;
  container: string;
  follow: boolean;
  tailLines: number;
  previous?: boolean;
  signal: AbortSignal;
  onText: (text: string) => void;
}

export function logPath(
  o: Pick<LogStreamOptions, 'namespace' | 'name' | 'container' | 'follow' | 'tailLines' | 'previous'>,
): string {
  const q = new URLSearchParams({ container: o.container, tailLines: String(o.tailLines) });
  if (o.follow) q.set('follow', 'true');
  if (o.previous) q.set('previous', 'true');
  return `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${encodeURIComponent(o.name)}/log?${q}`;
}

/** Resolves when the log ends (the container stopped, or without follow at once); rejects with the API's message. */
export async function streamPodLogs(o: LogStreamOptions): Promise<void> {
  let response: Response;
  try {
    response = await fetch(logPath(o), { credentials: 'same-origin', signal: o.signal });
  } catch (err) {
    if (o.signal.aborted) return;
    throw new ApiClientError('Cannot reach the EntroOS server; check your connection.', 0, {
      message: (err as Error).message,
    });
  }
  if (!response.ok) {
    const status = (await response.json().catch(() => ({}))) as ClientStatus;
    throw new ApiClientError(status.message ?? `${response.status} ${response.statusText}`, response.status, status);
  }
  if (!response.body) return; // no body: nothing was logged (the server always sends one)
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (value) o.onText(value);
    }
  } catch (err) {
    if (!o.signal.aborted) throw err;
  }
}
