import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { startTwoInstances, type Instances } from '../helpers/instances.ts';
import { until } from '../helpers/kubectl.ts';
import { readNdjson } from '@/lib/apimachinery/ndjson.ts';

// CustomResourceDefinitions served like Kubernetes serves them, and the schema-driven decoding of built-in kinds,
// against a real server.

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GROUP = 'stable.example.com';
const CT = `/apis/${GROUP}/v1/namespaces/default/crontabs`;
const PODS = '/api/v1/namespaces/default/pods';

const cronSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      'x-kubernetes-validations': [
        { rule: 'self.minReplicas <= self.replicas', message: 'replicas must be at least minReplicas' },
      ],
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$', description: 'When.' },
        image: { type: 'string' },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        minReplicas: { type: 'integer', default: 0 },
      },
    },
    status: {
      type: 'object',
      properties: { replicas: { type: 'integer' }, labelSelector: { type: 'string' } },
    },
  },
};

const cronTabCrd = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `crontabs.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: cronSchema },
        subresources: {
          status: {},
          scale: {
            specReplicasPath: '.spec.replicas',
            statusReplicasPath: '.status.replicas',
            labelSelectorPath: '.status.labelSelector',
          },
        },
        additionalPrinterColumns: [
          { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        ],
      },
      { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: cronSchema } },
    ],
    ...extra,
  },
});

const cronTab = (name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'CronTab',
  metadata: { name, labels },
  spec: { cronSpec: '*/5 * * * *', image: 'cron:1', ...spec },
});

const podManifest = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: name } },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m' } } },
    ],
  },
});

let server: TestServer;
let token: string;
let api: ReturnType<typeof client>;

/** A request with any method and content type; the body is sent as JSON. */
async function send(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(server.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

const established = (crd: any) =>
  crd?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');

async function createEstablished(crd: any) {
  const created = await api.post(CRDS, crd);
  expect(created.status, created.text).toBe(201);
  return until(async () => {
    const got = await api.get(`${CRDS}/${crd.metadata.name}`);
    return established(got.body) ? got.body : undefined;
  }, `CRD ${crd.metadata.name} established`);
}

beforeAll(async () => {
  server = await startServer();
  token = await login(server.url);
  api = client(server.url, token);
});
afterAll(async () => {
  await server?.stop();
});

describe('CustomResourceDefinitions', () => {
  it('rejects an invalid CRD with 422 naming the field', async () => {
    const bad = cronTabCrd({ scope: 'Everywhere' });
    bad.metadata.name = 'wrong.name.example.com';
    const res = await api.post(CRDS, bad);
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    const fields = res.body.details.causes.map((c: any) => c.field);
    expect(fields).toContain('metadata.name');
    expect(fields).toContain('spec.scope');
    expect(res.body.message).toMatch(/must be spec.names.plural\+"."\+spec.group/);
    const noSchema = cronTabCrd();
    delete (noSchema.spec.versions[1] as any).schema;
    const missing = await api.post(CRDS, noSchema);
    expect(missing.status).toBe(422);
    expect(missing.body.details.causes.map((c: any) => c.field)).toContain('spec.versions[1].schema.openAPIV3Schema');
  });

  it('establishes a CRD: status, finalizer, discovery', async () => {
    const crd = await createEstablished(cronTabCrd());
    expect(crd.metadata.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
    expect(crd.status.acceptedNames).toMatchObject({ plural: 'crontabs', kind: 'CronTab', listKind: 'CronTabList' });
    expect(crd.status.storedVersions).toEqual(['v1']);
    expect(crd.status.conditions.find((c: any) => c.type === 'NamesAccepted')).toMatchObject({
      status: 'True',
      reason: 'NoConflicts',
    });

    const groups = await api.get('/apis');
    const group = groups.body.groups.find((g: any) => g.name === GROUP);
    expect(group.versions.map((v: any) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(group.preferredVersion.version).toBe('v1');
    expect((await api.get(`/apis/${GROUP}`)).body.versions).toHaveLength(2);
    const resources = await api.get(`/apis/${GROUP}/v1`);
    expect(resources.status).toBe(200);
    const names = resources.body.resources.map((r: any) => r.name);
    expect(names).toEqual(['crontabs', 'crontabs/status', 'crontabs/scale']);
    expect(resources.body.resources[0]).toMatchObject({
      kind: 'CronTab',
      namespaced: true,
      shortNames: ['ct'],
      categories: ['all'],
      singularName: 'crontab',
    });
    const beta = await api.get(`/apis/${GROUP}/v1beta1`);
    expect(beta.body.resources.map((r: any) => r.name)).toEqual(['crontabs']);

    // The CRD table as kubectl gets it.
    const table = await api.get(CRDS, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(table.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Created At']);
  });

  it('validates (422 with causes, CEL rules) and defaults custom resources', async () => {
    const invalid = await api.post(CT, cronTab('bad', { cronSpec: 'nope', replicas: 11 }));
    expect(invalid.status).toBe(422);
    expect(invalid.body.details.kind).toBe('CronTab');
    const fields = invalid.body.details.causes.map((c: any) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['spec.cronSpec', 'spec.replicas']));

    const cel = await api.post(CT, cronTab('cel', { replicas: 1, minReplicas: 3 }));
    expect(cel.status).toBe(422);
    expect(cel.body.message).toContain('replicas must be at least minReplicas');

    const created = await api.post(CT, cronTab('one', {}, { tier: 'a' }));
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      apiVersion: `${GROUP}/v1`,
      kind: 'CronTab',
      metadata: { name: 'one', namespace: 'default', generation: 1 },
      spec: { replicas: 1, minReplicas: 0 },
    });
    // A new object's status belongs to the status subresource.
    const withStatus = await api.post(CT, { ...cronTab('two', {}, { tier: 'b' }), status: { replicas: 7 } });
    expect(withStatus.status).toBe(201);
    expect(withStatus.body.status).toBeUndefined();
    expect((await api.post(CT, cronTab('one'))).status).toBe(409);
  });

  it('reports unknown fields as fieldValidation asks: Strict 400, Warn (the default) a Warning header', async () => {
    const body = { ...cronTab('unknown'), spec: { cronSpec: '* * * * *', bogus: 1 } };
    const strict = await send('POST', `${CT}?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe(
      'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"',
    );
    const warned = await send('POST', CT, body);
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.bogus\\""');
    expect(warned.body.spec.bogus).toBeUndefined();
    const ignored = await send('POST', `${CT}?fieldValidation=Ignore`, { ...body, metadata: { name: 'unknown2' } });
    expect(ignored.status).toBe(201);
    expect(ignored.headers.get('warning')).toBeNull();
  });

  it('lists with label and field selectors, pages, and serves other versions', async () => {
    const byLabel = await api.get(`${CT}?labelSelector=tier%3Da`);
    expect(byLabel.body.kind).toBe('CronTabList');
    expect(byLabel.body.items.map((i: any) => i.metadata.name)).toEqual(['one']);
    const byName = await api.get(`${CT}?fieldSelector=metadata.name%3Dtwo`);
    expect(byName.body.items.map((i: any) => i.metadata.name)).toEqual(['two']);
    const all = await api.get(`/apis/${GROUP}/v1/crontabs?fieldSelector=metadata.namespace%3Ddefault`);
    expect(all.body.items.length).toBeGreaterThanOrEqual(4);
    const bad = await api.get(`${CT}?fieldSelector=spec.image%3Dx`);
    expect(bad.status).toBe(400);
    const page = await api.get(`${CT}?limit=1`);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.metadata.continue).toBeTruthy();
    const next = await api.get(`${CT}?limit=1&continue=${encodeURIComponent(page.body.metadata.continue)}`);
    expect(next.body.items[0].metadata.name).not.toBe(page.body.items[0].metadata.name);
    // Stored once, served at every version (conversion None rewrites apiVersion).
    const beta = await api.get(`/apis/${GROUP}/v1beta1/namespaces/default/crontabs/one`);
    expect(beta.status).toBe(200);
    expect(beta.body.apiVersion).toBe(`${GROUP}/v1beta1`);
    const betaList = await api.get(`/apis/${GROUP}/v1beta1/namespaces/default/crontabs`);
    expect(betaList.body.items.every((i: any) => i.apiVersion === `${GROUP}/v1beta1`)).toBe(true);
  });

  it('prints the printer columns in tables', async () => {
    const table = await api.get(`${CT}/one`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(table.body.kind).toBe('Table');
    expect(table.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Spec', 'Replicas']);
    expect(table.body.rows[0].cells).toEqual(['one', '*/5 * * * *', 1]);
  });

  it('watches custom resources', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}${CT}?watch=true&labelSelector=tier%3Dw`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const events: any[] = [];
    const reading = readNdjson(res.body!, (e) => {
      events.push(e);
      return events.length < 2;
    }).catch(() => {});
    expect((await api.post(CT, cronTab('watched', {}, { tier: 'w' }))).status).toBe(201);
    const patched = await send('PATCH', `${CT}/watched`, { spec: { image: 'cron:2' } }, 'application/merge-patch+json');
    expect(patched.status).toBe(200);
    await until(() => events.length >= 2, 'two watch events');
    controller.abort();
    await reading;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(events[1].object.spec.image).toBe('cron:2');
  });

  it('patches with merge and JSON patches; a strategic merge patch is 415', async () => {
    const merged = await send('PATCH', `${CT}/one`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(merged.status).toBe(200);
    expect(merged.body.spec.replicas).toBe(3);
    expect(merged.body.metadata.generation).toBe(2);
    const json = await send(
      'PATCH',
      `${CT}/one`,
      [{ op: 'replace', path: '/spec/image', value: 'cron:9' }],
      'application/json-patch+json',
    );
    expect(json.status).toBe(200);
    expect(json.body.spec.image).toBe('cron:9');
    const invalid = await send('PATCH', `${CT}/one`, { spec: { replicas: 42 } }, 'application/merge-patch+json');
    expect(invalid.status).toBe(422);
    const strategic = await send(
      'PATCH',
      `${CT}/one`,
      { spec: { replicas: 4 } },
      'application/strategic-merge-patch+json',
    );
    expect(strategic.status).toBe(415);
  });

  it('status subresource: main writes ignore status, status writes change only status', async () => {
    const current = (await api.get(`${CT}/one`)).body;
    const status = await api.put(`${CT}/one/status`, {
      ...current,
      spec: { ...current.spec, image: 'ignored' },
      status: { replicas: 2, labelSelector: 'tier=a' },
    });
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    expect(status.body.status).toEqual({ replicas: 2, labelSelector: 'tier=a' });
    expect(status.body.spec.image).toBe('cron:9');
    expect(status.body.metadata.generation).toBe(current.metadata.generation);

    const main = await api.put(`${CT}/one`, {
      ...status.body,
      spec: { ...status.body.spec, image: 'cron:10' },
      status: { replicas: 99 },
    });
    expect(main.status).toBe(200);
    expect(main.body.spec.image).toBe('cron:10');
    expect(main.body.status).toEqual({ replicas: 2, labelSelector: 'tier=a' });
    expect(main.body.metadata.generation).toBe(current.metadata.generation + 1);

    const stale = await api.put(`${CT}/one`, { ...current, spec: { ...current.spec, image: 'x' } });
    expect(stale.status).toBe(409);
  });

  it('scale subresource reads and writes the CRD scale paths', async () => {
    const scale = await api.get(`${CT}/one/scale`);
    expect(scale.body).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'tier=a' },
    });
    const patched = await send('PATCH', `${CT}/one/scale`, { spec: { replicas: 5 } }, 'application/merge-patch+json');
    expect(patched.status).toBe(200);
    expect(patched.body.spec.replicas).toBe(5);
    expect((await api.get(`${CT}/one`)).body.spec.replicas).toBe(5);
    const put = await api.put(`${CT}/one/scale`, { ...patched.body, spec: { replicas: 4 } });
    expect(put.status).toBe(200);
    expect((await api.get(`${CT}/one`)).body.spec.replicas).toBe(4);
    const negative = await send('PATCH', `${CT}/one/scale`, { spec: { replicas: -1 } }, 'application/merge-patch+json');
    expect(negative.status).toBe(422);
  });

  it('publishes the CRD schema in /openapi/v3', async () => {
    const root = await api.get('/openapi/v3');
    const entry = root.body.paths[`apis/${GROUP}/v1`];
    expect(entry?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/stable\.example\.com\/v1\?hash=/);
    const doc = await api.get(entry.serverRelativeURL);
    const kind = doc.body.components.schemas['com.example.stable.v1.CronTab'];
    expect(kind.properties.spec.properties.cronSpec.description).toBe('When.');
    expect(kind['x-kubernetes-group-version-kind']).toEqual([{ group: GROUP, version: 'v1', kind: 'CronTab' }]);
    expect(doc.body.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
  });

  it('serves cluster-scoped resources at a version other than v1', async () => {
    await createEstablished({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.things.example.org' },
      spec: {
        group: 'things.example.org',
        scope: 'Cluster',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [
          {
            name: 'v1alpha1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    const base = '/apis/things.example.org/v1alpha1/widgets';
    const created = await api.post(base, {
      apiVersion: 'things.example.org/v1alpha1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'ignored' },
      anything: { goes: [1, 2] },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.metadata.namespace).toBeUndefined();
    expect(created.body.anything).toEqual({ goes: [1, 2] });
    expect((await api.get(`${base}/w1`)).body.metadata.name).toBe('w1');
    expect((await api.get('/apis/things.example.org/v1alpha1/namespaces/default/widgets')).status).toBe(404);
    expect((await api.get('/apis/things.example.org/v1/widgets')).status).toBe(404);
    const gone = await api.delete(`${base}/w1`);
    expect(gone.status).toBe(200);
  });

  it('custom resources follow RBAC like other workloads; CRDs are admin-written', async () => {
    const viewer = client(server.url, (await userWithToken(server.url, token, 'crd-viewer', 'viewer')).token);
    const operator = client(server.url, (await userWithToken(server.url, token, 'crd-operator', 'operator')).token);
    expect((await viewer.get(`${CT}/one`)).status).toBe(200);
    expect((await viewer.post(CT, cronTab('by-viewer'))).status).toBe(403);
    expect((await operator.post(CT, cronTab('by-operator'))).status).toBe(201);
    expect((await operator.delete(`${CT}/by-operator`)).status).toBe(200);
    expect((await viewer.get(CRDS)).status).toBe(200);
    const crd = cronTabCrd();
    crd.metadata.name = `others.${GROUP}`;
    crd.spec.names = { plural: 'others', singular: 'other', kind: 'Other', shortNames: [], categories: [] };
    expect((await operator.post(CRDS, crd)).status).toBe(403);
  });

  it('deletes a custom resource and a collection of them', async () => {
    expect((await api.delete(`${CT}/two`)).status).toBe(200);
    expect((await api.get(`${CT}/two`)).status).toBe(404);
    const collection = await api.delete(`${CT}?labelSelector=tier%3Dw`);
    expect(collection.status).toBe(200);
    expect(collection.body.items.map((i: any) => i.metadata.name)).toEqual(['watched']);
    expect((await api.get(`${CT}/watched`)).status).toBe(404);
  });

  it('deleting the CRD deletes its objects, then the type is gone (404)', async () => {
    expect((await api.post(CT, cronTab('last'))).status).toBe(201);
    await api.post('/api/v1/namespaces', { metadata: { name: 'crd-other' } });
    expect(
      (await api.post('/apis/stable.example.com/v1/namespaces/crd-other/crontabs', cronTab('elsewhere'))).status,
    ).toBe(201);
    const deleted = await api.delete(`${CRDS}/crontabs.${GROUP}`);
    expect([200, 202]).toContain(deleted.status);
    await until(async () => (await api.get(`${CRDS}/crontabs.${GROUP}`)).status === 404, 'the CRD to go');
    expect((await api.get(CT)).status).toBe(404);
    expect((await api.get(`/apis/${GROUP}/v1`)).status).toBe(404);
    expect((await api.get('/apis')).body.groups.map((g: any) => g.name)).not.toContain(GROUP);
    expect((await api.get('/openapi/v3')).body.paths[`apis/${GROUP}/v1`]).toBeUndefined();

    // Re-created, the type starts empty: the objects went with the CRD.
    await createEstablished(cronTabCrd());
    const list = await api.get(`/apis/${GROUP}/v1/crontabs`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    // Deleting a namespace deletes the custom resources in it.
    expect((await api.post('/apis/stable.example.com/v1/namespaces/crd-other/crontabs', cronTab('ns'))).status).toBe(
      201,
    );
    expect([200, 202]).toContain((await api.delete('/api/v1/namespaces/crd-other')).status);
    await until(async () => (await api.get('/api/v1/namespaces/crd-other')).status === 404, 'the namespace to go');
  });
});

describe('schema-driven decoding of built-in kinds', () => {
  it('answers a value of the wrong type with 400 naming the field, and stores nothing', async () => {
    const before = (await api.get(PODS)).body.metadata.resourceVersion;
    const containers = await api.post(PODS, { ...podManifest('typed'), spec: { containers: 'x' } });
    expect(containers.status).toBe(400);
    expect(containers.body.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    );
    for (const spec of ['x', 5, true]) {
      const res = await api.post(PODS, { ...podManifest('typed'), spec });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(
        /cannot be handled as a Pod: json: cannot unmarshal \w+ into Go struct field Pod\.spec of type v1\.PodSpec/,
      );
    }
    const port = await api.post(PODS, {
      ...podManifest('typed'),
      spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: '80' }] }] },
    });
    expect(port.status).toBe(400);
    expect(port.body.message).toMatch(/ContainerPort\.spec\.containers\.ports\.containerPort of type int32/);
    expect(port.body.details.causes[0].field).toBe('spec.containers[0].ports[0].containerPort');
    expect((await api.get(`${PODS}/typed`)).status).toBe(404);
    expect((await api.get(PODS)).body.metadata.resourceVersion).toBe(before);

    // IntOrString takes a string or an integer, Quantity a string or a number.
    const loose = await api.post(PODS, {
      ...podManifest('loose'),
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx:1.27',
            resources: { requests: { cpu: 1, memory: '64Mi' } },
            livenessProbe: { httpGet: { port: 'http' } },
            readinessProbe: { tcpSocket: { port: 8080 } },
          },
        ],
      },
    });
    expect(loose.status, loose.text).toBe(201);

    // An update with the wrong type leaves the stored object as it was (a ConfigMap: no controller writes it).
    const cm = await api.post('/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'typed' },
      data: { a: 'b' },
    });
    expect(cm.status).toBe(201);
    const update = await api.put('/api/v1/namespaces/default/configmaps/typed', { ...cm.body, data: { a: 1 } });
    expect(update.status).toBe(400);
    expect(update.body.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    );
    const stored = await api.get('/api/v1/namespaces/default/configmaps/typed');
    expect(stored.body.metadata.resourceVersion).toBe(cm.body.metadata.resourceVersion);
    expect(stored.body.data).toEqual({ a: 'b' });
    // Decoded before anything else: the wrong type is a 400 even with a stale resourceVersion.
    const stale = await api.put(`${PODS}/loose`, {
      ...loose.body,
      metadata: { ...loose.body.metadata, resourceVersion: '1' },
      spec: { ...loose.body.spec, containers: {} },
    });
    expect(stale.status).toBe(400);
    const deployment = await api.post('/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'typed' },
      spec: { replicas: 'two', selector: { matchLabels: { a: 'b' } }, template: {} },
    });
    expect(deployment.status).toBe(400);
    expect(deployment.body.message).toMatch(
      /^Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/,
    );
  });

  it('drops unknown fields: Strict 400, Warn (the default) a Warning header, Ignore silent', async () => {
    const body = { ...podManifest('unknown'), spec: { ...podManifest('unknown').spec, foo: 1 } };
    const strict = await send('POST', `${PODS}?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"',
    );
    const warned = await send('POST', `${PODS}?fieldValidation=Warn`, body);
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.foo\\""');
    expect(warned.body.spec.foo).toBeUndefined();
    const byDefault = await send('POST', PODS, { ...body, metadata: { name: 'unknown-2', bar: 1 } });
    expect(byDefault.status).toBe(201);
    expect(byDefault.headers.get('warning')).toBe(
      '299 - "unknown field \\"metadata.bar\\"", 299 - "unknown field \\"spec.foo\\""',
    );
    const ignored = await send('POST', `${PODS}?fieldValidation=Ignore`, { ...body, metadata: { name: 'unknown-3' } });
    expect(ignored.status).toBe(201);
    expect(ignored.headers.get('warning')).toBeNull();
    const wrong = await send('POST', `${PODS}?fieldValidation=strict`, body);
    expect(wrong.status).toBe(422);
    expect(wrong.body.message).toMatch(/fieldValidation: Unsupported value: "strict"/);
    // On update too.
    const current = warned.body;
    const update = await send('PUT', `${PODS}/unknown?fieldValidation=Strict`, {
      ...current,
      spec: { ...current.spec, bar: true },
    });
    expect(update.status).toBe(400);
    expect(update.body.message).toMatch(/strict decoding error: unknown field "spec.bar"/);
  });

  it('replaces an unchanged pending pod manifest: defaults apply before the update checks', async () => {
    const created = await api.post(PODS, podManifest('replaced'));
    expect(created.status).toBe(201);
    // The scheduler (no nodes here) marks it unschedulable: wait for that write, so nothing else changes it.
    const pending = await until(async () => {
      const pod = (await api.get(`${PODS}/replaced`)).body;
      return pod.status?.conditions?.some((c: any) => c.type === 'PodScheduled') ? pod : undefined;
    }, 'the scheduler to look at the pod');
    expect(pending.status.phase).toBe('Pending');
    const replaced = await api.put(`${PODS}/replaced`, podManifest('replaced'));
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body.metadata.resourceVersion).toBe(pending.metadata.resourceVersion);
    expect(replaced.body.metadata.generation).toBe(1);
    const image = podManifest('replaced');
    image.spec.containers[0].image = 'nginx:1.28';
    const changed = await api.put(`${PODS}/replaced`, image);
    expect(changed.status).toBe(200);
    expect(changed.body.spec.containers[0].image).toBe('nginx:1.28');
    const forbidden = podManifest('replaced');
    forbidden.spec.containers[0].name = 'renamed';
    expect((await api.put(`${PODS}/replaced`, forbidden)).status).toBe(422);
  });
});

