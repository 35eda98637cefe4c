import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startServer, ROOT, ADMIN_PASSWORD, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/kubectl.ts';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.ts';

// The official JavaScript client, unmodified, with a kubeconfig from `npm run -s kubeconfig`.

type Event = { type: string; name: string; rv: string };

describe.each(PROVIDERS)('@kubernetes/client-node against EntroOS on $name', ({ create }) => {
  let server: TestServer;
  let database: TestDatabase;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;

  beforeAll(async () => {
    database = await create();
    server = await startServer({ env: { DATABASE_URL: database.url } });
    const out = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/kubeconfig.ts', '--server', server.url, '--password', ADMIN_PASSWORD],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    kc = new k8s.KubeConfig();
    kc.loadFromString(out.stdout);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('creates, lists, gets, patches and deletes pods', async () => {
    const created = await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'client-pod', labels: { via: 'client-node' } },
        spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
      },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.status?.phase).toBe('Pending');
    const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'via=client-node' });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['client-pod']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    const patched = await core.patchNamespacedPod(
      { name: 'client-pod', namespace: 'default', body: { metadata: { labels: { patched: 'true' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels).toMatchObject({ via: 'client-node', patched: 'true' });
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    const fetched = await core.readNamespacedPod({ name: 'client-pod', namespace: 'default' });
    expect(fetched.metadata?.resourceVersion).toBe(patched.metadata?.resourceVersion);
    // A stale resourceVersion is a 409 Conflict.
    const stale = { ...fetched, metadata: { ...fetched.metadata, resourceVersion: created.metadata?.resourceVersion } };
    await expect(
      core.replaceNamespacedPod({ name: 'client-pod', namespace: 'default', body: stale }),
    ).rejects.toMatchObject({ code: 409 });
    await core.deleteNamespacedPod({ name: 'client-pod', namespace: 'default' });
    await expect(core.readNamespacedPod({ name: 'client-pod', namespace: 'default' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('creates, patches and deletes nodes', async () => {
    await core.createNode({
      body: {
        metadata: { name: 'node-a', labels: { zone: 'a' } },
        status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
      },
    });
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toContain('node-a');
    const cordoned = await core.patchNode(
      { name: 'node-a', body: { spec: { unschedulable: true } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(cordoned.spec?.unschedulable).toBe(true);
    await core.deleteNode({ name: 'node-a' });
    expect((await core.listNode()).items.map((n) => n.metadata?.name)).not.toContain('node-a');
  });

  it('creates a deployment that the controllers turn into a ReplicaSet and pods, patches and deletes it', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'client-deploy' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'cd' } },
          template: { metadata: { labels: { app: 'cd' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
        },
      },
    });
    await until(
      async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=cd' })).items.length === 2,
      'two pods',
    );
    await apps.patchNamespacedDeployment(
      { name: 'client-deploy', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 4 }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    await until(
      async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=cd' })).items.length === 4,
      'four pods',
    );
    const deployment = await apps.readNamespacedDeployment({ name: 'client-deploy', namespace: 'default' });
    expect(deployment.spec?.replicas).toBe(4);
    await until(
      async () =>
        (await apps.readNamespacedDeployment({ name: 'client-deploy', namespace: 'default' })).status?.replicas === 4,
      'status.replicas = 4',
    );
    await apps.deleteNamespacedDeployment({
      name: 'client-deploy',
      namespace: 'default',
      propagationPolicy: 'Foreground',
    });
    await until(
      async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=cd' })).items.length === 0,
      'pods collected',
    );
    await until(
      async () =>
        (await apps.listNamespacedDeployment({ namespace: 'default' })).items.every(
          (d) => d.metadata?.name !== 'client-deploy',
        ),
      'deployment gone after its dependents',
    );
  });

  it('watches ADDED, MODIFIED and DELETED, and resumes from a resourceVersion', async () => {
    // schedulerName "manual" keeps the scheduler from writing to this pod, so the events are exactly ours.
    const watch = new k8s.Watch(kc);
    const seen: Event[] = [];
    const start = (await core.listNamespacedPod({ namespace: 'default' })).metadata!.resourceVersion!;
    const controller = await watch.watch(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: start, labelSelector: 'w=1' },
      (type, obj) => seen.push({ type, name: obj.metadata.name, rv: obj.metadata.resourceVersion }),
      () => {},
    );
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'watched', labels: { w: '1' } },
        spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    await core.patchNamespacedPod(
      { name: 'watched', namespace: 'default', body: { metadata: { annotations: { a: 'b' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedPod({ name: 'watched', namespace: 'default' });
    await until(() => seen.length >= 3, 'three watch events');
    controller.abort();
    expect(seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);

    // Resuming after the first event replays exactly the later ones.
    const resumed: Event[] = [];
    const again = await watch.watch(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: seen[0].rv, labelSelector: 'w=1' },
      (type, obj) => resumed.push({ type, name: obj.metadata.name, rv: obj.metadata.resourceVersion }),
      () => {},
    );
    await until(() => resumed.length >= 2, 'the replayed events');
    again.abort();
    expect(resumed.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(resumed.map((e) => e.rv)).toEqual([seen[1].rv, seen[2].rv]);
  });

  it("drives a custom resource's whole life: CRD, create, validate, list, watch, patch, apply, delete", async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const gvp = { group: 'stable.example.com', version: 'v1', namespace: 'default', plural: 'widgets' };
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.stable.example.com' },
        spec: {
          group: 'stable.example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: {
                        size: { type: 'integer', minimum: 1, maximum: 10, _default: 3 },
                        color: { type: 'string' },
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
    await until(async () => {
      const crd = await ext.readCustomResourceDefinition({ name: 'widgets.stable.example.com' });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    }, 'the CRD to be established');

    const seen: string[] = [];
    let ended: unknown;
    const controller = await new k8s.Watch(kc).watch(
      '/apis/stable.example.com/v1/namespaces/default/widgets',
      {},
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      (err) => (ended = err ?? 'closed by the server'),
    );
    const created = await custom.createNamespacedCustomObject({
      ...gvp,
      body: { apiVersion: 'stable.example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { color: 'red' } },
    });
    expect(created.spec).toEqual({ color: 'red', size: 3 });
    const invalid = await custom
      .createNamespacedCustomObject({
        ...gvp,
        body: { apiVersion: 'stable.example.com/v1', kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 99 } },
      })
      .then(
        () => undefined,
        (err: k8s.ApiException<string>) => err,
      );
    expect(invalid?.code).toBe(422);
    expect(invalid?.body).toContain('spec.size');
    const list = await custom.listNamespacedCustomObject(gvp);
    expect(list.items.map((w: { metadata: { name: string } }) => w.metadata.name)).toEqual(['w1']);
    const patched = await custom.patchNamespacedCustomObject(
      { ...gvp, name: 'w1', body: { spec: { color: 'blue' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.spec).toEqual({ color: 'blue', size: 3 });
    const apply = (force: boolean) =>
      custom.patchNamespacedCustomObject(
        {
          ...gvp,
          name: 'w1',
          fieldManager: 'client-node-test',
          force,
          body: { apiVersion: 'stable.example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 5 } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
      );
    // The creator (manager "node-fetch", from the client's User-Agent) owns spec.size: applying another value
    // conflicts until the applier forces it.
    const conflict = await apply(false).then(
      () => undefined,
      (err: k8s.ApiException<string>) => err,
    );
    expect(conflict?.code).toBe(409);
    expect(conflict?.body).toContain('.spec.size');
    const applied = await apply(true);
    expect(applied.spec).toMatchObject({ size: 5 });
    expect(applied.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('client-node-test');
    await custom.deleteNamespacedCustomObject({ ...gvp, name: 'w1' });
    await until(() => seen.includes('DELETED w1'), 'the watch to see the delete').catch((err: Error) => {
      throw new Error(`${err.message}; saw ${JSON.stringify(seen)}; the watch ended: ${String(ended ?? 'no')}`);
    });
    controller.abort();
    expect(seen.slice(0, 1)).toEqual(['ADDED w1']);

    await ext.deleteCustomResourceDefinition({ name: 'widgets.stable.example.com' });
    await until(
      () =>
        custom.listNamespacedCustomObject(gvp).then(
          () => false,
          (err: k8s.ApiException<string>) => err.code === 404,
        ),
      'the custom type to disappear with its CRD',
    );
  });
});
