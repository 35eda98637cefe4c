import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.ts';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    resources:
      requests: {cpu: 100m, memory: 64Mi}
`;

const DEPLOYMENT = (replicas: number, image = 'node:22') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ${image}
`;

describe.each(PROVIDERS)('kubectl against EntroOS on $name', ({ create }) => {
  let server: TestServer;
  let database: TestDatabase;
  let kubectl: Kubectl;
  const file = (name: string, text: string) => {
    const path = join(kubectl.home, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    database = await create();
    server = await startServer({ env: { DATABASE_URL: database.url } });
    kubectl = await kubectlFor(server);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('lists namespaces, nodes and all pods', async () => {
    const ns = await kubectl.run('get', 'namespaces');
    expect(ns).toMatch(/^NAME\s+STATUS\s+AGE/);
    for (const name of ['default', 'kube-system']) expect(ns).toMatch(new RegExp(`^${name}\\s+Active\\s+\\d+s`, 'm'));
    const nodes = await kubectl.exec('get', 'nodes');
    expect(nodes.code).toBe(0);
    expect(nodes.stdout + nodes.stderr).toMatch(/No resources found|NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    const pods = await kubectl.exec('get', 'pods', '-A');
    expect(pods.code).toBe(0);
  });

  it('creates from a file, prints pods with the familiar columns, and in yaml/json/wide', async () => {
    expect(await kubectl.run('create', '-f', file('pod.yaml', POD))).toBe('pod/web created\n');
    const table = await kubectl.run('get', 'pods');
    expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(table).toMatch(/^web\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const wide = await kubectl.run('get', 'pods', '-o', 'wide');
    expect(wide).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    const json = JSON.parse(await kubectl.run('get', 'pod', 'web', '-o', 'json'));
    expect(json).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      status: { phase: 'Pending', qosClass: 'Burstable' },
    });
    expect(json.spec.schedulerName).toBe('entroos-scheduler');
    const yaml = await kubectl.run('get', 'pod', 'web', '-o', 'yaml');
    expect(yaml).toMatch(/^apiVersion: v1\nkind: Pod\n/);
    expect(yaml).toMatch(/^ {2}- image: nginx:1\.27$/m);
    const byLabel = await kubectl.run('get', 'pods', '-l', 'tier in (front,back),app!=db', '-o', 'name');
    expect(byLabel.trim()).toBe('pod/web');
    const already = await kubectl.exec('create', '-f', file('pod.yaml', POD));
    expect(already.code).not.toBe(0);
    expect(already.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(already.stderr).toContain('pods "web" already exists');
  });

  it('applies twice (created, then unchanged, then configured) and scales a deployment', async () => {
    const path = file('deploy.yaml', DEPLOYMENT(2));
    expect(await kubectl.run('apply', '-f', path)).toBe('deployment.apps/api created\n');
    expect(await kubectl.run('apply', '-f', path)).toBe('deployment.apps/api unchanged\n');
    expect(await kubectl.run('apply', '-f', file('deploy2.yaml', DEPLOYMENT(2, 'node:23')))).toBe(
      'deployment.apps/api configured\n',
    );
    expect(
      JSON.parse(await kubectl.run('get', 'deploy', 'api', '-o', 'json')).spec.template.spec.containers[0].image,
    ).toBe('node:23');
    expect(await kubectl.run('scale', 'deployment', 'api', '--replicas=3')).toBe('deployment.apps/api scaled\n');
    await until(
      async () => (await kubectl.run('get', 'pods', '-l', 'app=api', '-o', 'name')).trim().split('\n').length === 3,
      '3 api pods',
    );
    const deploys = await kubectl.run('get', 'deployments');
    expect(deploys).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(deploys).toMatch(/^api\s+0\/3\s+3\s+0\s+\d+s$/m);
    const rs = await kubectl.run('get', 'rs', '-o', 'json');
    const items = JSON.parse(rs).items;
    expect(items.find((r: any) => r.spec.replicas === 3).metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      name: 'api',
      controller: true,
    });
  });

  it('sees a change with get -w', async () => {
    const watch = kubectl.spawn('get', 'pods', '-w');
    try {
      await until(() => /web\s+0\/1\s+Pending/.test(watch.output()), 'the initial list in the watch');
      await kubectl.run('label', 'pod', 'web', 'watched=yes');
      await kubectl.run('run', 'w1', '--image=busybox');
      await until(() => /^w1\s+0\/1\s+Pending/m.test(watch.output()), 'a new pod to appear in the watch');
    } finally {
      watch.stop();
    }
  });

  it('creates namespaces, deployments, services and configmaps with the typed (protobuf) commands', async () => {
    expect(await kubectl.run('create', 'namespace', 'team')).toBe('namespace/team created\n');
    expect(
      await kubectl.run('-n', 'team', 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80'),
    ).toBe('deployment.apps/web created\n');
    expect(await kubectl.run('-n', 'team', 'create', 'service', 'clusterip', 'web', '--tcp=80:8080')).toBe(
      'service/web created\n',
    );
    expect(await kubectl.run('-n', 'team', 'create', 'configmap', 'cfg', '--from-literal=mode=fast')).toBe(
      'configmap/cfg created\n',
    );
    const deployment = JSON.parse(await kubectl.run('-n', 'team', 'get', 'deployment', 'web', '-o', 'json'));
    expect(deployment.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate' },
    });
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({
      name: 'nginx',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
    });
    expect(deployment.spec.template.metadata.creationTimestamp).toBeUndefined();
    const service = JSON.parse(await kubectl.run('-n', 'team', 'get', 'service', 'web', '-o', 'json'));
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(service.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(JSON.parse(await kubectl.run('-n', 'team', 'get', 'configmap', 'cfg', '-o', 'json')).data).toEqual({
      mode: 'fast',
    });
    await until(
      async () => (await kubectl.run('-n', 'team', 'get', 'pods', '-o', 'name')).trim().split('\n').length === 2,
      'two pods in team',
    );
    // Deleting the namespace deletes everything in it.
    await kubectl.run('delete', 'namespace', 'team', '--wait=false');
    await until(
      async () => (await kubectl.exec('get', 'namespace', 'team')).code !== 0,
      'the namespace to be gone',
      15_000,
    );
    expect((await kubectl.exec('-n', 'team', 'get', 'pods', '-o', 'name')).stdout.trim()).toBe('');
  });

  it('creates a PriorityClass that sets the priority of pods naming it', async () => {
    expect(
      await kubectl.run('create', 'priorityclass', 'critical', '--value=1000', '--description=very important'),
    ).toBe('priorityclass.scheduling.k8s.io/critical created\n');
    expect(await kubectl.run('get', 'priorityclass', 'critical')).toMatch(
      /^critical\s+1000\s+false\s+PreemptLowerPriority/m,
    );
    const pod = JSON.parse(
      await kubectl.run(
        'run',
        'vip',
        '--image=nginx',
        '--overrides={"spec":{"priorityClassName":"critical"}}',
        '-o',
        'json',
        '--dry-run=server',
      ),
    );
    expect(pod.spec.priority).toBe(1000);
    const missing = await kubectl.exec(
      'run',
      'lost',
      '--image=nginx',
      '--overrides={"spec":{"priorityClassName":"nope"}}',
    );
    expect(missing.stderr).toContain('no PriorityClass with name nope was found');
  });

  it('explains fields from the OpenAPI document', async () => {
    const explain = await kubectl.run('explain', 'pod.spec');
    expect(explain).toMatch(/KIND:\s+Pod/);
    expect(explain).toMatch(/FIELD:\s+spec <PodSpec>/);
    expect(explain).toMatch(/containers\s+<\[\]Container> -required-/);
    const containers = await kubectl.run('explain', 'deployment.spec.replicas');
    expect(containers).toMatch(/FIELD:\s+replicas <integer>/);
  });

  it('shows validation errors with the field, and deletes', async () => {
    const bad = await kubectl.exec(
      'create',
      '-f',
      file('bad.yaml', POD.replace('name: web', 'name: Bad_Name').replace('cpu: 100m', 'cpu: lots')),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('is invalid');
    expect(bad.stderr).toContain('metadata.name');
    expect(bad.stderr).toContain('spec.containers[0].resources.requests.cpu');
    expect(await kubectl.run('delete', 'pod', 'web')).toBe('pod "web" deleted\n');
    expect((await kubectl.exec('get', 'pod', 'web')).stderr).toContain('pods "web" not found');
    expect(await kubectl.run('delete', 'deployment', 'api')).toBe('deployment.apps "api" deleted\n');
    // The garbage collector removes the ReplicaSets and their pods.
    await until(
      async () => !(await kubectl.run('get', 'pods', '-l', 'app=api', '-o', 'name')).trim(),
      'the deployment pods to be collected',
    );
    expect((await kubectl.run('get', 'rs', '-o', 'name')).trim()).toBe('');
  });

  it('refuses to delete the protected namespaces, and deletes the rest with --all', async () => {
    const refused = await kubectl.exec('delete', 'namespace', 'default');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted',
    );
    await kubectl.run('create', 'namespace', 'scratch');
    const all = await kubectl.exec('delete', 'namespace', '--all', '--wait=false');
    expect(all.code).not.toBe(0);
    expect(all.stdout).toContain('namespace "scratch" deleted');
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect(all.stderr).toContain(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
      expect(await kubectl.run('get', 'namespace', name, '-o', 'jsonpath={.status.phase}')).toBe('Active');
    }
  });

  it('keeps a watch open past --request-timeout: kubectl ends it on its own deadline', async () => {
    // kube-apiserver ignores ?timeout= on a watch; kubectl's HTTP client gives up after 1 s and (as against a real
    // cluster) exits quietly, logging the client-side timeout at -v=6. A server that closed the stream itself would
    // end it without that message.
    const started = Date.now();
    const watch = await kubectl.exec('get', 'pods', '-w', '--request-timeout=1', '-v=6');
    const elapsed = Date.now() - started;
    expect(watch.stderr).toMatch(/GET https:\/\/\S+\/pods\?\S*timeout=1s\S*watch=true/);
    expect(watch.stderr).toMatch(/Client\.Timeout|context deadline exceeded/);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('creates and applies a kind: List manifest (validated against /openapi/v2)', async () => {
    const list = (value: string, extra = '') => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed-a}
  data: {value: "${value}"}${extra}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed-b}
`;
    expect(await kubectl.run('create', '-f', file('list.yaml', list('1')))).toBe(
      'configmap/listed-a created\nconfigmap/listed-b created\n',
    );
    expect(await kubectl.run('apply', '-f', file('list2.yaml', list('2')))).toContain('configmap/listed-a configured');
    expect(await kubectl.run('get', 'configmap', 'listed-a', '-o', 'jsonpath={.data.value}')).toBe('2');
    // kubectl checks each item against the v2 schemas itself: an unknown field is refused before anything is sent.
    const bad = await kubectl.exec('create', '-f', file('bad-list.yaml', list('3', '\n  bogus: true')));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown field "bogus" in io.k8s.api.core.v1.ConfigMap');
  });
});
