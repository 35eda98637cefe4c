import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { createHash } from 'node:crypto';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';
import { startTwoInstances, type Instances } from '../helpers/instances.ts';

// /graphql against a real server: queries with relations, mutations through the REST API's object API, RBAC per
// type, limits, subscriptions over graphql-ws (in order, resumable), the bounded reads of a 1,000-pod query, custom
// resources entering and leaving the schema, and the audit trail; and a subscription on one instance seeing a
// write made on another.

interface GqlResult {
  status: number;
  body: {
    data?: any;
    errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[];
    extensions?: { reads?: Record<string, number>; complexity?: number; warnings?: string[] };
  };
}

async function gql(
  url: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<GqlResult> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables, ...extra }),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

function wsClient(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/** A running subscription: the events it has delivered, and a wait for the n-th. */
function collect(c: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: any[] = [];
  const errors: unknown[] = [];
  let wake = () => {};
  let ended = false;
  const dispose = c.subscribe(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        else events.push(Object.values(result.data ?? {})[0]);
        wake();
      },
      error: (err) => {
        errors.push(err);
        ended = true;
        wake();
      },
      complete: () => {
        ended = true;
        wake();
      },
    },
  );
  const waitFor = async (n: number, what = `${n} events`, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < n && !ended) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    if (events.length < n) throw new Error(`subscription ended before ${what}: ${JSON.stringify(errors)}`);
    return events.slice(0, n);
  };
  const waitForEnd = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!ended) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the subscription to end');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  return { events, errors, waitFor, waitForEnd, dispose };
}

const CM_EVENTS = `subscription ($ns: String, $rv: String) {
  configMaps(namespace: $ns, labelSelector: "watch=yes", resourceVersion: $rv) {
    type resourceVersion object { metadata { name } data }
  }
}`;

const podBody = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
    ...extra,
  },
});

