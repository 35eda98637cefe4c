import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';

// The everyday kubectl commands a new user reaches for, against a server with
// simulated nodes: a deployment's rollout (status, set image, history, undo),
// wait, edit, diff, logs by label, get all, top, drain and api-resources.

const NS = 'everyday';

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: ${image}
        resources:
          requests: {cpu: 50m, memory: 32Mi}
`;

let server: TestServer;
let kubectl: Kubectl;
const file = (name: string, text: string) => {
  const path = join(kubectl.home, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(async () => {
  server = await startServer({ env: { ENTROOS_NODES: '2', ENTROOS_LEASE_SECONDS: '1' } });
  kubectl = await kubectlFor(server);
  await kubectl.run('create', 'namespace', NS);
  await kubectl.run('apply', '-f', file('web.yaml', deployment('nginx:1.27')));
});
afterAll(async () => {
  await server?.stop();
});

describe('everyday kubectl', () => {
  it('waits for a rollout, sets an image, shows the history and undoes it', async () => {
    expect(await kubectl.run('-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=60s')).toContain(
      'successfully rolled out',
    );
    await kubectl.run('-n', NS, 'wait', '--for=condition=available', 'deployment/web', '--timeout=60s');
    await kubectl.run('-n', NS, 'set', 'image', 'deployment/web', 'nginx=nginx:1.28');
    expect(await kubectl.run('-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=60s')).toContain(
      'successfully rolled out',
    );
    // The rollout is complete once the new pods are available; the old ones may still be terminating.
    await until(
      async () =>
        (await kubectl.run('-n', NS, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={..image}'))
          .split(' ')
          .every((i) => i === 'nginx:1.28'),
      'only nginx:1.28 pods',
      30_000,
    );
    const history = await kubectl.run('-n', NS, 'rollout', 'history', 'deployment/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\s*\n1\s+<none>\s*\n2\s+<none>/);
    await kubectl.run('-n', NS, 'rollout', 'undo', 'deployment/web');
    await kubectl.run('-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=60s');
    expect(
      await kubectl.run(
        '-n',
        NS,
        'get',
        'deployment',
        'web',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ),
    ).toBe('nginx:1.27');
  });

  it('edits an object through $EDITOR', async () => {
    const editor = join(kubectl.home, 'editor.sh');
    // The first `app: web` is metadata.labels' (the last-applied annotation is JSON).
    writeFileSync(editor, '#!/bin/sh\nsed -i "0,/app: web$/s//app: web\\n    edited: \\"yes\\"/" "$1"\n');
    chmodSync(editor, 0o755);
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        'kubectl',
        ['-n', NS, 'edit', 'deployment/web'],
        { env: { ...process.env, KUBECONFIG: kubectl.kubeconfig, HOME: kubectl.home, KUBE_EDITOR: editor } },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr }),
      ),
    );
    expect(result, result.out).toMatchObject({ code: 0 });
    expect(result.out).toContain('deployment.apps/web edited');
    expect(await kubectl.run('-n', NS, 'get', 'deployment', 'web', '-o', 'jsonpath={.metadata.labels.edited}')).toBe(
      'yes',
    );
  });

  it('diffs a manifest against the live object (exit 0 unchanged, 1 with the change shown)', async () => {
    const live = await kubectl.run('-n', NS, 'get', 'deployment', 'web', '-o', 'yaml');
    expect(live).toContain('nginx:1.27');
    const same = await kubectl.exec('diff', '-f', file('same.yaml', deployment('nginx:1.27')));
    // The live object carries the label edit above, which the manifest does not name: apply would keep it.
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    const changed = await kubectl.exec('diff', '-f', file('changed.yaml', deployment('nginx:1.29')));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+- image: nginx:1\.27$/m);
    expect(changed.stdout).toMatch(/^\+\s+- image: nginx:1\.29$/m);
    // diff changed nothing.
    expect(
      await kubectl.run(
        '-n',
        NS,
        'get',
        'deployment',
        'web',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ),
    ).toBe('nginx:1.27');
  });

  it('reads logs by label, lists everything with get all, and shows usage with top', async () => {
    const logs = await kubectl.run('-n', NS, 'logs', '-l', 'app=web', '--prefix', '--tail=5');
    expect(logs).toMatch(/^\[pod\/web-[a-z0-9]+-[a-z0-9]+\/nginx\]/m);
    const all = await kubectl.run('-n', NS, 'get', 'all');
    expect(all).toMatch(/^pod\/web-/m);
    expect(all).toMatch(/^deployment\.apps\/web\s+2\/2/m);
    expect(all).toMatch(/^replicaset\.apps\/web-/m);
    const top = await until(
      () => kubectl.run('-n', NS, 'top', 'pods', '-l', 'app=web').catch(() => ''),
      'pod metrics',
      30_000,
    );
    expect(top).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
  });

  it('drains a node: cordoned, its pods evicted and recreated elsewhere; uncordon', async () => {
    const node = (
      await kubectl.run('-n', NS, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].spec.nodeName}')
    ).trim();
    expect(node).not.toBe('');
    const drained = await kubectl.run('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s');
    expect(drained).toContain(`node/${node} drained`);
    expect(await kubectl.run('get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).toBe('true');
    await until(
      async () => {
        const out = await kubectl.run(
          '-n',
          NS,
          'get',
          'pods',
          '-l',
          'app=web',
          '-o',
          'jsonpath={range .items[*]}{.spec.nodeName}={.status.phase} {end}',
        );
        const pods = out.trim().split(' ').filter(Boolean);
        return pods.length === 2 && pods.every((p) => !p.startsWith(`${node}=`) && p.endsWith('=Running'));
      },
      'both pods running off the drained node',
      30_000,
    );
    // The node controller taints a cordoned node, as upstream's TaintNodesByCondition does.
    const taints = () => kubectl.run('get', 'node', node, '-o', 'jsonpath={.spec.taints[*].key}');
    await until(async () => (await taints()).includes('node.kubernetes.io/unschedulable'), 'the cordon taint');
    await kubectl.run('uncordon', node);
    expect(await kubectl.run('get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).toBe('');
    await until(async () => !(await taints()).includes('node.kubernetes.io/unschedulable'), 'the taint lifted');
  });

  it('creates a disruption budget with kubectl create pdb, and prints it', async () => {
    await kubectl.run('-n', NS, 'create', 'pdb', 'web', '--selector=app=web', '--min-available=1');
    const printed = await until(
      async () => {
        const out = await kubectl.run('-n', NS, 'get', 'pdb', 'web');
        return /^web\s+1\s+N\/A\s+1\s+\S+$/m.test(out) && out;
      },
      'the budget to allow one disruption of the two web pods',
      30_000,
    );
    expect(printed).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/m);
  });

  it('lists the API resources, the new kinds included', async () => {
    const resources = await kubectl.run('api-resources');
    for (const line of [
      /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m,
      /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
      /^jobs\s+batch\/v1\s+true\s+Job$/m,
      /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
      /^secrets\s+v1\s+true\s+Secret$/m,
      /^serviceaccounts\s+sa\s+v1\s+true\s+ServiceAccount$/m,
      /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m,
      /^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m,
      /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m,
      /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview$/m,
    ])
      expect(resources).toMatch(line);
  });
});
