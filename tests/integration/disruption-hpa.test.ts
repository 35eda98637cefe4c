import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';
import type { PodDisruptionBudgetStatus } from '@/lib/apimachinery/generated/kinds.ts';

// PodDisruptionBudgets honoured by the eviction API (and so by kubectl drain), and HorizontalPodAutoscalers
// scaling Deployments from the simulated nodes' usage, against a real server with simulated nodes.

let server: TestServer;
let api: ReturnType<typeof client>;
let kubectl: Kubectl;
let token: string;
/** A JSON merge patch (the test client sends application/json, which PATCH refuses). */
const patch = async (path: string, body: unknown) => {
  const res = await fetch(server.url + path, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const NS = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
const HPAS = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';

const deployment = (
  name: string,
  replicas: number,
  annotations: Record<string, string> = {},
  container: Record<string, unknown> = {},
) => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'main', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } }, ...container },
        ],
      },
    },
  },
});

const podsOf = async (app: string) =>
  ((await api.get(`${NS}/pods?labelSelector=app%3D${app}`)).body.items as any[]).filter(
    (p) => !p.metadata.deletionTimestamp,
  );
const readyPods = async (app: string) =>
  (await podsOf(app)).filter((p) =>
    (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
  );
/** The first status of budget `name` written after resourceVersion `rv` that `wanted` accepts (from a watch). */
async function budgetWrittenAfter(
  name: string,
  rv: string,
  wanted: (status: PodDisruptionBudgetStatus) => boolean,
): Promise<PodDisruptionBudgetStatus> {
  const res = await fetch(
    `${server.url}${PDBS}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3D${name}`,
    { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) },
  );
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the watch of ${name} ended before the status looked for`);
      buffered += value;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const status = line.trim()
          ? (JSON.parse(line).object?.status as PodDisruptionBudgetStatus | undefined)
          : undefined;
        if (status && wanted(status)) return status;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
const evict = (name: string, body: Record<string, unknown> = {}, query = '') =>
  api.post(`${NS}/pods/${name}/eviction${query}`, {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace: 'default' },
    ...body,
  });
const pdb = async (name: string) => (await api.get(`${PDBS}/${name}`)).body;

beforeAll(async () => {
  server = await startServer({
    env: {
      ENTROOS_NODES: '3',
      ENTROOS_HPA_SYNC_SECONDS: '0.5',
      ENTROOS_TEST_DIST_DIR: process.env.ENTROOS_TEST_DIST_DIR,
    },
  });
  token = await login(server.url);
  api = client(server.url, token);
  kubectl = await kubectlFor(server);
});
afterAll(async () => {
  await server?.stop();
});

describe('PodDisruptionBudget', () => {
  it('validates budgets like kube-apiserver (422 naming each field)', async () => {
    const both = await api.post(PDBS, {
      metadata: { name: 'bad' },
      spec: { minAvailable: 1, maxUnavailable: '10%', selector: { matchLabels: { app: 'x' } } },
    });
    expect(both.status).toBe(422);
    expect(both.body.details.causes).toContainEqual(
      expect.objectContaining({ field: 'spec', message: expect.stringContaining('cannot be both set') }),
    );
    const wrong = await api.post(PDBS, {
      metadata: { name: 'bad' },
      spec: {
        minAvailable: '150%',
        selector: { matchExpressions: [{ key: 'a', operator: 'In' }] },
        unhealthyPodEvictionPolicy: 'Never',
      },
    });
    expect(wrong.status).toBe(422);
    const fields = wrong.body.details.causes.map((c: any) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.minAvailable',
        'spec.selector.matchExpressions[0].values',
        'spec.unhealthyPodEvictionPolicy',
      ]),
    );
    const notPercent = await api.post(PDBS, { metadata: { name: 'bad' }, spec: { maxUnavailable: 'ten' } });
    expect(notPercent.status).toBe(422);
    expect(notPercent.body.details.causes[0]).toMatchObject({
      field: 'spec.maxUnavailable',
      reason: 'FieldValueInvalid',
    });
  });

  it('keeps the status current and prints the kubectl columns', async () => {
    expect((await api.post(`${APPS}/deployments`, deployment('status', 3))).status).toBe(201);
    expect(
      (
        await api.post(PDBS, {
          metadata: { name: 'status' },
          spec: { maxUnavailable: '34%', selector: { matchLabels: { app: 'status' } } },
        })
      ).status,
    ).toBe(201);
    const ready = await until(
      async () => {
        const s = (await pdb('status')).status;
        return s?.currentHealthy === 3 && s;
      },
      'the budget to see 3 healthy pods',
      30_000,
    );
    // 34 % of 3 rounds up to 2 unavailable: 1 must stay healthy.
    expect(ready).toMatchObject({ expectedPods: 3, desiredHealthy: 1, disruptionsAllowed: 2, observedGeneration: 1 });
    expect(ready.conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }),
    );
    const out = await kubectl.run('get', 'pdb', 'status');
    expect(out).toMatch(/NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/);
    expect(out).toMatch(/status\s+N\/A\s+34%\s+2\s+/);
  });

  it('answers 429 with the budget as the cause, honours dry runs and v1beta1 bodies', async () => {
    await api.post(`${APPS}/deployments`, deployment('tight', 2));
    await api.post(PDBS, {
      metadata: { name: 'tight' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'tight' } } },
    });
    await until(async () => (await pdb('tight')).status?.currentHealthy === 2, 'tight to be healthy', 30_000);
    const [victim] = await podsOf('tight');
    const refused = await evict(victim.metadata.name);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget tight needs 2 healthy pods and has 2 currently',
          },
        ],
      },
    });
    // A v1beta1 Eviction is read the same way.
    expect((await evict(victim.metadata.name, { apiVersion: 'policy/v1beta1' })).status).toBe(429);
    expect((await evict(victim.metadata.name, { metadata: { name: 'other' } })).status).toBe(400);

    await patch(`${PDBS}/tight`, { spec: { minAvailable: 1 } });
    await until(
      async () => (await pdb('tight')).status?.disruptionsAllowed === 1,
      'a disruption to be allowed',
      10_000,
    );
    const dry = await evict(victim.metadata.name, {}, '?dryRun=All');
    expect(dry.status).toBe(201);
    expect((await pdb('tight')).status.disruptionsAllowed).toBe(1);
    expect((await api.get(`${NS}/pods/${victim.metadata.name}`)).body.metadata.deletionTimestamp).toBeUndefined();

    // Two budgets over one pod: upstream refuses, and so do we.
    await api.post(PDBS, {
      metadata: { name: 'tight-2' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'tight' } } },
    });
    const twice = await evict(victim.metadata.name);
    expect(twice.status).toBe(500);
    expect(twice.body.message).toContain('more than one PodDisruptionBudget');
    await api.delete(`${PDBS}/tight-2`);

    const before = (await api.get(`${PDBS}/tight`)).body.metadata.resourceVersion as string;
    const ok = await evict(victim.metadata.name);
    expect(ok.status).toBe(201);
    // The eviction's own write to the budget: one disruption taken and the pod recorded as disrupted. Read from a
    // watch, because the budget rightly moves on as soon as the Deployment's replacement pod is ready.
    const taken = await budgetWrittenAfter('tight', before, (s) => !!s.disruptedPods?.[victim.metadata.name]);
    expect(taken.disruptionsAllowed).toBe(0);
    const evicted = (await api.get(`${NS}/pods/${victim.metadata.name}`)).body;
    if (evicted.kind === 'Pod') {
      expect(evicted.metadata.deletionTimestamp).toBeDefined();
      expect(evicted.status.conditions).toContainEqual(
        expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' }),
      );
    }
  });

  it('evicts an unready pod only as unhealthyPodEvictionPolicy allows', async () => {
    const probe = { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } };
    await api.post(`${APPS}/deployments`, deployment('sick', 1, { 'entroos.io/ready-after': '3600' }, probe));
    await api.post(PDBS, {
      metadata: { name: 'sick' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'sick' } } },
    });
    const [running] = (await until(
      async () => {
        const pods = (await podsOf('sick')).filter((p) => p.status.phase === 'Running');
        return pods.length === 1 && (await pdb('sick')).status?.expectedPods === 1 && pods;
      },
      'a running, unready pod',
      30_000,
    )) as any[];
    // IfHealthyBudget (the default): the application is not healthy, so the budget has nothing to give.
    const refused = await evict(running.metadata.name);
    expect(refused.status).toBe(429);
    expect(refused.body.details.causes[0].message).toBe(
      'The disruption budget sick needs 1 healthy pods and has 0 currently',
    );
    await patch(`${PDBS}/sick`, { spec: { unhealthyPodEvictionPolicy: 'AlwaysAllow' } });
    await until(async () => (await pdb('sick')).status?.observedGeneration === 2, 'the new generation', 10_000);
    expect((await evict(running.metadata.name)).status).toBe(201);
    expect((await pdb('sick')).status.disruptionsAllowed).toBe(0);
  });

  it('never lets concurrent evictions exceed the budget', async () => {
    // Replacements take 4 s to become ready: the budget cannot grow back while the evictions run.
    await api.post(
      `${APPS}/deployments`,
      deployment(
        'many',
        6,
        { 'entroos.io/ready-after': '4' },
        { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } },
      ),
    );
    await api.post(PDBS, {
      metadata: { name: 'many' },
      spec: { minAvailable: 4, selector: { matchLabels: { app: 'many' } } },
    });
    await until(async () => (await pdb('many')).status?.disruptionsAllowed === 2, 'two disruptions allowed', 30_000);
    const pods = await podsOf('many');
    const answers = await Promise.all(pods.map((p) => evict(p.metadata.name)));
    const codes = answers.map((a) => a.status).sort();
    expect(codes).toEqual([201, 201, 429, 429, 429, 429]);
    const status = (await pdb('many')).status;
    expect(status.disruptionsAllowed).toBe(0);
    // Until the controller sees the deletions, the evicted pods are listed as disrupted.
    expect(Object.keys(status.disruptedPods ?? {}).length).toBeLessThanOrEqual(2);
  });

  it('makes kubectl drain stop at the budget, and complete once the budget allows it', async () => {
    await api.post(`${APPS}/deployments`, deployment('drained', 1));
    await api.post(PDBS, {
      metadata: { name: 'drained' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'drained' } } },
    });
    const [pod] = (await until(
      async () => {
        const ready = await readyPods('drained');
        return ready.length === 1 && (await pdb('drained')).status?.currentHealthy === 1 && ready;
      },
      'drained to be healthy',
      30_000,
    )) as any[];
    const node = pod.spec.nodeName;
    const blocked = await kubectl.exec('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=4s');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(blocked.stderr).toMatch(/global timeout reached/);
    expect((await api.get(`${NS}/pods/${pod.metadata.name}`)).body.metadata.deletionTimestamp).toBeUndefined();

    // With a second replica (on another node: this one is cordoned) the budget allows one eviction.
    await patch(`${APPS}/deployments/drained`, { spec: { replicas: 2 } });
    await until(async () => (await pdb('drained')).status?.disruptionsAllowed === 1, 'the budget to allow one', 30_000);
    const drained = await kubectl.exec('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s');
    expect(drained.stderr).not.toMatch(/error/i);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toContain(`node/${node} drained`);
    await kubectl.run('uncordon', node);
  }, 90_000);
});

describe('HorizontalPodAutoscaler', () => {
  it('validates and defaults like kube-apiserver', async () => {
    const bad = await api.post(HPAS, {
      metadata: { name: 'bad' },
      spec: {
        scaleTargetRef: { kind: 'Deployment' },
        minReplicas: 0,
        maxReplicas: 0,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }, { type: 'Nope' }],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 4000,
            selectPolicy: 'Sometimes',
            policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }],
          },
        },
      },
    });
    expect(bad.status).toBe(422);
    const fields = bad.body.details.causes.map((c: any) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.scaleTargetRef.name',
        'spec.minReplicas',
        'spec.maxReplicas',
        'spec.metrics[0].resource.target.averageUtilization',
        'spec.metrics[1].type',
        'spec.behavior.scaleDown.stabilizationWindowSeconds',
        'spec.behavior.scaleDown.selectPolicy',
        'spec.behavior.scaleDown.policies[0].value',
        'spec.behavior.scaleDown.policies[0].periodSeconds',
      ]),
    );
    const created = await api.post(HPAS, {
      metadata: { name: 'defaults' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'none' },
        maxReplicas: 3,
        behavior: { scaleUp: { stabilizationWindowSeconds: 10 } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.spec).toMatchObject({
      minReplicas: 1,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 10,
          selectPolicy: 'Max',
          policies: [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: 300,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
        },
      },
    });
    // The target does not exist: AbleToScale turns False.
    const failed = await until(
      async () => {
        const c = (await api.get(`${HPAS}/defaults`)).body.status?.conditions ?? [];
        return c.find((x: any) => x.type === 'AbleToScale' && x.status === 'False');
      },
      'AbleToScale=False',
      10_000,
    );
    expect(failed.reason).toBe('FailedGetScale');
    await api.delete(`${HPAS}/defaults`);
  });

  it('scales a Deployment up under simulated load and back down after its window', async () => {
    await api.post(`${APPS}/deployments`, deployment('load', 1, { 'entroos.io/cpu': '200m' }));
    const created = await api.post(HPAS, {
      metadata: { name: 'load' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'load' },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 3 } },
      },
    });
    expect(created.status).toBe(201);
    const up = await until(
      async () => {
        const h = (await api.get(`${HPAS}/load`)).body;
        return h.status?.desiredReplicas === 4 && h;
      },
      'the autoscaler to ask for 4 replicas',
      40_000,
    );
    expect(up.status.lastScaleTime).toBeDefined();
    expect(up.status.currentMetrics[0]).toMatchObject({
      type: 'Resource',
      resource: { name: 'cpu', current: { averageUtilization: expect.any(Number) } },
    });
    expect(up.status.conditions.map((c: any) => c.type)).toEqual(['AbleToScale', 'ScalingActive', 'ScalingLimited']);
    expect(up.status.conditions[1]).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect((await api.get(`${APPS}/deployments/load`)).body.spec.replicas).toBe(4);
    const events = (await api.get(`${NS}/events?fieldSelector=involvedObject.name%3Dload,reason%3DSuccessfulRescale`))
      .body.items;
    expect(events.map((e: any) => e.message)).toContain(
      'New size: 4; reason: cpu resource utilization (percentage of request) above target',
    );
    const table = await until(
      async () => {
        const out = await kubectl.run('get', 'hpa', 'load');
        return /cpu: \d+%\/50%/.test(out) && out;
      },
      'kubectl to print the targets',
      20_000,
    );
    expect(table).toMatch(/NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE/);
    expect(table).toMatch(/load\s+Deployment\/load\s+cpu: \d+%\/50%\s+1\s+4\s+\d+/);

    // The load drops: after the 3 s window the autoscaler scales back to the minimum.
    await patch(`${APPS}/deployments/load`, {
      spec: { template: { metadata: { annotations: { 'entroos.io/cpu': '5m' } } } },
    });
    await until(
      async () => (await api.get(`${APPS}/deployments/load`)).body.spec.replicas === 1,
      'a scale down to 1',
      60_000,
    );
    const down = (await api.get(`${HPAS}/load`)).body;
    expect(down.status.desiredReplicas).toBe(1);
    const messages = (
      await api.get(`${NS}/events?fieldSelector=involvedObject.name%3Dload,reason%3DSuccessfulRescale`)
    ).body.items.map((e: any) => e.message);
    expect(messages).toContain('New size: 1; reason: All metrics below target');
  }, 120_000);

  it('reports unsupported metric sources in its conditions', async () => {
    await api.post(`${APPS}/deployments`, deployment('custom', 1));
    await api.post(HPAS, {
      metadata: { name: 'custom' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'custom' },
        maxReplicas: 3,
        metrics: [
          {
            type: 'Pods',
            pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } },
          },
        ],
      },
    });
    const active = await until(
      async () => {
        const c = (await api.get(`${HPAS}/custom`)).body.status?.conditions ?? [];
        return c.find((x: any) => x.type === 'ScalingActive');
      },
      'the ScalingActive condition',
      10_000,
    );
    expect(active).toMatchObject({ status: 'False', reason: 'FailedGetPodsMetric' });
    expect(active.message).toContain('requests_per_second');
  });

  it('serves kubectl autoscale (autoscaling/v1) on the stored v2 object', async () => {
    await api.post(`${APPS}/deployments`, deployment('auto', 1));
    const out = await kubectl.run('autoscale', 'deployment', 'auto', '--cpu-percent=50', '--min=1', '--max=5');
    expect(out).toContain('horizontalpodautoscaler.autoscaling/auto autoscaled');
    const v2 = (await api.get(`${HPAS}/auto`)).body;
    expect(v2.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'auto', apiVersion: 'apps/v1' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
    });
    const v1 = (await api.get('/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/auto')).body;
    expect(v1).toMatchObject({
      apiVersion: 'autoscaling/v1',
      spec: { targetCPUUtilizationPercentage: 50, maxReplicas: 5 },
    });
    const patched = await patch('/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/auto', {
      spec: { targetCPUUtilizationPercentage: 70 },
    });
    expect(patched.status).toBe(200);
    expect((await api.get(`${HPAS}/auto`)).body.spec.metrics[0].resource.target.averageUtilization).toBe(70);
  });
});
