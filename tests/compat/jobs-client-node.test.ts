import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, ROOT, ADMIN_PASSWORD, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/kubectl.ts';

// Jobs and CronJobs through the official JavaScript client (BatchV1Api), unmodified, on simulated nodes.

describe('@kubernetes/client-node BatchV1Api against EntroOS', () => {
  let server: TestServer;
  let batch: k8s.BatchV1Api;
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    server = await startServer({ env: { ENTROOS_NODES: '1', ENTROOS_CRASH_BACKOFF_MS: '200' } });
    const out = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/kubeconfig.ts', '--server', server.url, '--password', ADMIN_PASSWORD],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(out.stdout);
    batch = kc.makeApiClient(k8s.BatchV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const template = (annotations: Record<string, string>): k8s.V1PodTemplateSpec => ({
    metadata: { annotations },
    spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36' }] },
  });

  it('creates a Job, reads its generated selector, and sees it complete with typed status', async () => {
    const created = await batch.createNamespacedJob({
      namespace: 'default',
      body: { metadata: { name: 'cn-job' }, spec: { template: template({ 'entroos.io/duration': '0.2' }) } },
    });
    expect(created.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']).toBe(created.metadata?.uid);
    expect(created.spec?.template.metadata?.labels).toMatchObject({
      'batch.kubernetes.io/job-name': 'cn-job',
      'job-name': 'cn-job',
    });
    expect(created.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
    });
    const done = await until(
      async () => {
        const job = await batch.readNamespacedJobStatus({ name: 'cn-job', namespace: 'default' });
        return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? job : undefined;
      },
      'the Job to complete',
      20_000,
    );
    expect(done?.status?.succeeded).toBe(1);
    expect(done?.status?.startTime).toBeInstanceOf(Date);
    expect(done?.status?.completionTime).toBeInstanceOf(Date);
    const pods = await core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'batch.kubernetes.io/job-name=cn-job',
    });
    expect(pods.items).toHaveLength(1);
    expect(pods.items[0].metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Job',
      name: 'cn-job',
      controller: true,
    });
  });

  it('answers an invalid Job with a 422 whose causes name the fields', async () => {
    const err = await batch
      .createNamespacedJob({
        namespace: 'default',
        body: {
          metadata: { name: 'cn-bad' },
          spec: {
            backoffLimit: -1,
            template: { spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'busybox' }] } },
          },
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as k8s.ApiException<string>,
      );
    expect(err?.code).toBe(422);
    const status = JSON.parse(err?.body ?? '{}');
    expect(status.reason).toBe('Invalid');
    expect(status.details.causes.map((c: { field: string }) => c.field)).toEqual(
      expect.arrayContaining(['spec.backoffLimit', 'spec.template.spec.restartPolicy']),
    );
  });

  it('suspends a Job with a merge patch and deletes it with its pods (background propagation)', async () => {
    await batch.createNamespacedJob({
      namespace: 'default',
      body: { metadata: { name: 'cn-long' }, spec: { template: template({ 'entroos.io/duration': '30' }) } },
    });
    await until(
      async () => (await batch.readNamespacedJob({ name: 'cn-long', namespace: 'default' })).status?.active === 1,
      'an active pod',
    );
    await batch.patchNamespacedJob(
      { name: 'cn-long', namespace: 'default', body: { spec: { suspend: true } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(async () => {
      const job = await batch.readNamespacedJob({ name: 'cn-long', namespace: 'default' });
      return job.status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'True');
    }, 'the Suspended condition');
    await batch.patchNamespacedJob(
      { name: 'cn-long', namespace: 'default', body: { spec: { suspend: false } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      async () => (await batch.readNamespacedJob({ name: 'cn-long', namespace: 'default' })).status?.active === 1,
      'a new pod',
    );
    await batch.deleteNamespacedJob({ name: 'cn-long', namespace: 'default', propagationPolicy: 'Background' });
    await until(
      async () =>
        (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'batch.kubernetes.io/job-name=cn-long' }))
          .items.length === 0,
      'the pods deleted with their Job',
      15_000,
    );
  });

  it('creates, lists and suspends a CronJob', async () => {
    const created = await batch.createNamespacedCronJob({
      namespace: 'default',
      body: {
        metadata: { name: 'cn-cron' },
        spec: {
          schedule: '@hourly',
          timeZone: 'Europe/Paris',
          jobTemplate: { spec: { template: template({}) } },
        },
      },
    });
    expect(created.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3 });
    const list = await batch.listNamespacedCronJob({ namespace: 'default' });
    expect(list.items.map((c) => c.metadata?.name)).toContain('cn-cron');
    const patched = await batch.patchNamespacedCronJob(
      { name: 'cn-cron', namespace: 'default', body: { spec: { suspend: true } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.spec?.suspend).toBe(true);
    const err = await batch
      .createNamespacedCronJob({
        namespace: 'default',
        body: {
          metadata: { name: 'cn-cron-bad' },
          spec: { schedule: 'not a schedule', jobTemplate: { spec: { template: template({}) } } },
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as k8s.ApiException<string>,
      );
    expect(err?.code).toBe(422);
    expect(JSON.parse(err?.body ?? '{}').details.causes[0].field).toBe('spec.schedule');
  });
});