describe('custom resources on every instance', () => {
  let instances: Instances | undefined;
  let leader: TestServer;
  let follower: TestServer;
  beforeAll(async () => {
    instances = await startTwoInstances();
    ({ a: leader, b: follower } = instances);
  }, 120_000);
  afterAll(async () => {
    await instances?.stop();
  });

  it('a follower serves the types of CRDs it sees by replication', async () => {
    const adminToken = await login(leader.url);
    const viaLeader = client(leader.url, adminToken);
    const viaFollower = client(follower.url, adminToken);
    const crd = cronTabCrd();
    crd.metadata.name = 'crontabs.replicated.example.com';
    crd.spec.group = 'replicated.example.com';
    await until(async () => (await viaLeader.post(CRDS, crd)).status === 201, 'the CRD created', 20_000);
    const path = '/apis/replicated.example.com/v1/namespaces/default/crontabs';
    // Whichever of the two was elected, both serve it: the other one learnt of the CRD by replication.
    await until(async () => (await viaFollower.get(path)).status === 200, 'the follower to serve the type', 20_000);
    await until(async () => (await viaLeader.get(path)).status === 200, 'the leader to serve the type', 20_000);
    // A write through the follower is forwarded to the leader; the follower then reads it back.
    const created = await viaFollower.post(path, {
      ...cronTab('via-follower'),
      apiVersion: 'replicated.example.com/v1',
    });
    expect(created.status, created.text).toBe(201);
    await until(async () => (await viaFollower.get(`${path}/via-follower`)).status === 200, 'the replicated object');
    expect((await viaFollower.get('/apis/replicated.example.com/v1')).body.resources[0].name).toBe('crontabs');
    expect((await viaLeader.delete(`${CRDS}/crontabs.replicated.example.com`)).status).toBeLessThan(300);
    await until(async () => (await viaFollower.get(path)).status === 404, 'the follower to stop serving it', 20_000);
    await until(async () => (await viaLeader.get(path)).status === 404, 'the leader to stop serving it', 20_000);
  }, 60_000);
});
