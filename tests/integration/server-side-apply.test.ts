import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startServer, type TestServer } from '../helpers/server.ts';
import { login } from '../helpers/api.ts';

// Server-side apply (PATCH application/apply-patch+yaml) and metadata.managedFields over plain HTTP.

type Obj = Record<string, unknown>;
interface ManagedFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Obj;
  subresource?: string;
}
interface Meta {
  name: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: ManagedFields[];
}
interface Body {
  kind: string;
  metadata: Meta;
  spec?: Obj & { replicas?: number };
  status?: Obj;
  data?: Record<string, string>;
  reason?: string;
  code?: number;
  message?: string;
  details?: { causes?: { reason: string; message: string; field: string }[] };
}
interface Reply {
  status: number;
  body: Body;
  warnings: string;
}

let server: TestServer;
let token = '';
const NS = '/api/v1/namespaces/default';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

beforeAll(async () => {
  server = await startServer();
  token = await login(server.url);
});
afterAll(async () => {
  await server?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'User-Agent': 'ssa-test/1.0 (linux)',
      // fetch would label a string body text/plain, which the API refuses (415) as kube-apiserver does.
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const warnings = res.headers.get('warning') ?? '';
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body, warnings } satisfies Reply;
}

const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
const apply = (path: string, body: unknown, params = 'fieldManager=alice') =>
  call('PATCH', `${path}?${params}`, body, APPLY);
const merge = (path: string, body: unknown, query = '') =>
  call('PATCH', path + query, body, { 'Content-Type': 'application/merge-patch+json' });

const entries = (o: Body) => o.metadata.managedFields ?? [];
const entry = (o: Body, manager: string, operation?: string) =>
  entries(o).find((e) => e.manager === manager && (!operation || e.operation === operation));

const deployment = (
  name: string,
  over: { replicas?: number; labels?: Record<string, string>; image?: string } = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: over.labels ?? { app: name } },
  spec: {
    ...(over.replicas === undefined ? {} : { replicas: over.replicas }),
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { schedulerName: 'nobody', containers: [{ name: 'web', image: over.image ?? 'nginx:1.27' }] },
    },
  },
});

