import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, type Kubectl } from '../helpers/kubectl.ts';

// `kubectl apply --server-side` end to end: create, change, conflicts with `kubectl scale`, --force-conflicts,
// client-side apply next to it, and managedFields as `kubectl get --show-managed-fields` prints them.

const DEPLOYMENT = (replicas: number, image: string, labels = 'app: web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {${labels}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      schedulerName: nobody
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
`;

const CONFIGMAP = (name: string, data: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data: {${data}}
`;

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
}
interface Shown {
  metadata: { resourceVersion: string; labels?: Record<string, string>; managedFields?: Entry[] };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  data?: Record<string, string>;
}

describe('kubectl apply --server-side against EntroOS', () => {
  let server: TestServer;
  let kubectl: Kubectl;
  const file = (name: string, text: string) => {
    const path = join(kubectl.home, name);
    writeFileSync(path, text);
    return path;
  };
  const show = async (...what: string[]) =>
    parse(await kubectl.run('get', ...what, '-o', 'yaml', '--show-managed-fields')) as Shown;
  const managers = (o: Shown) => (o.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);

  beforeAll(async () => {
    server = await startServer();
    kubectl = await kubectlFor(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates, changes, and leaves an unchanged object alone', async () => {
    const path = file('deploy.yaml', DEPLOYMENT(2, 'nginx:1.27'));
    expect(await kubectl.run('apply', '--server-side', '-f', path)).toBe('deployment.apps/web serverside-applied\n');
    const created = await show('deployment', 'web');
    expect(created.spec.replicas).toBe(2);
    expect(managers(created)).toEqual(['kubectl/Apply']);

    writeFileSync(path, DEPLOYMENT(2, 'nginx:1.28'));
    expect(await kubectl.run('apply', '--server-side', '-f', path)).toBe('deployment.apps/web serverside-applied\n');
    const changed = await show('deployment', 'web');
    expect(changed.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));

    await kubectl.run('apply', '--server-side', '-f', path);
    // Only the deployment controller's status writes may move it; the apply itself changed nothing.
    const again = await show('deployment', 'web');
    expect(again.metadata.managedFields).toEqual(changed.metadata.managedFields);

    const dry = await kubectl.run(
      'apply',
      '--server-side',
      '--dry-run=server',
      '-f',
      file('dry.yaml', CONFIGMAP('dry', 'a: "1"')),
    );
    expect(dry).toBe('configmap/dry serverside-applied (server dry run)\n');
    expect((await kubectl.exec('get', 'configmap', 'dry')).stderr).toMatch(/NotFound/);
  });

  it('refuses to take replicas from kubectl scale until --force-conflicts', async () => {
    expect(await kubectl.run('scale', 'deployment/web', '--replicas=5')).toBe('deployment.apps/web scaled\n');
    const scaled = await show('deployment', 'web');
    expect(scaled.metadata.managedFields).toContainEqual(
      expect.objectContaining({
        operation: 'Update',
        subresource: 'scale',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      }),
    );

    const path = file('deploy.yaml', DEPLOYMENT(2, 'nginx:1.28'));
    const refused = await kubectl.exec('apply', '--server-side', '-f', path);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/,
    );
    expect(refused.stderr).toContain('--force-conflicts');
    expect((await show('deployment', 'web')).spec.replicas).toBe(5);

    expect(await kubectl.run('apply', '--server-side', '--force-conflicts', '-f', path)).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    const forced = await show('deployment', 'web');
    expect(forced.spec.replicas).toBe(2);
    expect(forced.metadata.managedFields?.some((e) => e.subresource === 'scale')).toBe(false);
  });

  it('keeps client-side apply working, and lists both managers with --show-managed-fields', async () => {
    const path = file('deploy-csa.yaml', DEPLOYMENT(2, 'nginx:1.28', 'app: web, tier: front'));
    const first = await kubectl.exec('apply', '-f', path);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('deployment.apps/web configured\n');
    expect(await kubectl.run('apply', '-f', path)).toBe('deployment.apps/web unchanged\n');
    const both = await show('deployment', 'web');
    expect(both.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(managers(both)).toEqual(['kubectl/Apply', 'kubectl-client-side-apply/Update']);
    const printed = await kubectl.run('get', 'deployment', 'web', '-o', 'yaml', '--show-managed-fields');
    expect(printed).toMatch(/^ {2}managedFields:$/m);
    expect(printed).toMatch(/manager: kubectl\n {4}operation: Apply/);
    expect(printed).toMatch(/manager: kubectl-client-side-apply\n {4}operation: Update/);
    // Without the flag kubectl hides them.
    expect(await kubectl.run('get', 'deployment', 'web', '-o', 'yaml')).not.toContain('managedFields');

    // A plain client-side lifecycle still works: create, change, prune a key.
    const cm = file('cm.yaml', CONFIGMAP('plain', 'a: "1", b: "2"'));
    expect(await kubectl.run('apply', '-f', cm)).toBe('configmap/plain created\n');
    writeFileSync(cm, CONFIGMAP('plain', 'a: "1"'));
    expect(await kubectl.run('apply', '-f', cm)).toBe('configmap/plain configured\n');
    const plain = await show('configmap', 'plain');
    expect(plain.data).toEqual({ a: '1' });
    expect(managers(plain)).toEqual(['kubectl-client-side-apply/Update']);
  });

  it('moves an object from client-side to server-side apply without conflicts', async () => {
    const path = file('moved.yaml', CONFIGMAP('moved', 'a: "1"'));
    expect(await kubectl.run('apply', '-f', path)).toBe('configmap/moved created\n');
    writeFileSync(path, CONFIGMAP('moved', 'a: "2"'));
    expect(await kubectl.run('apply', '--server-side', '-f', path)).toBe('configmap/moved serverside-applied\n');
    const moved = await show('configmap', 'moved');
    expect(moved.data).toEqual({ a: '2' });
    expect(moved.metadata.managedFields?.find((e) => e.manager === 'kubectl')).toMatchObject({
      operation: 'Apply',
      fieldsV1: { 'f:data': { 'f:a': {} } },
    });
    // Another manager changing a field kubectl applied still conflicts.
    const other = await kubectl.exec(
      'apply',
      '--server-side',
      '--field-manager=other',
      '-f',
      file('other.yaml', CONFIGMAP('moved', 'a: "3"')),
    );
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('conflict with "kubectl": .data.a');
  });
});
