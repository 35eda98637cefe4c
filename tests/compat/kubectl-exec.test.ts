import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Exec, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, userWithToken } from '../helpers/api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';

// `kubectl exec` against simulated nodes: kubectl 1.32 opens a WebSocket (v5.channel.k8s.io) and the mock runtime
// answers with its simulated shell — the container's environment (a ConfigMap's value included), its mounted
// Secret as a file, exit codes, a shell reading piped stdin; refusals are Status errors kubectl prints.
// @kubernetes/client-node's Exec speaks v4.channel.k8s.io to the same endpoint.

const NS = 'exec';
const manifest = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${NS}}
data: {GREETING: hello-from-configmap}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: ${NS}}
stringData: {password: s3cret-value}
---
apiVersion: v1
kind: Pod
metadata: {name: box, namespace: ${NS}}
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: [sleep, "3600"]
    envFrom: [{configMapRef: {name: settings}}]
    volumeMounts: [{name: creds, mountPath: /mounted/secret}]
  volumes:
  - name: creds
    secret: {secretName: creds}
`;

let server: TestServer;
let kubectl: Kubectl;
let viewerToken: string;

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '1' } });
  kubectl = await kubectlFor(server);
  const admin = await login(server.url);
  viewerToken = (await userWithToken(server.url, admin, 'vera', 'viewer')).token;
  await kubectl.run('create', 'namespace', NS);
  const file = join(kubectl.home, 'box.yaml');
  writeFileSync(file, manifest);
  await kubectl.run('apply', '-f', file);
  await kubectl.run('-n', NS, 'wait', '--for=condition=Ready', 'pod/box', '--timeout=60s');
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

/** kubectl with `input` piped to its stdin. */
function kubectlWithStdin(input: string, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubectl.kubeconfig, HOME: kubectl.home },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('kubectl exec', () => {
  it('shows the environment, with a ConfigMap-sourced variable', async () => {
    const env = await kubectl.run('-n', NS, 'exec', 'box', '--', 'env');
    expect(env).toMatch(/^GREETING=hello-from-configmap$/m);
    expect(env).toMatch(/^HOSTNAME=box$/m);
    expect(env).toMatch(/^KUBERNETES_SERVICE_HOST=/m);
  });

  it('reads a mounted Secret and the files the kubelet writes', async () => {
    expect(await kubectl.run('-n', NS, 'exec', 'box', '--', 'cat', '/mounted/secret/password')).toBe('s3cret-value');
    expect(await kubectl.run('-n', NS, 'exec', 'box', '--', 'ls', '/mounted/secret')).toBe('password\n');
    expect(await kubectl.run('-n', NS, 'exec', 'box', '--', 'hostname')).toBe('box\n');
    expect(
      await kubectl.run(
        '-n',
        NS,
        'exec',
        'box',
        '--',
        'cat',
        '/var/run/secrets/kubernetes.io/serviceaccount/namespace',
      ),
    ).toBe(NS);
    expect(await kubectl.run('-n', NS, 'exec', 'box', '--', 'ps')).toMatch(/^\s+1 root\s+0:00 sleep 3600$/m);
  });

  it('exits with the command’s exit code', async () => {
    const three = await kubectl.exec('-n', NS, 'exec', 'box', '--', 'sh', '-c', 'echo before; exit 3');
    expect(three.code).toBe(3);
    expect(three.stdout).toBe('before\n');
    expect(three.stderr).toContain('command terminated with exit code 3');
    const missing = await kubectl.exec('-n', NS, 'exec', 'box', '--', 'sh', '-c', 'nosuch');
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('sh: nosuch: not found');
  });

  it('runs what is piped to `sh` on stdin', async () => {
    const result = await kubectlWithStdin(
      'echo one && echo $GREETING\ncd /mounted/secret; pwd\nfalse || echo recovered\nexit 4\necho never\n',
      '-n',
      NS,
      'exec',
      '-i',
      'box',
      '--',
      'sh',
    );
    expect(result.stdout).toBe('one\nhello-from-configmap\n/mounted/secret\nrecovered\n');
    expect(result.code).toBe(4);
  });

  it('ends a piped shell at the end of its input with the last status', async () => {
    const result = await kubectlWithStdin('echo done\n', '-n', NS, 'exec', '-i', 'box', '--', 'sh');
    expect(result).toMatchObject({ code: 0, stdout: 'done\n' });
  });

  it('refuses a viewer (Forbidden) and a missing pod (NotFound)', async () => {
    const denied = await kubectl.exec('--token', viewerToken, '-n', NS, 'exec', 'box', '--', 'env');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      'pods "box" is forbidden: User "vera" cannot create resource "pods/exec" in API group "" in the namespace "exec"',
    );
    const missing = await kubectl.exec('-n', NS, 'exec', 'nope', '--', 'env');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('pods "nope" not found');
    const container = await kubectl.exec('-n', NS, 'exec', 'box', '-c', 'other', '--', 'env');
    expect(container.stderr).toContain('container other is not valid for pod box');
  });

  it('serves @kubernetes/client-node’s Exec (v4.channel.k8s.io)', async () => {
    const config = new KubeConfig();
    config.loadFromFile(kubectl.kubeconfig);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    const status = await new Promise<{ status?: string; details?: { causes?: { message?: string }[] } }>(
      (resolve, reject) => {
        new Exec(config)
          .exec(NS, 'box', 'main', ['sh', '-c', 'printenv GREETING; exit 5'], stdout, null, null, false, (s) =>
            resolve(s as { status?: string }),
          )
          .catch(reject);
      },
    );
    expect(status.status).toBe('Failure');
    expect(status.details?.causes?.[0]?.message).toBe('5');
    await until(() => out === 'hello-from-configmap\n', 'the output of client-node’s exec');
  });
});
