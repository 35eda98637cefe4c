import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, ROOT, ADMIN_PASSWORD, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/kubectl.ts';

// PodDisruptionBudgets, evictions and HorizontalPodAutoscalers through the official JavaScript client
// (PolicyV1Api, CoreV1Api.createNamespacedPodEviction, AutoscalingV2Api and V1Api), unmodified, on simulated nodes.

describe('@kubernetes/client-node PolicyV1Api and AutoscalingV2Api against EntroOS', () => {
  let server: TestServer;
  let policy: k8s.PolicyV1Api;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let autoscaling: k8s.AutoscalingV2Api;
  let autoscalingV1: k8s.AutoscalingV1Api;
  let kc: k8s.KubeConfig;

  beforeAll(async () => {
    server = await startServer({
      env: {
        ENTROOS_NODES: '2',
        ENTROOS_HPA_SYNC_SECONDS: '0.5',
        ENTROOS_TEST_DIST_DIR: process.env.ENTROOS_TEST_DIST_DIR,
      },
    });
    const out = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/kubeconfig.ts', '--server', server.url, '--password', ADMIN_PASSWORD],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    kc = new k8s.KubeConfig();
    kc.loadFromString(out.stdout);
    policy = kc.makeApiClient(k8s.PolicyV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
    autoscalingV1 = kc.makeApiClient(k8s.AutoscalingV1Api);
  });
  afterAll(async () => {
    await server?.stop();
  });

  // readyAfter: seconds until a pod is Ready (through a readiness probe), so a replacement cannot restore a budget
  // between an eviction and the read that checks what the eviction did to it.
  const deployment = (name: string, replicas: number, cpu = '20m', readyAfter?: number): k8s.V1Deployment => ({
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          annotations: {
            'entroos.io/cpu': cpu,
            ...(readyAfter ? { 'entroos.io/ready-after': String(readyAfter) } : {}),
          },
        },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: 'nginx:1.27',
              resources: { requests: { cpu: '100m' } },
              ...(readyAfter ? { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } } : {}),
            },
          ],
        },
      },
    },
  });

  it('creates a budget, reads its typed status and refuses an eviction beyond it with a 429', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('cn-pdb', 2, '20m', 5) });
    const created = await policy.createNamespacedPodDisruptionBudget({
      namespace: 'default',
      body: { metadata: { name: 'cn-pdb' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'cn-pdb' } } } },
    });
    expect(created.spec?.maxUnavailable).toBe(0);
    const status = (await until(
      async () => {
        const read = await policy.readNamespacedPodDisruptionBudgetStatus({ namespace: 'default', name: 'cn-pdb' });
        return read.status?.currentHealthy === 2 ? read.status : undefined;
      },
      'two healthy pods',
      30_000,
    )) as k8s.V1PodDisruptionBudgetStatus;
    expect(status).toMatchObject({ expectedPods: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(status.conditions?.[0]).toMatchObject({
      type: 'DisruptionAllowed',
      status: 'False',
      reason: 'InsufficientPods',
    });

    const listed = await policy.listPodDisruptionBudgetForAllNamespaces();
    expect(listed.items.map((p) => p.metadata?.name)).toContain('cn-pdb');

    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=cn-pdb' });
    const name = pods.items[0].metadata!.name!;
    const refused = await core
      .createNamespacedPodEviction({ namespace: 'default', name, body: { metadata: { name, namespace: 'default' } } })
      .then(
        () => undefined,
        (err: k8s.ApiException<string>) => err,
      );
    expect(refused?.code).toBe(429);
    expect(JSON.parse(refused!.body)).toMatchObject({
      reason: 'TooManyRequests',
      details: {
        causes: [{ reason: 'DisruptionBudget', message: expect.stringContaining('cn-pdb needs 2 healthy pods') }],
      },
    });

    await policy.patchNamespacedPodDisruptionBudget(
      { namespace: 'default', name: 'cn-pdb', body: { spec: { maxUnavailable: 1 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      async () =>
        (await policy.readNamespacedPodDisruptionBudget({ namespace: 'default', name: 'cn-pdb' })).status
          ?.disruptionsAllowed === 1,
      'one disruption allowed',
      20_000,
    );
    const before = (await policy.readNamespacedPodDisruptionBudget({ namespace: 'default', name: 'cn-pdb' })).metadata!
      .resourceVersion!;
    await core.createNamespacedPodEviction({
      namespace: 'default',
      name,
      body: { metadata: { name, namespace: 'default' } },
    });
    // The eviction's own write to the budget, read with client-node's Watch: the budget rightly allows a disruption
    // again as soon as the Deployment's replacement pod is ready, so a read after the eviction would race that.
    const taken = await new Promise<k8s.V1PodDisruptionBudgetStatus>((resolve, reject) => {
      let watching: AbortController | undefined;
      let settled = false;
      const timer = setTimeout(() => {
        watching?.abort();
        reject(new Error('no write to cn-pdb recorded the eviction within 10 s'));
      }, 10_000);
      void new k8s.Watch(kc)
        .watch(
          '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
          { resourceVersion: before, fieldSelector: 'metadata.name=cn-pdb' },
          (_type, budget: k8s.V1PodDisruptionBudget) => {
            if (!budget.status?.disruptedPods?.[name]) return;
            settled = true;
            clearTimeout(timer);
            watching?.abort();
            resolve(budget.status);
          },
          () => undefined,
        )
        .then((controller) => {
          watching = controller;
          // Found before the watch call answered: stop it now.
          if (settled) controller.abort();
        }, reject);
    });
    expect(taken.disruptionsAllowed).toBe(0);
    await policy.deleteNamespacedPodDisruptionBudget({ namespace: 'default', name: 'cn-pdb' });
  });

  it('refuses an invalid budget with a 422 naming the field', async () => {
    const err = await policy
      .createNamespacedPodDisruptionBudget({
        namespace: 'default',
        body: { metadata: { name: 'cn-bad' }, spec: { minAvailable: '200%' } },
      })
      .then(
        () => undefined,
        (e: k8s.ApiException<string>) => e,
      );
    expect(err?.code).toBe(422);
    expect(JSON.parse(err!.body).details.causes[0]).toMatchObject({ field: 'spec.minAvailable' });
  });

  it('creates an autoscaler at v2, reads it at v1, and sees it report its metrics', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('cn-hpa', 1, '30m') });
    const created = await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: 'default',
      body: {
        metadata: { name: 'cn-hpa' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cn-hpa' },
          maxReplicas: 3,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
          ],
        },
      },
    });
    expect(created.spec?.minReplicas).toBe(1);
    const reported = (await until(
      async () => {
        const h = await autoscaling.readNamespacedHorizontalPodAutoscalerStatus({
          namespace: 'default',
          name: 'cn-hpa',
        });
        return h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization !== undefined ? h : undefined;
      },
      'current metrics',
      30_000,
    )) as k8s.V2HorizontalPodAutoscaler;
    expect(reported.status?.currentReplicas).toBe(1);
    // 30m of 100m is 30 %: below the 60 % target, but the minimum is 1.
    expect(reported.status?.desiredReplicas).toBe(1);
    expect(reported.status?.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'True',
      reason: 'ValidMetricFound',
    });

    const v1 = await autoscalingV1.readNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'cn-hpa' });
    expect(v1.spec?.targetCPUUtilizationPercentage).toBe(60);
    expect(v1.status?.currentCPUUtilizationPercentage).toEqual(expect.any(Number));
    const v1List = await autoscalingV1.listNamespacedHorizontalPodAutoscaler({ namespace: 'default' });
    expect(v1List.items.map((h) => h.apiVersion)).toEqual(['autoscaling/v1']);
    await autoscaling.deleteNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'cn-hpa' });
  });
});
