import { badRequest } from '../../apimachinery/errors.ts';
import { boolParam } from '../../apimachinery/params.ts';
import type { Pod } from '../../apimachinery/generated/kinds.ts';

// The pods/exec subresource's request, checked as kube-apiserver checks it before it connects to the kubelet
// (PodExecOptions, then the container as its ExecLocation picks it). The stream itself is served over a WebSocket
// by lib/http/exec-ws.ts; a request that is not an upgrade gets "Upgrade request required", as upstream.

export interface ExecRequest {
  command: string[];
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

const names = (containers: { name: string }[] | undefined) => (containers ?? []).map((c) => c.name).join(' ');

/** The container to exec into: the one named, else the pod's only container. */
function containerOf(pod: Pod, asked: string | null): string {
  const name = pod.metadata?.name ?? '';
  const containers = pod.spec?.containers ?? [];
  const init = pod.spec?.initContainers ?? [];
  if (!asked) {
    if (containers.length === 1) return containers[0].name;
    if (!containers.length) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names(containers)}]` +
        (init.length ? ` or one of the init containers: [${names(init)}]` : ''),
    );
  }
  const ephemeral = pod.spec?.ephemeralContainers ?? [];
  if (![...containers, ...init, ...ephemeral].some((c) => c.name === asked))
    throw badRequest(`container ${asked} is not valid for pod ${name}`);
  return asked;
}

export function execRequest(pod: Pod, url: URL): ExecRequest {
  const q = url.searchParams;
  const request = {
    command: q.getAll('command'),
    stdin: boolParam(q, 'stdin') ?? false,
    stdout: boolParam(q, 'stdout') ?? false,
    stderr: boolParam(q, 'stderr') ?? false,
    tty: boolParam(q, 'tty') ?? false,
  };
  if (!request.command.length) throw badRequest('you must specify at least 1 command');
  if (!request.stdin && !request.stdout && !request.stderr)
    throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const container = containerOf(pod, q.get('container'));
  if (!pod.spec?.nodeName) throw badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`);
  return { ...request, container };
}
