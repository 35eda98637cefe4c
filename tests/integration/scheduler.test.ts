import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';

// The scheduler against a real server, with nodes created through the API.

let server: TestServer;
let admin: ReturnType<typeof client>;
let viewer: ReturnType<typeof client>;
const NS = '/api/v1/namespaces/default';

const nodeBody = (name: string, extra: any = {}) => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name, zone: extra.zone ?? 'z1' } },
  spec: extra.spec ?? {},
  status: {
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});
const rs = (name: string, replicas: number, spec: any = {}, annotations: Record<string, string> = {}) => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations },
      spec: {
        containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '500m', memory: '512Mi' } } }],
        ...spec,
      },
    },
  },
});
const podsOf = async (app: string) => (await admin.get(`${NS}/pods?labelSelector=app%3D${app}`)).body.items as any[];
const placement = (pods: any[]) =>
  pods.reduce(
    (m: Record<string, number>, p) => ((m[p.spec.nodeName ?? 'none'] = (m[p.spec.nodeName ?? 'none'] ?? 0) + 1), m),
    {},
  );
async function patchJson(path: string, body: unknown) {
  const res = await fetch(server.url + path, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}
let token = '';

beforeAll(async () => {
  // Node heartbeats are not simulated here: a long grace keeps API-created nodes Ready.
  server = await startServer({ env: { ENTROOS_NODE_GRACE_SECONDS: '3600' } });
  token = await login(server.url);
  admin = client(server.url, token);
  viewer = client(server.url, (await userWithToken(server.url, token, 'sam', 'viewer')).token);
  for (const n of ['n1', 'n2', 'n3']) expect((await admin.post('/api/v1/nodes', nodeBody(n))).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

describe('entropy scheduler', () => {
  it('spreads a ReplicaSet evenly by default and explains each choice', async () => {
    // record-decision: full asks for per-node detail on every one of these pods (otherwise it is sampled).
    await admin.post(
      '/apis/apps/v1/namespaces/default/replicasets',
      rs('spread', 6, {}, { 'entroos.io/record-decision': 'full' }),
    );
    await until(
      async () => (await podsOf('spread')).every((p) => p.spec.nodeName) && (await podsOf('spread')).length === 6,
      'six bound pods',
    );
    expect(Object.values(placement(await podsOf('spread'))).sort()).toEqual([2, 2, 2]);
    const pod = (await podsOf('spread'))[0];
    const summary = JSON.parse(pod.metadata.annotations['entroos.io/scheduling']);
    expect(summary).toMatchObject({
      node: pod.spec.nodeName,
      profile: 'entropy',
      feasible: expect.stringMatching(/^\d\/3$/),
    });
    expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const decision = (await viewer.get(`/apis/entroos.io/v1/scheduler/decisions?pod=default/${pod.metadata.name}`))
      .body;
    expect(decision).toMatchObject({ result: 'Scheduled', node: pod.spec.nodeName, nodes: 3, profile: 'entropy' });
    expect(decision.detail.filter((d: any) => d.feasible)[0].scores).toHaveProperty('Entropy');
    expect(typeof decision.entropyBefore).toBe('number');
    const events = (
      await admin.get(`${NS}/events?fieldSelector=involvedObject.name%3D${pod.metadata.name},reason%3DScheduled`)
    ).body.items;
    expect(events[0].message).toBe(`Successfully assigned default/${pod.metadata.name} to ${pod.spec.nodeName}`);
  });

  it('switches to bin-packing when an admin changes the default profile, without a restart', async () => {
    const config = (await admin.get('/apis/entroos.io/v1/scheduler/config')).body;
    expect((await viewer.put?.('/apis/entroos.io/v1/scheduler/config', config))?.status ?? 403).toBe(403);
    const res = await fetch(`${server.url}/apis/entroos.io/v1/scheduler/config`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...config, defaultProfile: 'pack' }),
    });
    expect(res.status).toBe(200);
    await admin.post('/apis/apps/v1/namespaces/default/replicasets', rs('packed', 4));
    await until(async () => (await podsOf('packed')).filter((p) => p.spec.nodeName).length === 4, 'four bound pods');
    expect(Object.keys(placement(await podsOf('packed'))).length).toBe(1);
    const invalid = await fetch(`${server.url}/apis/entroos.io/v1/scheduler/config`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...config, defaultProfile: 'missing' }),
    });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).details.causes[0].field).toBe('defaultProfile');
    // DELETE drops the admin's edit: back to the server's configuration (the defaults here).
    const reset = await admin.delete('/apis/entroos.io/v1/scheduler/config');
    expect(reset.status).toBe(200);
    expect(reset.body.defaultProfile).toBe('entropy');
    expect((await admin.get('/apis/entroos.io/v1/scheduler')).body.config.defaultProfile).toBe('entropy');
  });

  it('keeps new pods off a cordoned node and reports FailedScheduling with reasons', async () => {
    await patchJson('/api/v1/nodes/n1', { spec: { unschedulable: true } });
    await admin.post('/apis/apps/v1/namespaces/default/replicasets', rs('avoid', 4));
    await until(async () => (await podsOf('avoid')).filter((p) => p.spec.nodeName).length === 4, 'four bound pods');
    expect(placement(await podsOf('avoid')).n1).toBeUndefined();
    await admin.post(
      '/apis/apps/v1/namespaces/default/replicasets',
      rs('huge', 1, { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '64' } } }] }),
    );
    const failed = await until(
      async () => (await admin.get(`${NS}/events?fieldSelector=reason%3DFailedScheduling`)).body.items[0],
      'a FailedScheduling event',
    );
    expect(failed.message).toBe('0/3 nodes are available: 2 Insufficient cpu, 1 node(s) were unschedulable.');
    const pending = (await podsOf('huge'))[0];
    expect(pending.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }),
    );
    await patchJson('/api/v1/nodes/n1', { spec: { unschedulable: false } });
  });

  it('schedules a waiting pod when a node that fits it joins', async () => {
    await admin.post('/api/v1/nodes', {
      ...nodeBody('big'),
      status: { ...nodeBody('big').status, allocatable: { cpu: '128', memory: '256Gi', pods: '110' } },
    });
    await until(async () => (await podsOf('huge'))[0]?.spec.nodeName === 'big', 'the huge pod on the big node', 15_000);
  });

  it('preempts lower-priority pods for a higher-priority one', async () => {
    await admin.post('/api/v1/nodes', {
      ...nodeBody('tiny', { zone: 'tiny' }),
      spec: { taints: [{ key: 'only', value: 'tiny', effect: 'NoSchedule' }] },
      status: { ...nodeBody('tiny').status, allocatable: { cpu: '1', memory: '2Gi', pods: '10' } },
    });
    const tolerate = [{ key: 'only', operator: 'Equal', value: 'tiny', effect: 'NoSchedule' }];
    const onTiny = { nodeSelector: { zone: 'tiny' }, tolerations: tolerate };
    await admin.post('/apis/apps/v1/namespaces/default/replicasets', rs('lowprio', 2, { ...onTiny, priority: 0 }));
    await until(
      async () => (await podsOf('lowprio')).filter((p) => p.spec.nodeName === 'tiny').length === 2,
      'two low-priority pods on tiny',
    );
    await admin.post(`${NS}/pods`, {
      metadata: { name: 'vip', labels: { app: 'vip' } },
      spec: {
        ...onTiny,
        priority: 1000,
        containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
      },
    });
    await until(
      async () => (await admin.get(`${NS}/pods/vip`)).body.spec.nodeName === 'tiny',
      'the vip pod on tiny',
      15_000,
    );
    const preempted = (await admin.get(`${NS}/events?fieldSelector=reason%3DPreempted`)).body.items;
    expect(preempted.length).toBeGreaterThan(0);
    expect(preempted[0].message).toContain('Preempted by pod default/vip on node tiny');
  });
});

