import { parseReference } from './runtime/image.ts';
import type { ShellContext } from './runtime/shell/session.ts';
import type { SimContainer, SimPod } from './sim-model.ts';

// What an exec into a container starts from, as the kubelet and the runtime would set it up: the container's
// resolved environment (env, envFrom — Secret values included) after the runtime's PATH and HOSTNAME and the
// kubelet's KUBERNETES_SERVICE_* variables, and its files: the mounted secret and configMap volumes plus the files
// the kubelet writes (/etc/hostname, /etc/hosts, /etc/resolv.conf, the service account's namespace). Never logged.

export type ExecTarget =
  | { ok: true; context: ShellContext; containerID: string }
  | { ok: false; reason: 'NotFound' | 'NotRunning'; message: string };

/** The Service range's first address, where the `kubernetes` Service would be. */
const KUBERNETES_SERVICE_HOST = '10.96.0.1';
const DNS_SERVICE_IP = '10.96.0.10';
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

// The main process of images whose entrypoint everyone knows; others show their image's name.
const ENTRYPOINTS: Record<string, string> = {
  nginx: 'nginx: master process nginx -g daemon off;',
  redis: 'redis-server *:6379',
  postgres: 'postgres',
  mysql: 'mysqld',
  memcached: 'memcached',
  httpd: 'httpd -DFOREGROUND',
  node: 'node',
  python: 'python3',
  busybox: 'sh',
  alpine: '/bin/sh',
  ubuntu: '/bin/bash',
  debian: 'bash',
  golang: 'bash',
};

function mainCommand(c: SimContainer): string {
  const declared = [...(c.spec.command ?? []), ...(c.spec.args ?? [])];
  if (declared.length) return declared.join(' ');
  const base = parseReference(c.image).repository.split('/').at(-1) ?? c.image;
  return ENTRYPOINTS[base] ?? base;
}

function etcFiles(sim: SimPod, hostname: string, namespace: string): [string, Buffer][] {
  const hosts = [
    '# Kubernetes-managed hosts file (simulated).',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::1\tip6-allnodes',
    `${sim.ip}\t${hostname}`,
    '',
  ].join('\n');
  const resolv = [
    `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local`,
    `nameserver ${DNS_SERVICE_IP}`,
    'options ndots:5',
    '',
  ].join('\n');
  return [
    ['/etc/hostname', Buffer.from(`${hostname}\n`)],
    ['/etc/hosts', Buffer.from(hosts)],
    ['/etc/resolv.conf', Buffer.from(resolv)],
    [`${SERVICE_ACCOUNT_DIR}/namespace`, Buffer.from(namespace)],
  ];
}

/** The container `name` of `sim` to exec into, or why not (it is not there, or not running). */
export function execTarget(sim: SimPod | undefined, name: string, tty: boolean): ExecTarget {
  const c = sim?.containers.find((x) => x.name === name);
  if (!sim || !c || !c.containerID)
    return { ok: false, reason: 'NotFound', message: `container not found ("${name}")` };
  if (c.state.kind !== 'running')
    return {
      ok: false,
      reason: 'NotRunning',
      message: `container "${name}" is not running (it is ${c.state.kind}${'reason' in c.state ? `: ${c.state.reason}` : ''})`,
    };
  const [namespace, pod] = sim.key.split('/');
  const hostname = pod.slice(0, 63);
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: hostname,
    HOME: '/root',
    ...(tty ? { TERM: 'xterm' } : {}),
    ...c.config?.env,
    KUBERNETES_SERVICE_HOST,
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: `tcp://${KUBERNETES_SERVICE_HOST}:443`,
  };
  const files = new Map<string, Buffer>(etcFiles(sim, hostname, namespace));
  for (const [path, content] of c.config?.files ?? []) files.set(path, content);
  return {
    ok: true,
    containerID: c.containerID,
    context: { env, files, hostname, processes: [{ pid: 1, command: mainCommand(c) }] },
  };
}
