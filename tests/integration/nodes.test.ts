import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { kubectlFor, until } from '../helpers/kubectl.ts';
import { connectSocket, connected, subscribe } from '../helpers/socket.ts';

// Simulated nodes (the in-process NKO fleet) running pods through the mock runtime.

let server: TestServer;
let api: ReturnType<typeof client>;
let adminToken: string;
const NS = '/api/v1/namespaces/default';
const deployment = (name: string, replicas: number, annotations: Record<string, string> = {}, extra: any = {}) => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations },
      spec: {
        containers: [
          {
            name: 'main',
            image: extra.image ?? 'busybox:1.36',
            ports: [{ containerPort: 8080 }],
            resources: { requests: { cpu: '100m', memory: '64Mi' } },
          },
        ],
        ...(extra.spec ?? {}),
      },
    },
  },
});
const podsOf = async (app: string) => (await api.get(`${NS}/pods?labelSelector=app%3D${app}`)).body.items as any[];

beforeAll(async () => {
  server = await startServer({
    env: {
      ENTROOS_NODES: '3',
      ENTROOS_CRASH_BACKOFF_MS: '300',
      ENTROOS_LEASE_SECONDS: '1',
      ENTROOS_NODE_GRACE_SECONDS: '2',
      ENTROOS_HISTORY_SAMPLE_MS: '500',
    },
  });
  adminToken = await login(server.url);
  api = client(server.url, adminToken);
});
afterAll(async () => {
  await server?.stop();
});