const configMap = (name: string, data: Record<string, string>, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

describe('server-side apply', () => {
  it('creates the object (201) from a YAML body, with the applier’s Apply entry', async () => {
    const yaml = stringify(deployment('ssa-create', { replicas: 2 }));
    const created = await apply(`${DEPLOYS}/ssa-create`, yaml);
    expect(created.status).toBe(201);
    expect(created.body.spec?.replicas).toBe(2);
    // Defaults and server metadata as for any create.
    expect(created.body.spec?.strategy).toMatchObject({ type: 'RollingUpdate' });
    expect(created.body.metadata.generation).toBe(1);
    const mine = entry(created.body, 'alice');
    expect(mine).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(mine?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(mine?.fieldsV1).toMatchObject({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': {} } } } },
    });
    // Defaulted fields belong to nobody.
    expect(JSON.stringify(mine?.fieldsV1)).not.toContain('f:strategy');
    const got = await call('GET', `${DEPLOYS}/ssa-create`);
    expect(got.body.metadata.managedFields).toEqual(created.body.metadata.managedFields);
  });

  it('applies changes, prunes what the manifest no longer has, and keeps the version on a no-op', async () => {
    const path = `${NS}/configmaps/ssa-prune`;
    const first = await apply(path, configMap('ssa-prune', { a: '1', b: '2' }, { keep: 'yes', drop: 'me' }));
    expect(first.status).toBe(201);
    const second = await apply(path, configMap('ssa-prune', { a: '10' }, { keep: 'yes' }));
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual({ a: '10' });
    expect(second.body.metadata.labels).toEqual({ keep: 'yes' });
    expect(Number(second.body.metadata.resourceVersion)).toBeGreaterThan(Number(first.body.metadata.resourceVersion));
    expect(entry(second.body, 'alice')?.fieldsV1).toEqual({
      'f:data': { 'f:a': {} },
      'f:metadata': { 'f:labels': { 'f:keep': {} } },
    });
    const again = await apply(path, configMap('ssa-prune', { a: '10' }, { keep: 'yes' }));
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(second.body.metadata.resourceVersion);
    expect(again.body.metadata.managedFields).toEqual(second.body.metadata.managedFields);
  });

  it('answers a change to another manager’s field with 409 naming the manager and field; force takes it over', async () => {
    const path = `${DEPLOYS}/ssa-conflict`;
    expect((await apply(path, deployment('ssa-conflict', { replicas: 2 }))).status).toBe(201);
    const clash = await apply(path, deployment('ssa-conflict', { replicas: 5 }), 'fieldManager=bob');
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect(clash.body.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    expect(clash.body.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' },
    ]);
    // Nothing was written.
    expect((await call('GET', path)).body.spec?.replicas).toBe(2);

    // The same value is shared, not a conflict.
    const shared = await apply(path, deployment('ssa-conflict', { replicas: 2 }), 'fieldManager=carol');
    expect(shared.status).toBe(200);
    expect(entry(shared.body, 'carol', 'Apply')).toBeDefined();

    const forced = await apply(path, deployment('ssa-conflict', { replicas: 5 }), 'fieldManager=bob&force=true');
    expect(forced.status).toBe(200);
    expect(forced.body.spec?.replicas).toBe(5);
    expect(forced.body.metadata.generation).toBe(2);
    const owners = (o: Body) =>
      entries(o)
        .filter((e) => JSON.stringify(e.fieldsV1).includes('"f:replicas"'))
        .map((e) => e.manager);
    expect(owners(forced.body)).toEqual(['bob']);

    // alice re-applying her old value now conflicts with bob.
    const back = await apply(path, deployment('ssa-conflict', { replicas: 2 }));
    expect(back.status).toBe(409);
    expect(back.body.message).toContain('conflict with "bob": .spec.replicas');
  });

  it('conflicts with an Update manager (a scale) and names its subresource', async () => {
    const path = `${DEPLOYS}/ssa-scale`;
    expect((await apply(path, deployment('ssa-scale', { replicas: 1 }))).status).toBe(201);
    const scaled = await merge(`${path}/scale`, { spec: { replicas: 4 } }, '?fieldManager=scaler');
    expect(scaled.status).toBe(200);
    const after = await call('GET', path);
    expect(entry(after.body, 'scaler')).toMatchObject({
      operation: 'Update',
      apiVersion: 'apps/v1',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    const clash = await apply(path, deployment('ssa-scale', { replicas: 1 }));
    expect(clash.status).toBe(409);
    expect(clash.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "scaler" with subresource "scale" using apps/v1: .spec.replicas',
    );
    // Leaving replicas out of the manifest gives it up instead.
    const { spec } = deployment('ssa-scale');
    const yielded = await apply(path, { ...deployment('ssa-scale'), spec });
    expect(yielded.status).toBe(200);
    expect(yielded.body.spec?.replicas).toBe(4);
  });

  it('records Update entries for create, update, patches and status writes', async () => {
    const created = await call('POST', `${NS}/configmaps?fieldManager=creator`, configMap('ssa-writes', { a: '1' }));
    expect(created.status).toBe(201);
    expect(entries(created.body)).toEqual([
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'v1',
        time: expect.any(String),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
      },
    ]);
    // Without fieldManager, the User-Agent's product names the manager.
    const put = await call('PUT', `${NS}/configmaps/ssa-writes`, { ...configMap('ssa-writes', { a: '1', b: '2' }) });
    expect(put.status).toBe(200);
    expect(entry(put.body, 'ssa-test')?.fieldsV1).toEqual({ 'f:data': { 'f:b': {} } });
    expect(entry(put.body, 'creator')?.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:a': {} } });
    // A PUT of the same content, without managedFields, changes nothing.
    const same = await call('PUT', `${NS}/configmaps/ssa-writes`, configMap('ssa-writes', { a: '1', b: '2' }));
    expect(same.body.metadata.resourceVersion).toBe(put.body.metadata.resourceVersion);
    expect(same.body.metadata.managedFields).toEqual(put.body.metadata.managedFields);

    const patched = await merge(`${NS}/configmaps/ssa-writes`, { data: { a: 'changed' } }, '?fieldManager=patcher');
    expect(patched.status).toBe(200);
    expect(entry(patched.body, 'patcher')?.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
    // creator keeps only the map itself.
    expect(entry(patched.body, 'creator')?.fieldsV1).toEqual({ 'f:data': {} });
    const json = await call(
      'PATCH',
      `${NS}/configmaps/ssa-writes?fieldManager=jsonpatcher`,
      [{ op: 'add', path: '/data/c', value: '3' }],
      { 'Content-Type': 'application/json-patch+json' },
    );
    expect(entry(json.body, 'jsonpatcher')?.fieldsV1).toEqual({ 'f:data': { 'f:c': {} } });
    const strategic = await call(
      'PATCH',
      `${NS}/configmaps/ssa-writes`,
      { metadata: { labels: { s: 'y' } } },
      { 'Content-Type': 'application/strategic-merge-patch+json', 'User-Agent': 'kubectl/v1.32.0 (linux/amd64)' },
    );
    expect(entry(strategic.body, 'kubectl')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:s': {} } },
    });

    const pod = await call('POST', `${NS}/pods?fieldManager=creator`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ssa-status' },
      spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    expect(pod.status).toBe(201);
    // Status is not the main resource's to track.
    expect(JSON.stringify(entry(pod.body, 'creator')?.fieldsV1)).not.toContain('f:status');
    const status = await merge(`${NS}/pods/ssa-status/status`, { status: { message: 'hello' } }, '?fieldManager=agent');
    expect(status.status).toBe(200);
    expect(entry(status.body, 'agent')).toMatchObject({
      operation: 'Update',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:message': {} } },
    });
  });

  it('requires fieldManager, checks the body and the options, and refuses CBOR', async () => {
    const path = `${NS}/configmaps/ssa-checks`;
    const missing = await call('PATCH', path, configMap('ssa-checks', { a: '1' }), APPLY);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('fieldManager is required for apply requests');
    expect((await call('GET', path)).status).toBe(404);

    const wrongVersion = await apply(path, { ...configMap('ssa-checks', {}), apiVersion: 'v2' });
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.body.message).toContain('Incorrect version specified in apply patch');
    const wrongName = await apply(path, configMap('other', {}));
    expect(wrongName.status).toBe(400);
    const badYaml = await apply(path, 'kind: [unclosed');
    expect(badYaml.status).toBe(400);
    expect(badYaml.body.message).toMatch(/^error decoding YAML/);
    const withManaged = await apply(path, {
      ...configMap('ssa-checks', {}),
      metadata: { name: 'ssa-checks', managedFields: [{ manager: 'x' }] },
    });
    expect(withManaged.status).toBe(400);
    expect(withManaged.body.message).toBe('metadata.managedFields must be nil');

    const cbor = await call('PATCH', `${path}?fieldManager=alice`, 'x', {
      'Content-Type': 'application/apply-patch+cbor',
    });
    expect(cbor.status).toBe(415);
    expect(cbor.body.message).toContain('application/apply-patch+yaml');
    const forceOnMerge = await merge(path, { data: {} }, '?force=true');
    expect(forceOnMerge.status).toBe(422);
    const badForce = await apply(path, configMap('ssa-checks', {}), 'fieldManager=alice&force=maybe');
    expect(badForce.status).toBe(400);
    const longManager = await apply(path, configMap('ssa-checks', {}), `fieldManager=${'m'.repeat(129)}`);
    expect(longManager.status).toBe(400);

    // dryRun: the answer is what would be stored, and nothing is.
    const dry = await apply(path, configMap('ssa-checks', { a: '1' }), 'fieldManager=alice&dryRun=All');
    expect(dry.status).toBe(201);
    expect(entry(dry.body, 'alice', 'Apply')).toBeDefined();
    expect((await call('GET', path)).status).toBe(404);
  });

  it('checks preconditions: a stale resourceVersion is a 409', async () => {
    const path = `${NS}/configmaps/ssa-pre`;
    const created = await apply(path, configMap('ssa-pre', { a: '1' }));
    const stale = await apply(path, {
      ...configMap('ssa-pre', { a: '2' }),
      metadata: { name: 'ssa-pre', resourceVersion: '1' },
    });
    expect(stale.status).toBe(409);
    const fresh = await apply(path, {
      ...configMap('ssa-pre', { a: '2' }),
      metadata: { name: 'ssa-pre', resourceVersion: created.body.metadata.resourceVersion },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.data).toEqual({ a: '2' });
  });

  it('applies to the status subresource: only status, tracked as its own entry', async () => {
    const pods = `${NS}/pods`;
    const created = await call('POST', `${pods}?fieldManager=creator`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ssa-pod-status' },
      spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    expect(created.status).toBe(201);
    const applied = await apply(
      `${pods}/ssa-pod-status/status`,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'ssa-pod-status', labels: { ignored: 'no' } },
        spec: { containers: [{ name: 'ignored', image: 'ignored' }] },
        status: { conditions: [{ type: 'Example', status: 'True' }] },
      },
      'fieldManager=status-agent',
    );
    expect(applied.status).toBe(200);
    expect(applied.body.status?.conditions).toEqual([{ type: 'Example', status: 'True' }]);
    expect(applied.body.spec?.containers).toEqual(created.body.spec?.containers);
    expect(entry(applied.body, 'status-agent')).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: {
        'f:status': { 'f:conditions': { 'k:{"type":"Example"}': { '.': {}, 'f:status': {}, 'f:type': {} } } },
      },
    });
    // Status applied on the main resource is left out.
    const main = await apply(
      `${pods}/ssa-pod-status`,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'ssa-pod-status', labels: { main: 'yes' } },
        status: { message: 'not here' },
      },
      'fieldManager=labeler',
    );
    expect(main.status).toBe(200);
    expect(main.body.metadata.labels).toEqual({ main: 'yes' });
    expect(main.body.status?.message).toBeUndefined();
    // The status subresource does not create.
    const missing = await apply(`${pods}/nope/status`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nope' } });
    expect(missing.status).toBe(404);
  });

  it('decodes the configuration first: unknown fields are refused (Strict) or dropped and owned by nobody', async () => {
    const path = `${NS}/configmaps/ssa-unknown`;
    const body = { ...configMap('ssa-unknown', { a: '1' }), extra: { deep: true } };
    const strict = await apply(path, body, 'fieldManager=alice&fieldValidation=Strict');
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain('unknown field "extra"');
    const warned = await apply(path, body);
    expect(warned.status).toBe(201);
    expect(warned.warnings).toContain('unknown field');
    expect(JSON.stringify(warned.body)).not.toContain('extra');
    expect(entry(warned.body, 'alice')?.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
    // Nothing the decoder drops changes the object: a no-op.
    const again = await apply(path, body);
    expect(again.body.metadata.resourceVersion).toBe(warned.body.metadata.resourceVersion);
  });

  it('applies custom resources with their schema’s list types, conflicts and status', async () => {
    const crd = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.ssa.example.com' },
      spec: {
        group: 'ssa.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: { type: 'integer', default: 1 },
                      tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                      ports: {
                        type: 'array',
                        'x-kubernetes-list-type': 'map',
                        'x-kubernetes-list-map-keys': ['name'],
                        items: {
                          type: 'object',
                          required: ['name'],
                          properties: { name: { type: 'string' }, port: { type: 'integer' } },
                        },
                      },
                      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    },
                  },
                  status: { type: 'object', properties: { ready: { type: 'boolean' } } },
                },
              },
            },
          },
        ],
      },
    });
    expect(crd.status).toBe(201);
    const group = '/apis/ssa.example.com/v1';
    const deadline = Date.now() + 15_000;
    while ((await call('GET', `${group}/namespaces/default/gadgets`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the Gadget resource was never served');
      await new Promise((r) => setTimeout(r, 100));
    }
    const path = `${group}/namespaces/default/gadgets/g1`;
    const gadget = (spec: Obj) => ({
      apiVersion: 'ssa.example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g1' },
      spec,
    });

    const created = await apply(
      path,
      gadget({ tags: ['a'], ports: [{ name: 'http', port: 80 }], free: { x: { y: 1 } } }),
    );
    expect(created.status).toBe(201);
    // The schema's default fills spec.size, which nobody owns.
    expect(created.body.spec?.size).toBe(1);
    expect(entry(created.body, 'alice')?.fieldsV1).toEqual({
      'f:spec': {
        'f:free': { 'f:x': { '.': {}, 'f:y': {} } },
        'f:ports': { 'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
        'f:tags': { 'v:"a"': {} },
      },
    });
    // Another manager adds to the set and the map list instead of replacing them.
    const merged = await apply(
      path,
      gadget({ tags: ['b'], ports: [{ name: 'https', port: 443 }] }),
      'fieldManager=bob',
    );
    expect(merged.status).toBe(200);
    expect(merged.body.spec).toMatchObject({
      tags: ['a', 'b'],
      ports: [
        { name: 'http', port: 80 },
        { name: 'https', port: 443 },
      ],
      free: { x: { y: 1 } },
    });
    const clash = await apply(path, gadget({ ports: [{ name: 'http', port: 8080 }] }), 'fieldManager=bob');
    expect(clash.status).toBe(409);
    expect(clash.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "alice": .spec.ports[name="http"].port',
    );
    // Dropping a field from alice's configuration removes it (bob's items stay).
    const pruned = await apply(path, gadget({ tags: ['a'], ports: [{ name: 'http', port: 80 }] }));
    expect(pruned.body.spec?.free).toBeUndefined();
    expect(pruned.body.spec?.tags).toEqual(['a', 'b']);

    const status = await apply(
      `${path}/status`,
      { apiVersion: 'ssa.example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, status: { ready: true } },
      'fieldManager=gadget-controller',
    );
    expect(status.status).toBe(200);
    expect(status.body.status).toEqual({ ready: true });
    expect(entry(status.body, 'gadget-controller')).toMatchObject({ operation: 'Apply', subresource: 'status' });
  });
});
