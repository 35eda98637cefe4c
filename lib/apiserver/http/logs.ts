import { badRequest } from '../../apimachinery/errors.ts';
import { boolParam } from '../../apimachinery/params.ts';
import type { Pod } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject, Stored } from '../../apimachinery/object.ts';
import type { LogOptions, LogResult, ObjectApi } from '../object-api.ts';
import { typeByKey } from '../../apimachinery/registry.ts';

// GET .../pods/{name}/log: container, previous, tailLines, timestamps,
// sinceSeconds/sinceTime and follow, as `kubectl logs` sends them. With
// follow the response stays open and streams new lines until the container
// stops (or the client goes away).

const PODS = typeByKey('pods');

function optionsOf(url: URL): LogOptions {
  const q = url.searchParams;
  const tail = q.get('tailLines');
  const tailLines = tail === null ? undefined : /^\+?\d{1,15}$/.test(tail) ? Number(tail) : NaN;
  if (tailLines !== undefined && (!Number.isInteger(tailLines) || tailLines < 0))
    throw badRequest(`tailLines must be a non-negative integer (got "${tail}")`);
  let sinceTime: number | undefined;
  const sinceSeconds = q.get('sinceSeconds');
  if (sinceSeconds !== null) {
    const seconds = Number(sinceSeconds);
    if (!Number.isInteger(seconds) || seconds < 1)
      throw badRequest(`sinceSeconds must be a positive integer (got "${sinceSeconds}")`);
    sinceTime = Date.now() - seconds * 1000;
  }
  const since = q.get('sinceTime');
  if (since !== null) {
    if (sinceTime !== undefined) throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
    sinceTime = Date.parse(since);
    if (!Number.isFinite(sinceTime)) throw badRequest(`sinceTime must be an RFC 3339 time (got "${since}")`);
  }
  // Booleans read like Go's strconv.ParseBool (`follow=True` from the Python client); a malformed one is 400.
  // insecureSkipTLSVerifyBackend has nothing to skip here (no kubelet TLS), but is checked like the others.
  boolParam(q, 'insecureSkipTLSVerifyBackend');
  return {
    previous: boolParam(q, 'previous') ?? false,
    tailLines,
    timestamps: boolParam(q, 'timestamps') ?? false,
    sinceTime,
  };
}

export type LogReader = (pod: KubeObject, container: string, options: LogOptions) => Promise<LogResult | undefined>;

/** `pollMs`: how often a followed log looks for new lines. */
export async function podLogResponse(
  read: LogReader,
  api: ObjectApi,
  object: KubeObject,
  url: URL,
  signal: AbortSignal,
  pollMs: number,
): Promise<Response> {
  const pod = object as Stored<Pod>;
  const name = pod.metadata.name;
  const container = url.searchParams.get('container') ?? pod.spec?.containers?.[0]?.name;
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  if (container === undefined || !all.some((c) => c.name === container)) {
    const names = (pod.spec?.containers ?? []).map((c) => c.name).join(' ');
    throw badRequest(
      `container ${container} is not valid for pod ${name}${names ? `; choose one of: [${names}]` : ''}`,
    );
  }
  const options = optionsOf(url);
  const follow = boolParam(url.searchParams, 'follow') ?? false;
  const first = await read(pod, container, options);
  if (!first) {
    if (options.previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find(
      (s) => s.name === container,
    );
    const reason =
      status?.state?.waiting?.reason ?? (pod.spec?.nodeName ? 'ContainerCreating' : 'the pod is not scheduled yet');
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const headers = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (!follow || options.previous || !first.running) return new Response(first.text, { headers });

  const encoder = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let cursor = first.cursor;
      const close = () => {
        clearInterval(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      if (first.text) controller.enqueue(encoder.encode(first.text));
      let busy = false;
      timer = setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          const current = api.peek(PODS, pod.metadata.namespace, name);
          const same = current?.metadata.uid === pod.metadata.uid;
          let next = same
            ? await read(current, container, { ...options, tailLines: undefined, sinceTime: cursor })
            : undefined;
          // The container stopped (and may have restarted since): finish the run we were following from its
          // previous-instance log, then stop, as the kubelet does.
          if (same && (!next || next.runId !== first.runId)) {
            const previous = await read(current, container, {
              ...options,
              tailLines: undefined,
              sinceTime: cursor,
              previous: true,
            });
            next = previous?.runId === first.runId ? previous : undefined;
          }
          if (next?.text) controller.enqueue(encoder.encode(next.text));
          if (next) cursor = next.cursor;
          if (!next || !next.running || next.runId !== first.runId) close();
        } catch {
          close(); // the agent went away: end the stream as kubectl expects when a kubelet connection drops
        } finally {
          busy = false;
        }
      }, pollMs);
      signal.addEventListener('abort', close, { once: true });
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(stream, { headers });
}