describe('GraphQL at /graphql', () => {
  let server: TestServer;
  let admin: string;
  let viewer: string;
  let operator: string;

  beforeAll(async () => {
    // 1,000 pods are created for the bounded-reads test: above the default per-user rate limit.
    server = await startServer({
      env: { ENTROOS_NODES: '2', ENTROOS_RATE_LIMIT_QPS: '100000', ENTROOS_RATE_LIMIT_BURST: '100000' },
    });
    admin = await login(server.url);
    viewer = (await userWithToken(server.url, admin, 'gql-viewer', 'viewer')).token;
    operator = (await userWithToken(server.url, admin, 'gql-operator', 'operator')).token;
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('reads a pod with its node, scheduling decision and events through the relations', async () => {
    const api = client(server.url, admin);
    expect((await api.post('/api/v1/namespaces/default/pods', podBody('gql-web'))).status).toBe(201);
    const nodeName = await until(async () => {
      const res = await api.get('/api/v1/namespaces/default/pods/gql-web');
      return res.body.spec?.nodeName as string | undefined;
    }, 'the pod to be scheduled');
    const { status, body } = await gql(
      server.url,
      admin,
      `query ($name: String!) { pod(namespace: "default", name: $name) {
        metadata { name namespace labels }
        spec { nodeName containers { name image resources { requests } } }
        node { metadata { name } status { capacity } pods { metadata { name } } usage { cpuMilli } }
        decision { node result profile feasible nodes top { node score } }
        events { reason message }
      } }`,
      { name: 'gql-web' },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const pod = body.data.pod;
    expect(pod.metadata).toMatchObject({ name: 'gql-web', namespace: 'default' });
    expect(pod.spec.containers[0]).toMatchObject({
      name: 'c',
      image: 'nginx:1.27',
      resources: { requests: { cpu: '10m' } },
    });
    expect(pod.node.metadata.name).toBe(nodeName);
    expect(pod.node.pods.map((p: any) => p.metadata.name)).toContain('gql-web');
    expect(pod.decision).toMatchObject({ node: nodeName, result: 'Scheduled' });
    await until(async () => {
      const again = await gql(
        server.url,
        admin,
        '{ pod(namespace: "default", name: "gql-web") { events { reason } } }',
      );
      return again.body.data.pod.events.some((e: any) => e.reason === 'Scheduled');
    }, 'the Scheduled event among the pod events');
    // A missing object is null, as GraphQL has it (REST answers 404).
    const missing = await gql(server.url, admin, '{ pod(namespace: "default", name: "nope") { metadata { name } } }');
    expect(missing.body).toMatchObject({ data: { pod: null } });
  });

  it('writes through the REST API object API: create, merge patch, server-side apply, scale, delete', async () => {
    const create = await gql(
      server.url,
      operator,
      `mutation ($body: JSON!) { createConfigMap(namespace: "default", body: $body) { metadata { name resourceVersion } data } }`,
      { body: { metadata: { name: 'gql-cm' }, data: { a: '1' } } },
    );
    expect(create.body.errors).toBeUndefined();
    expect(create.body.data.createConfigMap.data).toEqual({ a: '1' });
    const patched = await gql(
      server.url,
      operator,
      `mutation { patchConfigMap(namespace: "default", name: "gql-cm", patch: { data: { b: "2" } }) { data } }`,
    );
    expect(patched.body.data.patchConfigMap.data).toEqual({ a: '1', b: '2' });
    const applied = await gql(
      server.url,
      operator,
      `mutation ($patch: JSON!) { patchConfigMap(namespace: "default", name: "gql-cm", patch: $patch, type: APPLY, fieldManager: "gql-test") { data metadata { managedFields { manager operation } } } }`,
      { patch: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gql-cm' }, data: { c: '3' } } },
    );
    expect(applied.body.errors).toBeUndefined();
    expect(applied.body.data.patchConfigMap.data).toMatchObject({ c: '3' });
    expect(applied.body.data.patchConfigMap.metadata.managedFields).toContainEqual({
      manager: 'gql-test',
      operation: 'Apply',
    });
    // The REST API sees the same object.
    const rest = await client(server.url, operator).get('/api/v1/namespaces/default/configmaps/gql-cm');
    expect(rest.body.data).toMatchObject({ a: '1', b: '2', c: '3' });

    const deployment = {
      metadata: { name: 'gql-deploy' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'gql-deploy' } },
        template: { metadata: { labels: { app: 'gql-deploy' } }, spec: podBody('x').spec },
      },
    };
    const created = await gql(
      server.url,
      operator,
      `mutation ($body: JSON!) { createDeployment(namespace: "default", body: $body) { metadata { name } } }`,
      { body: deployment },
    );
    expect(created.body.errors).toBeUndefined();
    const scaled = await gql(
      server.url,
      operator,
      `mutation { scaleDeployment(namespace: "default", name: "gql-deploy", replicas: 3) { spec { replicas } } }`,
    );
    expect(scaled.body.data.scaleDeployment.spec.replicas).toBe(3);
    // deployment → replicaSets → pods, batched.
    const tree = await until(
      async () => {
        const res = await gql(
          server.url,
          operator,
          `{ deployment(namespace: "default", name: "gql-deploy") { replicaSets { spec { replicas } pods { metadata { name } } } } }`,
        );
        const sets = res.body.data?.deployment?.replicaSets ?? [];
        return sets.length === 1 && sets[0].pods.length === 3 ? sets : undefined;
      },
      'the deployment to own a ReplicaSet with 3 pods',
      20_000,
    );
    expect(tree[0].spec.replicas).toBe(3);

    const deleted = await gql(
      server.url,
      operator,
      `mutation { deleteConfigMap(namespace: "default", name: "gql-cm") { metadata { name } } }`,
    );
    expect(deleted.body.data.deleteConfigMap.metadata.name).toBe('gql-cm');
    expect((await client(server.url, operator).get('/api/v1/namespaces/default/configmaps/gql-cm')).status).toBe(404);
  });

  it('a validation error carries the REST Status and its causes in extensions; unknown fields come back as warnings', async () => {
    const bad = { metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c' }] } };
    const rest = await client(server.url, operator).post('/api/v1/namespaces/default/pods', bad);
    expect(rest.status).toBe(422);
    const { status, body } = await gql(
      server.url,
      operator,
      `mutation ($body: JSON!) { createPod(namespace: "default", body: $body) { metadata { name } } }`,
      { body: bad },
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({ createPod: null });
    const error = body.errors![0];
    expect(error.extensions?.code).toBe('Invalid');
    expect(error.extensions?.status).toMatchObject({ kind: 'Status', code: 422, reason: 'Invalid' });
    expect(error.extensions?.causes).toEqual(rest.body.details.causes);
    expect(error.message).toBe(rest.body.message);

    const warned = await gql(
      server.url,
      operator,
      `mutation ($body: JSON!) { createConfigMap(namespace: "default", body: $body, dryRun: true) { metadata { name } } }`,
      { body: { metadata: { name: 'gql-warn' }, data: {}, bogus: 1 } },
    );
    expect(warned.body.extensions?.warnings).toEqual(['unknown field "bogus"']);
  });

  it('RBAC per type and field: a viewer reads pods but never Secrets, and cannot write', async () => {
    const made = await gql(
      server.url,
      operator,
      `mutation { createSecret(namespace: "default", body: { metadata: { name: "gql-secret" }, stringData: { password: "hunter2" } }) { metadata { name } data } }`,
    );
    expect(made.body.errors).toBeUndefined();
    expect(made.body.data.createSecret.data).toEqual({ password: Buffer.from('hunter2').toString('base64') });

    const read = await gql(
      server.url,
      viewer,
      `{ pods(namespace: "default") { items { metadata { name } } } secrets(namespace: "default") { items { data } } }`,
    );
    expect(read.status).toBe(200);
    expect(read.body.data.pods.items.length).toBeGreaterThan(0);
    expect(read.body.data.secrets).toBeNull();
    expect(read.body.errors).toHaveLength(1);
    expect(read.body.errors![0]).toMatchObject({ path: ['secrets'], extensions: { code: 'Forbidden' } });
    const one = await gql(server.url, viewer, `{ secret(namespace: "default", name: "gql-secret") { data raw } }`);
    expect(one.body.data.secret).toBeNull();
    expect(JSON.stringify(one.body)).not.toContain(Buffer.from('hunter2').toString('base64'));

    const write = await gql(
      server.url,
      viewer,
      `mutation { createConfigMap(namespace: "default", body: { metadata: { name: "gql-viewer-cm" } }) { metadata { name } } }`,
    );
    expect(write.body.errors![0].extensions).toMatchObject({ code: 'Forbidden', status: { code: 403 } });
    // The pod's relations are authorized too: a viewer may read the scheduler's decisions and nodes.
    const related = await gql(
      server.url,
      viewer,
      `{ pod(namespace: "default", name: "gql-web") { node { metadata { name } } decision { node } } }`,
    );
    expect(related.body.errors).toBeUndefined();
    // No credentials: 401 Status, as every API route.
    expect((await gql(server.url, undefined, '{ pods { items { metadata { name } } } }')).status).toBe(401);
  });

  it('limits: malformed → 400 with the parser message; too deep, too complex → 400; too long → 413; GET cannot mutate', async () => {
    const malformed = await gql(server.url, viewer, '{ pods { items { metadata { name } }');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors![0].message).toMatch(/^Syntax Error: Expected Name, found <EOF>\./);
    expect(malformed.body.errors![0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');

    const unknownField = await gql(server.url, viewer, '{ pods { nope } }');
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors![0].message).toContain('Cannot query field "nope"');

    let deep = 'metadata { name }';
    for (let i = 0; i < 8; i++) deep = `node { pods { ${deep} } }`;
    const tooDeep = await gql(server.url, viewer, `{ pods { items { ${deep} } } }`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors![0].extensions?.code).toBe('DEPTH_LIMIT');

    const complex = await gql(
      server.url,
      viewer,
      `{ pods(limit: 5000) { items { metadata { name namespace uid labels annotations } node { metadata { name } pods { metadata { name } events { reason } } } } } }`,
    );
    expect(complex.status).toBe(400);
    expect(complex.body.errors![0].extensions?.code).toBe('COMPLEXITY_LIMIT');

    const long = await gql(server.url, viewer, `{ pods { resourceVersion } }${' '.repeat(100_001)}`);
    expect(long.status).toBe(413);

    const notJson = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(notJson.status).toBe(400);

    const getMutation = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('mutation { deleteConfigMap(namespace: "default", name: "x") { metadata { name } } }')}`,
      { headers: { authorization: `Bearer ${admin}` } },
    );
    expect(getMutation.status).toBe(405);
    const getQuery = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('{ nodes { items { metadata { name } } } }')}`,
      {
        headers: { authorization: `Bearer ${viewer}` },
      },
    );
    expect(getQuery.status).toBe(200);
    expect(((await getQuery.json()) as any).data.nodes.items.length).toBe(2);
  });

  it('persisted operations: a known hash runs without the query; an unknown one asks for it', async () => {
    const query = '{ namespaces { items { metadata { name } } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persisted = { persistedQuery: { version: 1, sha256Hash } };
    const unknown = await fetch(`${server.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted))}`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(((await unknown.json()) as any).errors[0].message).toBe('PersistedQueryNotFound');
    const registered = await gql(server.url, viewer, query, undefined, { extensions: persisted });
    expect(registered.body.errors).toBeUndefined();
    const byHash = await fetch(`${server.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted))}`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    const body = (await byHash.json()) as any;
    expect(body.data.namespaces.items.map((n: any) => n.metadata.name)).toContain('default');
    const mismatch = await gql(server.url, viewer, '{ __typename }', undefined, { extensions: persisted });
    expect(mismatch.status).toBe(400);
  });

  it('a query for 1,000 pods with node, decision and proof makes a bounded number of reads', async () => {
    const api = client(server.url, admin);
    expect((await api.post('/api/v1/namespaces', { metadata: { name: 'gql-bulk' } })).status).toBe(201);
    const nodes = ['bulk-a', 'bulk-b', 'bulk-c', 'bulk-d', 'bulk-e'];
    for (const name of nodes) expect((await api.post('/api/v1/nodes', { metadata: { name } })).status).toBe(201);
    const names = Array.from({ length: 1000 }, (_, i) => `bulk-${i}`);
    for (let i = 0; i < names.length; i += 25)
      await Promise.all(
        names.slice(i, i + 25).map(async (name, j) => {
          const res = await api.post(
            '/api/v1/namespaces/gql-bulk/pods',
            podBody(name, { nodeName: nodes[(i + j) % 5] }),
          );
          if (res.status !== 201) throw new Error(`${name}: ${res.status} ${res.text}`);
        }),
      );
    const query = `query ($limit: Int) { pods(namespace: "gql-bulk", limit: $limit) { items {
      metadata { name } node { metadata { name } } decision { node } proof { commitment batch { status } } } } }`;
    const big = await gql(server.url, admin, query, { limit: 1000 });
    expect(big.body.errors).toBeUndefined();
    expect(big.body.data.pods.items).toHaveLength(1000);
    expect(big.body.data.pods.items.every((p: any) => nodes.includes(p.node.metadata.name))).toBe(true);
    const small = await gql(server.url, admin, query, { limit: 10 });
    // One list, then one batch each for the nodes, the decisions and the proofs, whatever the number of pods.
    expect(big.body.extensions?.reads).toEqual({ list: 1, nodes: 1, decisions: 1, proofs: 1 });
    expect(small.body.extensions?.reads).toEqual(big.body.extensions?.reads);
  }, 120_000);

  it('subscriptions over graphql-ws: every change once and in order, filtered, resumable from a resourceVersion', async () => {
    const api = client(server.url, operator);
    await client(server.url, admin).post('/api/v1/namespaces', { metadata: { name: 'gql-sub' } });
    const cm = (name: string, labels: Record<string, string>, data: Record<string, string>) => ({
      metadata: { name, labels },
      data,
    });
    const ws = wsClient(server.url, { authorization: `Bearer ${viewer}` });
    const sub = collect(ws, CM_EVENTS, { ns: 'gql-sub' });
    // The subscription is registered once the server acknowledged it: a first change shows it is live.
    await until(
      async () => {
        await api.post('/api/v1/namespaces/gql-sub/configmaps', cm(`probe-${Date.now()}`, { watch: 'yes' }, {}));
        return sub.events.length > 0;
      },
      'the subscription to deliver',
      15_000,
    );
    const base = sub.events.length;
    await api.post('/api/v1/namespaces/gql-sub/configmaps', cm('a', { watch: 'yes' }, { v: '0' }));
    await api.post('/api/v1/namespaces/gql-sub/configmaps', cm('ignored', { watch: 'no' }, {}));
    for (let v = 1; v <= 5; v++) {
      const patched = await gql(
        server.url,
        operator,
        `mutation ($v: String!) { patchConfigMap(namespace: "gql-sub", name: "a", patch: { data: { v: $v } }) { data } }`,
        { v: String(v) },
      );
      expect(patched.body.errors).toBeUndefined();
    }
    await api.delete('/api/v1/namespaces/gql-sub/configmaps/a');
    const seen = (await sub.waitFor(base + 7)).slice(base);
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.data?.v ?? ''}`)).toEqual([
      'ADDED a 0',
      'MODIFIED a 1',
      'MODIFIED a 2',
      'MODIFIED a 3',
      'MODIFIED a 4',
      'MODIFIED a 5',
      'DELETED a 5',
    ]);
    const versions = seen.map((e) => Number(e.resourceVersion));
    expect([...versions].sort((x, y) => x - y)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);

    // The client leaves after the 3rd change; changes made meanwhile arrive when it resumes from its last version.
    const last = seen[2].resourceVersion as string;
    sub.dispose();
    await ws.dispose();
    for (let v = 0; v < 3; v++)
      await api.post('/api/v1/namespaces/gql-sub/configmaps', cm(`later-${v}`, { watch: 'yes' }, {}));
    const ws2 = wsClient(server.url, { token: viewer });
    const resumed = collect(ws2, CM_EVENTS, { ns: 'gql-sub', rv: last });
    const replay = await resumed.waitFor(7);
    expect(replay.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'MODIFIED a',
      'MODIFIED a',
      'MODIFIED a',
      'DELETED a',
      'ADDED later-0',
      'ADDED later-1',
      'ADDED later-2',
    ]);
    expect(replay.map((e) => e.resourceVersion)).toEqual([
      ...seen.slice(3).map((e) => e.resourceVersion),
      ...replay.slice(4).map((e) => e.resourceVersion),
    ]);
    resumed.dispose();
    await ws2.dispose();
  });

  it('a socket without valid credentials is closed with 4403; the viewer cannot subscribe to Secrets', async () => {
    for (const params of [undefined, { authorization: 'Bearer eos_not-a-token' }]) {
      const ws = wsClient(server.url, params);
      const sub = collect(ws, CM_EVENTS, {});
      await sub.waitForEnd();
      expect(sub.errors[0]).toMatchObject({ code: 4403 });
      await ws.dispose();
    }
    const ws = wsClient(server.url, { token: viewer });
    const secrets = collect(ws, 'subscription { secrets { type } }');
    await secrets.waitForEnd();
    expect(secrets.errors[0]).toMatchObject({ extensions: { code: 'Forbidden' } });
    await ws.dispose();
  });

  it('serves the schema as SDL to signed-in callers (the API reference download), 401 otherwise', async () => {
    const res = await fetch(`${server.url}/graphql/schema.graphql`, { headers: { Authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    const sdl = await res.text();
    expect(sdl).toMatch(/^type Query \{/m);
    expect(sdl).toMatch(/^type Subscription \{/m);
    expect(sdl).toContain('configMaps(');
    const anonymous = await fetch(`${server.url}/graphql/schema.graphql`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { kind: string }).kind).toBe('Status');
  });

  it('a custom resource appears in the schema when its CRD is established and leaves when it is deleted', async () => {
    const api = client(server.url, admin);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.gql.example.com' },
      spec: {
        group: 'gql.example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { size: { type: 'integer' }, 'color-name': { type: 'string' } } },
                },
              },
            },
          },
        ],
      },
    };
    expect((await api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    await until(
      async () => (await gql(server.url, admin, '{ __type(name: "Widget") { name } }')).body.data.__type,
      'Widget in the schema',
    );
    const made = await gql(
      server.url,
      admin,
      `mutation ($body: JSON!) { createWidget(namespace: "default", body: $body) { metadata { name } } }`,
      {
        body: {
          apiVersion: 'gql.example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w1' },
          spec: { size: 3, 'color-name': 'red' },
        },
      },
    );
    expect(made.body.errors).toBeUndefined();
    // A property GraphQL cannot spell (color-name) is served as colorName.
    const listed = await gql(
      server.url,
      admin,
      '{ widgets(namespace: "default") { items { metadata { name } spec { size colorName } } } }',
    );
    expect(listed.body.data.widgets.items).toEqual([{ metadata: { name: 'w1' }, spec: { size: 3, colorName: 'red' } }]);
    expect(
      (await api.delete('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.gql.example.com')).status,
    ).toBeLessThan(300);
    await until(
      async () => (await gql(server.url, admin, '{ __type(name: "Widget") { name } }')).body.data.__type === null,
      'Widget to leave the schema',
      20_000,
    );
  });

  it('records GraphQL writes in the audit trail like REST requests', async () => {
    await gql(
      server.url,
      operator,
      `mutation { createConfigMap(namespace: "default", body: { metadata: { name: "gql-audited" } }) { metadata { name } } }`,
    );
    const record = await until(async () => {
      const res = await client(server.url, admin).get(
        '/apis/entroos.io/v1/audit/events?verb=create&resource=configmaps&name=gql-audited',
      );
      return res.body.items?.[0];
    }, 'the audit record of the GraphQL create');
    expect(record).toMatchObject({
      verb: 'create',
      user: { username: 'gql-operator' },
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'gql-audited' },
      responseStatus: { code: 201 },
      annotations: { 'audit.entroos.io/transport': 'graphql over http' },
    });
  });

  it('serves a self-contained explorer to a signed-in browser, and sends others to the login page', async () => {
    const anonymous = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/login?callbackUrl=%2Fgraphql');
    const cookie = await signIn(server.url, 'admin');
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html', cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('EntroOS GraphQL');
    // Nothing is loaded from elsewhere: no external scripts, styles or fonts.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

/** The dashboard's sign-in (next-auth credentials), as a browser does it; returns the Cookie header. */
async function signIn(url: string, username: string, password = 'admin-test-password'): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${url}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header(), origin: url },
    body: new URLSearchParams({ username, password, csrfToken, json: 'true' }),
  });
  keep(res);
  return header();
}

describe('GraphQL with two instances', () => {
  let instances: Instances;
  beforeAll(async () => {
    instances = await startTwoInstances();
  }, 120_000);
  afterAll(async () => {
    await instances?.stop();
  });

  it('a subscription on instance B sees a write made on instance A', async () => {
    const { a, b } = instances;
    const token = await login(a.url);
    const ws = wsClient(b.url, { token });
    const sub = collect(ws, CM_EVENTS, { ns: 'default' });
    await until(
      async () => {
        await gql(
          a.url,
          token,
          `mutation ($body: JSON!) { createConfigMap(namespace: "default", body: $body) { metadata { name } } }`,
          {
            body: { metadata: { name: `from-a-${Date.now()}`, labels: { watch: 'yes' } } },
          },
        );
        return sub.events.length > 0;
      },
      'the write on A to reach the subscription on B',
      20_000,
    );
    expect(sub.events[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: expect.stringMatching(/^from-a-/) } },
    });
    // Queries and mutations on PostgreSQL too: B reads what A wrote (with a relation read from the store), and a
    // write refused by validation carries REST's causes whichever instance it is sent to.
    const read = await gql(
      b.url,
      token,
      `{ configMaps(namespace: "default", labelSelector: "watch=yes") { items { metadata { name } } }
        pods(namespace: "default") { items { proof { commitment } } } }`,
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.configMaps.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toContain(
      sub.events[0].object.metadata.name,
    );
    for (const url of [a.url, b.url]) {
      const refused = await gql(
        url,
        token,
        `mutation ($body: JSON!) { createConfigMap(namespace: "default", body: $body) { metadata { name } } }`,
        { body: { metadata: { name: 'Not_Valid' } } },
      );
      expect(refused.body.data).toEqual({ createConfigMap: null });
      expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'Invalid', causes: expect.any(Array) });
    }
    sub.dispose();
    await ws.dispose();
  });
});

describe('GraphQL subscriptions past the watch history', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { ENTROOS_WATCH_HISTORY: '100' } });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('a resume from a resourceVersion the history no longer holds ends with Expired: the client must relist', async () => {
    const token = await login(server.url);
    const api = client(server.url, token);
    for (let i = 0; i < 120; i++)
      expect(
        (await api.post('/api/v1/namespaces/default/configmaps', { metadata: { name: `fill-${i}` } })).status,
      ).toBe(201);
    const ws = wsClient(server.url, { token });
    const sub = collect(ws, CM_EVENTS, { ns: 'default', rv: '1' });
    await sub.waitForEnd();
    expect(sub.errors[0]).toMatchObject({ extensions: { code: 'Expired', status: { code: 410 } } });
    expect((sub.errors[0] as { message: string }).message).toMatch(/list again/);
    await ws.dispose();
  });
});