describe('simulated nodes', () => {
  it('registers Ready nodes with capacity, labels, addresses and leases', async () => {
    const nodes = (await api.get('/api/v1/nodes')).body.items;
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      expect(n.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      expect(n.status.allocatable).toMatchObject({ cpu: expect.any(String), memory: expect.any(String), pods: '110' });
      expect(n.metadata.labels).toMatchObject({
        'kubernetes.io/hostname': n.metadata.name,
        'topology.kubernetes.io/zone': expect.stringMatching(/^zone-/),
      });
      expect(n.status.addresses[0]).toMatchObject({ type: 'InternalIP' });
    }
    const lease = (
      await api.get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${nodes[0].metadata.name}`)
    ).body;
    const first = lease.spec.renewTime;
    await until(
      async () =>
        (await api.get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${nodes[0].metadata.name}`)).body
          .spec.renewTime !== first,
      'a lease renewal',
      5000,
    );
  });

  it('brings a Deployment of 10 replicas to 10/10 Running with pod IPs, and fills the service endpoints', async () => {
    await api.post('/apis/apps/v1/namespaces/default/deployments', deployment('web', 10));
    await api.post(`${NS}/services`, {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await until(
      async () => (await api.get('/apis/apps/v1/namespaces/default/deployments/web')).body.status?.readyReplicas === 10,
      '10/10 ready',
      15_000,
    );
    const pods = await podsOf('web');
    expect(
      pods.every((p) => p.status.phase === 'Running' && /^10\.(1[2-9]\d|2[0-5]\d)\.\d+\.\d+$/.test(p.status.podIP)),
    ).toBe(true);
    expect(new Set(pods.map((p) => p.status.podIP)).size).toBe(10);
    expect(pods[0].status.containerStatuses[0]).toMatchObject({
      name: 'main',
      ready: true,
      restartCount: 0,
      state: { running: { startedAt: expect.any(String) } },
    });
    await until(
      async () => ((await api.get(`${NS}/endpoints/web`)).body.subsets?.[0]?.addresses ?? []).length === 10,
      'ten endpoint addresses',
    );
    expect((await api.get(`${NS}/endpoints/web`)).body.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  it('serves container logs through the pod log subresource', async () => {
    const pod = (await podsOf('web'))[0];
    const logs = await api.get(`${NS}/pods/${pod.metadata.name}/log`);
    expect(logs.status).toBe(200);
    expect(logs.text).toContain('starting busybox:1.36 (container main)');
  });

  it('answers kubectl logs and kubectl top', async () => {
    const kubectl = await kubectlFor(server);
    const pod = (await podsOf('web'))[0].metadata.name;
    expect(await kubectl.run('logs', pod)).toContain('starting busybox:1.36 (container main)');
    expect(await kubectl.run('logs', pod, '-c', 'main', '--tail', '1')).toMatch(/^[^\n]+\n$/);
    expect(await kubectl.run('logs', pod, '--timestamps', '--tail', '1')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \S/);
    const wrong = await kubectl.exec('logs', pod, '-c', 'sidecar');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('container sidecar is not valid for pod');
    const nodes = await kubectl.run('top', 'nodes');
    expect(nodes).toMatch(/^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
    expect(nodes).toMatch(/^entroos-node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
    const pods = await kubectl.run('top', 'pods', '-l', 'app=web');
    expect(pods).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(pods).toMatch(new RegExp(`^${pod}\\s+5m\\s+4Mi`, 'm')); // busybox's default simulated usage
  });

  it('restarts a failing container with CrashLoopBackOff and a growing restartCount', async () => {
    await api.post(
      '/apis/apps/v1/namespaces/default/deployments',
      deployment('crash', 1, { 'entroos.io/duration': '0.1', 'entroos.io/exit-code': '1' }),
    );
    const pod = await until(
      async () => {
        const p = (await podsOf('crash'))[0];
        return p?.status?.containerStatuses?.[0]?.restartCount >= 2 ? p : undefined;
      },
      'two restarts',
      15_000,
    );
    const status = pod.status.containerStatuses[0];
    expect(status.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    await until(
      async () => (await podsOf('crash'))[0].status.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff',
      'CrashLoopBackOff',
      15_000,
    );
    const previous = await api.get(`${NS}/pods/${pod.metadata.name}/log?previous=true`);
    expect(previous.text).toContain('exiting with code 1');
    const events = (await api.get(`${NS}/events?fieldSelector=reason%3DBackOff`)).body.items;
    expect(events[0].message).toMatch(/^Back-off restarting failed container main in pod crash-/);
  });

  it('OOM-kills a container whose simulated memory exceeds its limit', async () => {
    await api.post(
      '/apis/apps/v1/namespaces/default/deployments',
      deployment(
        'hungry',
        1,
        { 'entroos.io/memory': '256Mi' },
        {
          spec: {
            containers: [
              {
                name: 'main',
                image: 'python:3.13',
                resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              },
            ],
          },
        },
      ),
    );
    const pod = await until(
      async () => {
        const p = (await podsOf('hungry'))[0];
        return p?.status?.containerStatuses?.[0]?.lastState?.terminated ? p : undefined;
      },
      'an OOM kill',
      10_000,
    );
    expect(pod.status.containerStatuses[0].lastState.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('runs init containers to completion before the app containers', async () => {
    await api.post(`${NS}/pods`, {
      metadata: { name: 'with-init', labels: { app: 'with-init' } },
      spec: {
        initContainers: [{ name: 'migrate', image: 'busybox:1.36' }],
        containers: [{ name: 'main', image: 'nginx:1.27', resources: { requests: { cpu: '50m' } } }],
      },
    });
    const pod = await until(
      async () => {
        const p = (await api.get(`${NS}/pods/with-init`)).body;
        return p.status?.phase === 'Running' ? p : undefined;
      },
      'the pod to run',
      10_000,
    );
    expect(pod.status.initContainerStatuses[0]).toMatchObject({
      name: 'migrate',
      ready: true,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(pod.status.conditions.find((c: any) => c.type === 'Initialized').status).toBe('True');
    expect(pod.status.containerStatuses[0].state.running).toBeTruthy();
  });

  it('reports bad workload annotations and bad images on the pod, without breaking the node', async () => {
    await api.post(
      '/apis/apps/v1/namespaces/default/deployments',
      deployment('badcfg', 1, { 'entroos.io/cpu': 'lots' }),
    );
    await api.post(
      '/apis/apps/v1/namespaces/default/deployments',
      deployment('badimg', 1, {}, { image: 'Not A Valid//Image' }),
    );
    const bad = await until(
      async () => (await podsOf('badcfg'))[0]?.status?.containerStatuses?.[0]?.state?.waiting,
      'a waiting container',
    );
    expect(bad).toMatchObject({
      reason: 'CreateContainerConfigError',
      message: expect.stringContaining('entroos.io/cpu'),
    });
    const img = await until(
      async () => (await podsOf('badimg'))[0]?.status?.containerStatuses?.[0]?.state?.waiting,
      'a waiting container',
    );
    expect(img.reason).toBe('ErrImagePull');
    // The node still runs new pods.
    await api.post('/apis/apps/v1/namespaces/default/deployments', deployment('after', 2));
    await until(
      async () => (await podsOf('after')).filter((p) => p.status.phase === 'Running').length === 2,
      'two running pods',
    );
  });

  it('moves the pods of a node whose heartbeats stop (chaos), and brings the node back', async () => {
    const tolerate = {
      tolerations: [
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 },
      ],
    };
    await api.post('/apis/apps/v1/namespaces/default/deployments', deployment('mover', 3, {}, { spec: tolerate }));
    await until(
      async () => (await podsOf('mover')).filter((p) => p.status.phase === 'Running').length === 3,
      'three running pods',
    );
    const victimNode = (await podsOf('mover'))[0].spec.nodeName;
    const anon = await fetch(`${server.url}/apis/entroos.io/v1/nodes/${victimNode}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"action":"stop-heartbeats"}',
    });
    expect(anon.status).toBe(401);
    expect((await api.post(`/apis/entroos.io/v1/nodes/${victimNode}/faults`, { action: 'explode' })).status).toBe(422);
    expect(
      (await api.post(`/apis/entroos.io/v1/nodes/${victimNode}/faults`, { action: 'stop-heartbeats' })).status,
    ).toBe(200);
    // Grace is 40 s by default; this server uses ENTROOS_NODE_GRACE_SECONDS=2.
    await until(
      async () =>
        (await api.get(`/api/v1/nodes/${victimNode}`)).body.status.conditions.find((c: any) => c.type === 'Ready')
          .status === 'Unknown',
      'the node to turn Unknown',
      10_000,
    );
    await until(
      async () => {
        const pods = await podsOf('mover');
        return (
          pods.length === 3 &&
          pods.every((p) => p.spec.nodeName && p.spec.nodeName !== victimNode && p.status.phase === 'Running')
        );
      },
      'the pods to run elsewhere',
      15_000,
    );
    expect((await api.post(`/apis/entroos.io/v1/nodes/${victimNode}/faults`, { action: 'restore' })).status).toBe(200);
    await until(
      async () =>
        (await api.get(`/api/v1/nodes/${victimNode}`)).body.status.conditions.find((c: any) => c.type === 'Ready')
          .status === 'True',
      'the node to be Ready again',
      10_000,
    );
    await until(
      async () => !(await api.get(`/api/v1/nodes/${victimNode}`)).body.spec.taints?.length,
      'the taints to be lifted',
      10_000,
    );
  });

  it('injects container faults and node partitions', async () => {
    const pod = (await podsOf('web'))[0];
    const path = `/apis/entroos.io/v1/namespaces/default/pods/${pod.metadata.name}/faults`;
    expect((await api.post(path, { action: 'explode' })).status).toBe(422);
    expect((await api.post(path, { action: 'oom' })).status).toBe(200);
    const killed = await until(
      async () =>
        (await api.get(`${NS}/pods/${pod.metadata.name}`)).body.status.containerStatuses[0].lastState?.terminated,
      'the OOM kill',
    );
    expect(killed).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    await until(
      async () => (await api.get(`${NS}/pods/${pod.metadata.name}`)).body.status.containerStatuses[0].state.running,
      'the restart',
    );
    expect((await api.post(path, { action: 'fail' })).status).toBe(200);
    await until(
      async () =>
        (await api.get(`${NS}/pods/${pod.metadata.name}`)).body.status.containerStatuses[0].lastState?.terminated
          ?.reason === 'Error',
      'the injected failure',
    );

    // A partition stops heartbeats and status writes, but the containers keep running.
    const node = pod.spec.nodeName;
    const podReady = async () =>
      (await api.get(`${NS}/pods/${pod.metadata.name}`)).body.status.conditions.find((c: any) => c.type === 'Ready')
        .status;
    await until(async () => (await podReady()) === 'True', 'the pod to be Ready after its restart');
    expect(
      (await api.post(`/apis/entroos.io/v1/nodes/${node}/faults`, { action: 'slow-pulls', bytesPerSecond: 10 })).status,
    ).toBe(422);
    expect((await api.post(`/apis/entroos.io/v1/nodes/${node}/faults`, { action: 'partition' })).status).toBe(200);
    await until(
      async () =>
        (await api.get(`/api/v1/nodes/${node}`)).body.status.conditions.find((c: any) => c.type === 'Ready').status ===
        'Unknown',
      'the partitioned node to turn Unknown',
      10_000,
    );
    // kubectl's STATUS for Ready=Unknown is NotReady; the node cannot vouch for its pods, so they are not Ready.
    const table = await api.get(`/api/v1/nodes/${node}`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(table.body.rows[0].cells[1]).toMatch(/^NotReady/);
    await until(async () => (await podReady()) === 'False', 'the pod on the partitioned node to be not Ready', 10_000);
    expect((await api.post(`/apis/entroos.io/v1/nodes/${node}/faults`, { action: 'heal' })).status).toBe(200);
    await until(
      async () =>
        (await api.get(`/api/v1/nodes/${node}`)).body.status.conditions.find((c: any) => c.type === 'Ready').status ===
        'True',
      'the healed node to be Ready',
      10_000,
    );
    await until(async () => (await podReady()) === 'True', 'the healed node to report its pod Ready again', 10_000);
  });

  it('fails pulls of marked images with ErrImagePull then ImagePullBackOff, and pulls once the mark is cleared', async () => {
    const marks = '/apis/entroos.io/v1/images/marks';
    expect((await api.post(marks, { image: 'Bad Ref', mark: 'missing' })).body.message).toContain(
      'is not an image reference',
    );
    expect((await api.post(marks, { image: 'myorg/private', mark: 'stolen' })).status).toBe(422);
    expect((await api.post(marks, { image: 'myorg/private', mark: 'unauthorized' })).body.items).toEqual([
      { image: 'myorg/private', mark: 'unauthorized' },
    ]);
    const viewer = await userWithToken(server.url, adminToken, 'image-viewer', 'viewer');
    expect((await client(server.url, viewer.token).post(marks, { image: 'nginx', mark: 'missing' })).status).toBe(403);
    await api.post(
      '/apis/apps/v1/namespaces/default/deployments',
      deployment('private', 1, {}, { image: 'myorg/private:1.0' }),
    );
    const failed = await until(
      async () => (await podsOf('private'))[0]?.status?.containerStatuses?.[0]?.state?.waiting,
      'a waiting container',
    );
    expect(failed.reason).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
    expect(failed.message).toContain('pull access denied');
    await until(
      async () =>
        (await podsOf('private'))[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
      'ImagePullBackOff',
    );
    const name = (await podsOf('private'))[0].metadata.name;
    const events = (await api.get(`${NS}/events?fieldSelector=involvedObject.name%3D${name}`)).body.items.map(
      (e: any) => `${e.reason}: ${e.message}`,
    );
    expect(events.some((e: string) => e.startsWith('Failed: Failed to pull image "myorg/private:1.0"'))).toBe(true);
    expect(events.some((e: string) => e.startsWith('BackOff: Back-off pulling image'))).toBe(true);
    expect((await api.post(marks, { image: 'myorg/private', mark: 'none' })).body.items).toEqual([]);
    await until(
      async () => (await podsOf('private'))[0]?.status?.phase === 'Running',
      'the pod to run after the retry',
      15_000,
    );
  });

  it('honours imagePullPolicy Never and IfNotPresent', async () => {
    await api.post(`${NS}/pods`, {
      metadata: { name: 'never-pulled' },
      spec: { containers: [{ name: 'c', image: 'never-seen/image:1', imagePullPolicy: 'Never' }] },
    });
    const waiting = await until(
      async () => (await api.get(`${NS}/pods/never-pulled`)).body.status?.containerStatuses?.[0]?.state?.waiting,
      'a waiting container',
    );
    expect(waiting).toMatchObject({
      reason: 'ErrImageNeverPull',
      message: 'Container image "never-seen/image:1" is not present with pull policy of Never',
    });
    // busybox:1.36 is on every node by now (the web deployment): IfNotPresent does not pull it again.
    const node = (await podsOf('web'))[0].spec.nodeName;
    await api.post(`${NS}/pods`, {
      metadata: { name: 'cached' },
      spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' }] },
    });
    await until(
      async () => (await api.get(`${NS}/pods/cached`)).body.status?.phase === 'Running',
      'the cached pod to run',
    );
    const reasons = (await api.get(`${NS}/events?fieldSelector=involvedObject.name%3Dcached`)).body.items.map(
      (e: any) => `${e.reason}: ${e.message}`,
    );
    expect(reasons).toContain('Pulled: Container image "busybox:1.36" already present on machine');
    expect(reasons.some((r: string) => r.startsWith('Pulling'))).toBe(false);
  });

  it('gates readiness and endpoints on the readiness probe, and restarts a container whose liveness probe fails', async () => {
    const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 1 };
    await api.post(
      '/apis/apps/v1/namespaces/default/deployments',
      deployment(
        'probed',
        1,
        { 'entroos.io/ready-after': '2', 'entroos.io/hang-after': '4' },
        {
          spec: {
            containers: [
              {
                name: 'main',
                image: 'nginx:1.27',
                ports: [{ containerPort: 8080 }],
                readinessProbe: probe,
                livenessProbe: { ...probe, initialDelaySeconds: 3, failureThreshold: 2 },
              },
            ],
          },
        },
      ),
    );
    await api.post(`${NS}/services`, {
      metadata: { name: 'probed' },
      spec: { selector: { app: 'probed' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const running = await until(
      async () => (await podsOf('probed')).find((p) => p.status?.phase === 'Running'),
      'the probed pod to run',
    );
    expect(running.status.containerStatuses[0].ready).toBe(false);
    await until(
      async () => ((await api.get(`${NS}/endpoints/probed`)).body.subsets?.[0]?.notReadyAddresses ?? []).length === 1,
      'a not-ready endpoint address',
    );
    await until(
      async () => ((await api.get(`${NS}/endpoints/probed`)).body.subsets?.[0]?.addresses ?? []).length === 1,
      'a ready endpoint address',
      10_000,
    );
    const restarted = await until(
      async () => {
        const p = (await podsOf('probed'))[0];
        return p.status.containerStatuses[0].restartCount >= 1 ? p : undefined;
      },
      'the liveness restart',
      15_000,
    );
    expect(restarted.status.containerStatuses[0].lastState.terminated).toMatchObject({
      exitCode: 137,
      reason: 'Error',
    });
    const events = (
      await api.get(`${NS}/events?fieldSelector=involvedObject.name%3D${restarted.metadata.name}`)
    ).body.items.map((e: any) => `${e.reason}: ${e.message}`);
    expect(
      events.some((e: string) => e.startsWith('Unhealthy: Readiness probe failed: HTTP probe /healthz on port 8080')),
    ).toBe(true);
    expect(events.some((e: string) => e.startsWith('Unhealthy: Liveness probe failed'))).toBe(true);
    expect(events).toContain('Killing: Container main failed liveness probe, will be restarted');
  });

  it('follows logs until the container stops (kubectl logs -f), and shows the previous instance', async () => {
    await api.post(
      '/apis/apps/v1/namespaces/default/deployments',
      // Long enough to outlast kubectl's start on a busy machine: a container that already exited and is
      // backing off has no log to follow.
      deployment('shortlived', 1, { 'entroos.io/duration': '5', 'entroos.io/exit-code': '3' }),
    );
    const pod = await until(
      async () => (await podsOf('shortlived')).find((p) => p.status?.containerStatuses?.[0]?.state?.running),
      'a running container',
    );
    const kubectl = await kubectlFor(server);
    const started = Date.now();
    const followed = await kubectl.exec('logs', '-f', pod.metadata.name);
    expect(followed.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(300); // it waited for the exit
    expect(followed.stdout).toMatch(/starting busybox:1\.36 \(container main\)\n(.*\n)*exiting with code 3\n$/);
    await until(async () => (await podsOf('shortlived'))[0].status.containerStatuses[0].restartCount >= 1, 'a restart');
    expect(await kubectl.run('logs', pod.metadata.name, '--previous')).toMatch(/exiting with code 3\n$/);
    expect((await api.get(`${NS}/pods/${pod.metadata.name}/log?sinceSeconds=0`)).body.message).toContain(
      'sinceSeconds must be a positive integer',
    );
    expect((await api.get(`${NS}/pods/web-nope/log`)).status).toBe(404);
  });

  it('runs seeded chaos mode through the admin API and stops it', async () => {
    expect((await api.put('/apis/entroos.io/v1/chaos', { ratePerMinute: -1 })).body.message).toContain(
      'ratePerMinute must be above 0',
    );
    const viewer = await userWithToken(server.url, adminToken, 'chaos-viewer', 'viewer');
    expect((await client(server.url, viewer.token).get('/apis/entroos.io/v1/chaos')).status).toBe(403);
    const started = await api.put('/apis/entroos.io/v1/chaos', {
      seed: 11,
      ratePerMinute: 600,
      faults: ['fail-container'],
    });
    expect(started.body).toMatchObject({
      running: true,
      spec: { seed: 11, ratePerMinute: 600, faults: ['fail-container'] },
    });
    const status = await until(
      async () => {
        const s = (await api.get('/apis/entroos.io/v1/chaos')).body;
        return s.injected >= 3 ? s : undefined;
      },
      'three injected faults',
      10_000,
    );
    expect(status.recent[0]).toMatchObject({
      fault: 'fail-container',
      target: expect.stringMatching(/^[\w-]+\/[\w-]+\/\w+$/),
    });
    const stopped = await api.delete('/apis/entroos.io/v1/chaos');
    expect(stopped.body.running).toBe(false);
    const [ns, pod] = status.recent[0].target.split('/');
    await until(
      async () =>
        (await api.get(`/api/v1/namespaces/${ns}/pods/${pod}`)).body.status?.containerStatuses?.some(
          (c: any) => c.restartCount > 0 || c.lastState?.terminated,
        ),
      'the faulted container to show its exit',
    );
  });

  it('keeps the cluster history (capacity, requests, usage, pods) and publishes each sample on the socket', async () => {
    await api.post('/apis/apps/v1/namespaces/default/deployments', deployment('hist', 1));
    expect((await api.get('/apis/entroos.io/v1/history?window=2h')).body.message).toBe(
      'window must be one of 15m, 1h, 24h (got "2h")',
    );
    const points = await until(async () => {
      const h = (await api.get('/apis/entroos.io/v1/history?window=15m')).body;
      return h.points?.length && h.points.at(-1).podsRunning > 0 ? h.points : undefined;
    }, 'a sample with running pods');
    const last = points.at(-1);
    expect(last).toMatchObject({ nodesTotal: 3, t: expect.any(Number), n: expect.any(Number) });
    expect(last.cpuCapacity).toBeGreaterThan(last.cpuRequested);
    expect(last.cpuUsed).toBeGreaterThan(0);
    expect(last.memUsed).toBeGreaterThan(0);
    expect((await api.get('/apis/entroos.io/v1/history?window=24h')).body).toMatchObject({
      window: '24h',
      stepSeconds: 600,
    });
    const node = (await api.get('/apis/entroos.io/v1/history/nodes/entroos-node-1')).body;
    expect(node.points.length).toBeGreaterThan(0);
    expect(node.points.at(-1).cpuUsed).toBeGreaterThanOrEqual(100); // the node's own overhead at least
    expect((await api.get('/apis/entroos.io/v1/history/nodes/no-such-node')).body.points).toEqual([]);
    const socket = connectSocket(server.url, adminToken);
    await connected(socket);
    const sample = new Promise<any>((resolve) => socket.on('platform', ({ event }: { event: any }) => resolve(event)));
    expect(await subscribe(socket, { id: 'h', stream: 'platform', topics: ['metrics.sample'] })).toMatchObject({
      ok: true,
    });
    expect(await sample).toMatchObject({ topic: 'metrics.sample', data: { nodesTotal: 3 } });
    socket.close();
  });

  it('finishes a graceful deletion on the node', async () => {
    const pod = (await podsOf('after'))[0];
    const res = await api.delete(`${NS}/pods/${pod.metadata.name}`);
    expect([200, 202]).toContain(res.status);
    expect(res.body.metadata.deletionTimestamp).toBeTruthy();
    await until(
      async () => (await api.get(`${NS}/pods/${pod.metadata.name}`)).status === 404,
      'the pod to be gone',
      5000,
    );
    const killing = (await api.get(`${NS}/events?fieldSelector=reason%3DKilling`)).body.items;
    expect(killing.some((e: any) => e.involvedObject.name === pod.metadata.name)).toBe(true);
  });
});
