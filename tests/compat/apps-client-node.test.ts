import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { ADMIN_PASSWORD, ROOT, startServer, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/kubectl.ts';

// StatefulSets, DaemonSets and ControllerRevisions through the official JavaScript client, unmodified, against a
// server with two simulated nodes.

describe('@kubernetes/client-node: StatefulSets and DaemonSets', () => {
  let server: TestServer;
  let kc: k8s.KubeConfig;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;
  const namespace = 'default';
  const template = (app: string, image: string) => ({
    metadata: { labels: { app } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'c', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
    },
  });

  beforeAll(async () => {
    server = await startServer({ env: { ENTROOS_NODES: '2' } });
    const out = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/kubeconfig.ts', '--server', server.url, '--password', ADMIN_PASSWORD],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    kc = new k8s.KubeConfig();
    kc.loadFromString(out.stdout);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates a StatefulSet, watches it become ready, scales it and reads its revisions', async () => {
    const seen: string[] = [];
    const watch = await new k8s.Watch(kc).watch(
      `/apis/apps/v1/namespaces/${namespace}/statefulsets`,
      {},
      (type: string, obj: k8s.V1StatefulSet) => seen.push(`${type}:${obj.status?.readyReplicas ?? 0}`),
      () => {},
    );
    const created = await apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: template('db', 'postgres:16'),
        },
      },
    });
    expect(created.spec?.podManagementPolicy).toBe('OrderedReady');
    expect(created.spec?.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    const ready = await until(
      async () => {
        const s = await apps.readNamespacedStatefulSetStatus({ name: 'db', namespace });
        return s.status?.readyReplicas === 2 ? s : undefined;
      },
      'two ready replicas',
      20_000,
    );
    if (!ready) throw new Error('until resolves only with a value');
    expect(ready.status?.currentRevision).toBe(ready.status?.updateRevision);
    await until(() => seen.includes('MODIFIED:2'), 'the watch to see readyReplicas 2');
    watch.abort();

    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=db' });
    expect(pods.items.map((p) => p.metadata?.name).sort()).toEqual(['db-0', 'db-1']);

    const scale = await apps.readNamespacedStatefulSetScale({ name: 'db', namespace });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe('app=db');
    await apps.replaceNamespacedStatefulSetScale({
      name: 'db',
      namespace,
      body: { metadata: { name: 'db', namespace }, spec: { replicas: 1 } },
    });
    await until(
      async () => (await core.listNamespacedPod({ namespace, labelSelector: 'app=db' })).items.length === 1,
      'db-1 to go',
      20_000,
    );

    const revisions = await apps.listNamespacedControllerRevision({ namespace, labelSelector: 'app=db' });
    expect(revisions.items).toHaveLength(1);
    expect(revisions.items[0].revision).toBe(1);
    expect(revisions.items[0].metadata?.name).toBe(ready.status?.updateRevision);
    expect(revisions.items[0].metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'db' });

    await expect(
      apps.patchNamespacedStatefulSet(
        { name: 'db', namespace, body: { spec: { serviceName: 'other' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    ).rejects.toMatchObject({ code: 422 });
  });

  it('creates a DaemonSet with one pod per node and updates it', async () => {
    await apps.createNamespacedDaemonSet({
      namespace,
      body: {
        metadata: { name: 'logs' },
        spec: { selector: { matchLabels: { app: 'logs' } }, template: template('logs', 'fluentd:1') },
      },
    });
    const status = await until(
      async () => {
        const s = (await apps.readNamespacedDaemonSet({ name: 'logs', namespace })).status;
        return s?.numberReady === 2 ? s : undefined;
      },
      'two ready daemon pods',
      20_000,
    );
    expect(status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0 });
    await apps.patchNamespacedDaemonSet(
      {
        name: 'logs',
        namespace,
        body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'fluentd:2' }] } } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    await until(
      async () => {
        const s = (await apps.readNamespacedDaemonSet({ name: 'logs', namespace })).status;
        return s?.observedGeneration === 2 && s.updatedNumberScheduled === 2 && s.numberAvailable === 2;
      },
      'the update to roll out',
      30_000,
    );
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=logs' });
    expect(pods.items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.spec?.containers[0].image)).toEqual([
      'fluentd:2',
      'fluentd:2',
    ]);
    const revisions = await apps.listNamespacedControllerRevision({ namespace, labelSelector: 'app=logs' });
    expect(revisions.items.map((r) => r.revision).sort()).toEqual([1, 2]);
    await apps.deleteNamespacedDaemonSet({ name: 'logs', namespace });
    await until(
      async () => (await core.listNamespacedPod({ namespace, labelSelector: 'app=logs' })).items.length === 0,
      'the garbage collector to remove its pods',
      20_000,
    );
  });
});