describe('policy laboratory and metrics', () => {
  it('replays one workload under two profiles deterministically and compares them', async () => {
    const request = {
      profiles: ['entropy', 'pack'],
      seed: 7,
      generateNodes: { count: 6 },
      generateWorkload: { pods: 40, durationMs: 4000 },
      sampleEveryMs: 1000,
    };
    const post = (body: unknown) =>
      fetch(`${server.url}/apis/entroos.io/v1/scheduler/lab`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const first = await (await post(request)).json();
    const again = await (await post(request)).json();
    const strip = (r: any) => r.results.map((x: any) => ({ profile: x.profile, samples: x.samples }));
    expect(strip(first)).toEqual(strip(again));
    const [entropy, pack] = first.results;
    expect(entropy.samples).toHaveLength(5);
    expect(entropy.final.scheduled).toBe(40);
    expect(entropy.final.entropy).toBeGreaterThan(pack.final.entropy);
    expect(pack.final.nodesUsed).toBeLessThan(entropy.final.nodesUsed);
    const bad = await post({ ...request, profiles: ['nope'] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain('unknown profile "nope"');
    expect((await post({ profiles: [] })).status).toBe(422);
  });

  it('exports scheduler metrics', async () => {
    const text = (await admin.get('/metrics')).text;
    expect(text).toMatch(/entroos_scheduler_attempts_total\{result="Scheduled"\} \d+/);
    expect(text).toMatch(/entroos_scheduler_cluster_entropy \d/);
    expect(text).toMatch(/entroos_scheduler_queue_pods\{queue="active"\} \d+/);
    expect(text).toMatch(/entroos_scheduler_attempt_duration_seconds_bucket/);
  });
});
