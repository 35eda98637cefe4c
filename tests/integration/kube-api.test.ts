import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { readNdjson } from '@/lib/apimachinery/ndjson.ts';

// Kubernetes API semantics over plain HTTP with a bearer token.

let server: TestServer;
let api: ReturnType<typeof client>;
const NS = '/api/v1/namespaces/default';
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { suite: 'kube-api' } },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
  ...extra,
});

beforeAll(async () => {
  server = await startServer({
    env: {
      ENTROOS_WATCH_HISTORY: '100',
      ENTROOS_NODE_GRACE_SECONDS: '1',
      ENTROOS_WATCH_BOOKMARK_MS: '200',
      ENTROOS_EVENT_TTL_SECONDS: '30',
    },
  });
  api = client(server.url, await login(server.url));
});
afterAll(async () => {
  await server?.stop();
});

async function readWatch(path: string, count: number, timeoutMs = 5000): Promise<{ status: number; events: any[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(server.url + path, {
    headers: { Authorization: `Bearer ${currentToken}` },
    signal: controller.signal,
  });
  const events: any[] = [];
  if (res.status !== 200) {
    clearTimeout(timer);
    return { status: res.status, events: [await res.json()] };
  }
  try {
    await readNdjson(res.body!, (e) => {
      events.push(e);
      return events.length < count;
    });
  } catch {
    // aborted
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: 200, events };
}
let currentToken = '';

describe('Kubernetes API semantics', () => {
  beforeAll(async () => {
    currentToken = await login(server.url);
    api = client(server.url, currentToken);
  });

  it('creates with generateName, rejects a stale update with 409 and keeps the stored object', async () => {
    const created = await api.post(`${NS}/pods`, {
      ...pod(''),
      metadata: { generateName: 'gen-', labels: { suite: 'kube-api' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    const name = created.body.metadata.name;
    const patched = await api.patch(`${NS}/pods/${name}`, { metadata: { labels: { v: '2' } } });
    expect(patched.status).toBe(415); // client() sends application/json: a patch must say its type
    const ok = await fetch(`${server.url}${NS}/pods/${name}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${currentToken}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { v: '2' } } }),
    });
    expect(ok.status).toBe(200);
    const stale = await fetch(`${server.url}${NS}/pods/${name}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${currentToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...created.body, metadata: { ...created.body.metadata, labels: { v: 'stale' } } }),
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ kind: 'Status', reason: 'Conflict', details: { name, kind: 'pods' } });
    expect((await api.get(`${NS}/pods/${name}`)).body.metadata.labels.v).toBe('2');
  });

  it('pages a list with limit and continue at one resourceVersion', async () => {
    for (let i = 0; i < 5; i++) expect((await api.post(`${NS}/pods`, pod(`page-${i}`))).status).toBe(201);
    const first = await api.get('/api/v1/pods?limit=2&labelSelector=suite%3Dkube-api');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.continue).toBeTruthy();
    const names = first.body.items.map((p: any) => p.metadata.name);
    let cont = first.body.metadata.continue;
    while (cont) {
      const page = await api.get(
        `/api/v1/pods?limit=2&labelSelector=suite%3Dkube-api&continue=${encodeURIComponent(cont)}`,
      );
      expect(page.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
      names.push(...page.body.items.map((p: any) => p.metadata.name));
      cont = page.body.metadata.continue;
    }
    expect(names.filter((n: string) => n.startsWith('page-'))).toEqual([
      'page-0',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
    ]);
    expect((await api.get('/api/v1/pods?continue=garbage')).status).toBe(400);
  });

  it('lists the pods table as compact rows at one resourceVersion, with the same filters as the pod list', async () => {
    const created = await api.post(
      `${NS}/pods`,
      pod('rows-a', {
        metadata: { name: 'rows-a', labels: { suite: 'kube-api', rows: 'yes' } },
        // No scheduler takes it: the row stays as created.
        spec: {
          schedulerName: 'nobody',
          containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '250m', memory: '64Mi' } } }],
        },
      }),
    );
    expect(created.status).toBe(201);
    const list = await api.get('/apis/entroos.io/v1/rows/pods?labelSelector=rows%3Dyes');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      kind: 'PodRowList',
      columns: [
        'namespace',
        'name',
        'ready',
        'status',
        'restarts',
        'node',
        'ip',
        'createdMs',
        'phase',
        'cpuRequestMilli',
        'memoryRequestBytes',
      ],
    });
    expect(list.body.rows).toHaveLength(1);
    const [namespace, name, ready, status, restarts, , , createdMs, phase, cpu, memory] = list.body.rows[0];
    expect({ namespace, name, ready, status, restarts, phase, cpu, memory }).toEqual({
      namespace: 'default',
      name: 'rows-a',
      ready: '0/1',
      status: 'Pending',
      restarts: 0,
      phase: 'Pending',
      cpu: 250,
      memory: 64 * 2 ** 20,
    });
    expect(Math.abs(createdMs - Date.now())).toBeLessThan(60_000);
    // The rows are consistent at the resourceVersion they name, which includes the pod's creation.
    expect(Number(list.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(created.body.metadata.resourceVersion),
    );
    expect(
      (await api.get('/apis/entroos.io/v1/rows/pods?namespace=kube-system&labelSelector=rows%3Dyes')).body.rows,
    ).toEqual([]);
    expect((await api.get('/apis/entroos.io/v1/rows/pods?labelSelector=a%20in%20(')).body).toMatchObject({
      kind: 'Status',
      code: 400,
    });
    expect((await fetch(`${server.url}/apis/entroos.io/v1/rows/pods`)).status).toBe(401);
  });

  it('lists the newest events as compact rows, newest first, up to a limit', async () => {
    // One clock reading for the events and the expectation: two readings may fall on either side of a second.
    const now = Date.now();
    const at = (s: number) => new Date(now + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const [name, seconds] of [
      ['rows-old', -50],
      ['rows-new', 50],
    ] as const) {
      const res = await api.post(`${NS}/events`, {
        metadata: { name },
        involvedObject: { kind: 'Pod', name: 'rows-a', namespace: 'default' },
        reason: 'RowsTest',
        message: name,
        type: 'Normal',
        lastTimestamp: at(seconds),
        count: 2,
      });
      expect(res.status).toBe(201);
    }
    const list = await api.get('/apis/entroos.io/v1/rows/events?limit=1');
    expect(list.body).toMatchObject({
      kind: 'EventRowList',
      columns: ['namespace', 'name', 'lastSeenAt', 'type', 'reason', 'object', 'message', 'count', 'resourceVersion'],
    });
    expect(list.body.total).toBeGreaterThanOrEqual(2);
    expect(list.body.rows).toHaveLength(1);
    expect(list.body.rows[0]).toEqual([
      'default',
      'rows-new',
      Date.parse(at(50)),
      'Normal',
      'RowsTest',
      'pod/rows-a',
      'rows-new',
      2,
      expect.any(Number),
    ]);
    expect((await api.get('/apis/entroos.io/v1/rows/events?limit=0')).body).toMatchObject({
      kind: 'Status',
      code: 400,
      message: expect.stringContaining('limit must be a whole number'),
    });
  });

  it('streams watch events with bookmarks, and answers 410 Expired for a compacted resourceVersion', async () => {
    const start = (await api.get(`${NS}/pods`)).body.metadata.resourceVersion;
    const watching = readWatch(
      `${NS}/pods?watch=true&resourceVersion=${start}&allowWatchBookmarks=true&labelSelector=w%3Dyes`,
      3,
    );
    await new Promise((r) => setTimeout(r, 100));
    // schedulerName "manual": the scheduler leaves the pod alone, so the watch sees only our changes.
    await api.post(`${NS}/pods`, {
      ...pod('watched'),
      metadata: { name: 'watched', labels: { w: 'yes' } },
      spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    await api.delete(`${NS}/pods/watched`);
    const { events } = await watching;
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t !== 'BOOKMARK')).toEqual(['ADDED', 'DELETED']);
    // Churn past the 100-change history, then resume from the start.
    for (let i = 0; i < 60; i++) {
      await api.post(`${NS}/pods`, pod(`churn-${i}`));
      await api.delete(`${NS}/pods/churn-${i}`);
    }
    const expired = await readWatch(`${NS}/pods?watch=true&resourceVersion=${start}`, 1);
    expect(expired.status).toBe(410);
    expect(expired.events[0]).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    const bookmarks = await readWatch(
      `${NS}/pods?watch=true&resourceVersion=${(await api.get(`${NS}/pods`)).body.metadata.resourceVersion}&allowWatchBookmarks=true`,
      1,
    );
    expect(bookmarks.events[0]).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'Pod', metadata: { resourceVersion: expect.any(String) } },
    });
  });

  it('binds a pod once through the binding subresource', async () => {
    await api.post(`${NS}/pods`, pod('bind-me'));
    const bound = await api.post(`${NS}/pods/bind-me/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'bind-me' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-x' },
    });
    expect(bound.status).toBe(201);
    const got = (await api.get(`${NS}/pods/bind-me`)).body;
    expect(got.spec.nodeName).toBe('node-x');
    expect(got.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const again = await api.post(`${NS}/pods/bind-me/binding`, { target: { name: 'node-y' } });
    expect(again.status).toBe(409);
  });

  it('orphans dependents with propagationPolicy=Orphan and collects them otherwise', async () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs-orphan' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { rs: 'orphan' } },
        template: { metadata: { labels: { rs: 'orphan' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    };
    expect((await api.post('/apis/apps/v1/namespaces/default/replicasets', rs)).status).toBe(201);
    await until(
      async () => (await api.get(`${NS}/pods?labelSelector=rs%3Dorphan`)).body.items.length === 2,
      'two pods',
    );
    expect(
      (await api.delete('/apis/apps/v1/namespaces/default/replicasets/rs-orphan?propagationPolicy=Orphan')).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const orphans = (await api.get(`${NS}/pods?labelSelector=rs%3Dorphan`)).body.items;
    expect(orphans).toHaveLength(2);
    expect(orphans.every((p: any) => !p.metadata.ownerReferences)).toBe(true);

    expect(
      (
        await api.post('/apis/apps/v1/namespaces/default/replicasets', {
          ...rs,
          metadata: { name: 'rs-bg' },
          spec: {
            ...rs.spec,
            selector: { matchLabels: { rs: 'bg' } },
            template: { ...rs.spec.template, metadata: { labels: { rs: 'bg' } } },
          },
        })
      ).status,
    ).toBe(201);
    await until(async () => (await api.get(`${NS}/pods?labelSelector=rs%3Dbg`)).body.items.length === 2, 'two bg pods');
    await api.delete('/apis/apps/v1/namespaces/default/replicasets/rs-bg');
    await until(
      async () => (await api.get(`${NS}/pods?labelSelector=rs%3Dbg`)).body.items.length === 0,
      'bg pods collected',
    );
  });

  it('marks a node whose lease stops Unknown, taints it, and evicts its pods so the ReplicaSet replaces them', async () => {
    const now = () => new Date().toISOString();
    expect(
      (
        await api.post('/api/v1/nodes', {
          metadata: { name: 'flaky' },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        })
      ).status,
    ).toBe(201);
    await api.post('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
      metadata: { name: 'flaky' },
      spec: { holderIdentity: 'flaky', leaseDurationSeconds: 1, renewTime: now() },
    });
    const rs = {
      metadata: { name: 'on-flaky' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'on-flaky' } },
        template: {
          metadata: { labels: { app: 'on-flaky' } },
          spec: {
            containers: [{ name: 'c', image: 'nginx' }],
            tolerations: [
              { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 },
            ],
          },
        },
      },
    };
    await api.post('/apis/apps/v1/namespaces/default/replicasets', rs);
    const first = await until(
      async () => (await api.get(`${NS}/pods?labelSelector=app%3Don-flaky`)).body.items[0],
      'the pod',
    );
    await api.post(`${NS}/pods/${first.metadata.name}/binding`, { target: { name: 'flaky' } });
    // No more heartbeats: after the 1 s grace the node is Unknown and tainted.
    const node = await until(async () => {
      const n = (await api.get('/api/v1/nodes/flaky')).body;
      return n.spec?.taints?.some((t: any) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute')
        ? n
        : undefined;
    }, 'the unreachable taint');
    expect(node.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
    });
    // After the pod's 1 s toleration it is evicted and replaced by a new, unbound pod.
    await until(
      async () => {
        const pods = (await api.get(`${NS}/pods?labelSelector=app%3Don-flaky`)).body.items;
        return pods.length === 1 && pods[0].metadata.name !== first.metadata.name && !pods[0].spec.nodeName;
      },
      'the replacement pod',
      10_000,
    );
    const events = (await api.get(`${NS}/events?fieldSelector=reason%3DTaintManagerEviction`)).body.items;
    expect(events.map((e: any) => e.involvedObject.name)).toContain(first.metadata.name);
    // A renewed lease lifts the taint.
    const lease = (await api.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/flaky')).body;
    await fetch(`${server.url}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/flaky`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${currentToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...lease, spec: { ...lease.spec, renewTime: now() } }),
    });
    await until(
      async () => !(await api.get('/api/v1/nodes/flaky')).body.spec?.taints?.length,
      'the taint to be lifted',
      5000,
    );
  });

  it('expires events older than the event TTL', async () => {
    const old = new Date(Date.now() - 120_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const created = await api.post(`${NS}/events`, {
      metadata: { name: 'stale.1' },
      involvedObject: { kind: 'Pod', name: 'x', namespace: 'default' },
      reason: 'Test',
      message: 'old',
      type: 'Normal',
      lastTimestamp: old,
      firstTimestamp: old,
      count: 1,
    });
    expect(created.status).toBe(201);
    await until(
      async () => (await api.get(`${NS}/events/stale.1`)).status === 404,
      'the stale event to expire',
      10_000,
    );
  });

  it('rejects bad input with Status errors', async () => {
    expect((await api.post(`${NS}/pods`, { kind: 'Service', metadata: { name: 'x' } })).body).toMatchObject({
      code: 400,
      reason: 'BadRequest',
    });
    expect((await api.post('/api/v1/namespaces/nope/pods', pod('x'))).body).toMatchObject({
      code: 404,
      message: 'namespaces "nope" not found',
    });
    expect((await api.get('/api/v1/pods?labelSelector=a%20in%20(')).status).toBe(400);
    expect((await api.get('/api/v1/pods?fieldSelector=spec.bogus%3D1')).body.message).toContain(
      'field label not supported',
    );
    expect((await api.get(`${NS}/pods/missing`)).body).toMatchObject({
      code: 404,
      reason: 'NotFound',
      details: { name: 'missing', kind: 'pods' },
    });
    expect((await api.get('/api/v1/nodes/x/log')).status).toBe(404);
    // A collection is not replaced or patched whole, and an object path takes no POST (kube-apiserver: 405).
    expect((await api.put(`${NS}/pods`, pod('x'))).body).toMatchObject({
      kind: 'Status',
      code: 405,
      reason: 'MethodNotAllowed',
    });
    expect((await api.post(`${NS}/pods/x`, pod('x'))).body).toMatchObject({
      kind: 'Status',
      code: 405,
      reason: 'MethodNotAllowed',
    });
  });
});
