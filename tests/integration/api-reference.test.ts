import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { client, login, userWithToken } from '../helpers/api.ts';
import { until } from '../helpers/kubectl.ts';

// The API reference's downloads against a real server: the index, the OpenAPI documents (per group and whole),
// the Postman collection; authentication; custom resources appearing and leaving with their CRD; and every
// example body accepted by the server it documents.

const BASE = '/apis/entroos.io/v1/reference';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

let server: TestServer;
let admin: ReturnType<typeof client>;
let viewer: ReturnType<typeof client>;

type Doc = { servers: { url: string }[]; paths: Record<string, Record<string, any>> };

beforeAll(async () => {
  server = await startServer();
  const token = await login(server.url);
  admin = client(server.url, token);
  viewer = client(server.url, (await userWithToken(server.url, token, 'reader', 'viewer')).token);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe('API reference downloads', () => {
  it.each([BASE, `${BASE}/openapi`, `${BASE}/openapi/core/v1`, `${BASE}/openapi/entroos.io/v1`, `${BASE}/postman`])(
    '%s is 401 without credentials',
    async (path) => {
      const res = await client(server.url).get(path);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    },
  );

  it('lists the groups with their documents, for any signed-in user', async () => {
    const res = await viewer.get(BASE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'APIReference',
      openapi: `${BASE}/openapi`,
      postman: `${BASE}/postman`,
      graphqlSchema: '/graphql/schema.graphql',
    });
    const ids = res.body.groups.map((g: { id: string }) => g.id);
    expect(ids).toEqual(expect.arrayContaining(['core/v1', 'apps/v1', 'batch/v1', 'entroos.io/v1']));
    const core = res.body.groups.find((g: { id: string }) => g.id === 'core/v1');
    expect(core).toMatchObject({ openapi: `${BASE}/openapi/core/v1`, custom: false });
    expect(core.operations).toBeGreaterThan(50);
  });

  it('serves each group and the whole API as OpenAPI 3, with this server as the server', async () => {
    const apps = await viewer.get<Doc>(`${BASE}/openapi/apps/v1`);
    expect(apps.status).toBe(200);
    expect(apps.headers.get('content-type')).toMatch(/^application\/json/);
    expect(apps.body).toMatchObject({ openapi: '3.0.3', servers: [{ url: server.url }] });
    expect(apps.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch).toBeDefined();
    const whole = await viewer.get<Doc>(`${BASE}/openapi`);
    expect(whole.status).toBe(200);
    for (const path of [
      '/api/v1/namespaces/{namespace}/pods',
      '/apis/batch/v1/namespaces/{namespace}/jobs',
      '/apis/entroos.io/v1/tokens',
      '/api/login',
    ])
      expect(Object.keys(whole.body.paths)).toContain(path);
  });

  it('answers 404 Status for a group it does not serve', async () => {
    const res = await viewer.get(`${BASE}/openapi/nothing.example.com/v1`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    expect(res.body.message).toContain('nothing.example.com/v1');
  });

  it('serves the Postman collection as a download, with this server as {{baseUrl}}', async () => {
    const res = await viewer.get(`${BASE}/postman`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="entroos.postman_collection.json"');
    expect(res.body.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(res.body.variable).toContainEqual(expect.objectContaining({ key: 'baseUrl', value: server.url }));
    expect(res.body.item.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['core/v1', 'apps/v1', 'entroos.io/v1']),
    );
  });

  it('documents a custom resource while its CRD is served, and forgets it after', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.docs.example.com' },
      spec: {
        group: 'docs.example.com',
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
                  spec: {
                    type: 'object',
                    required: ['size'],
                    properties: { size: { type: 'integer', minimum: 1 } },
                  },
                },
              },
            },
          },
        ],
      },
    };
    expect((await admin.post(CRDS, crd)).status).toBe(201);
    const doc = await until(async () => {
      const res = await viewer.get<Doc>(`${BASE}/openapi/docs.example.com/v1`);
      return res.status === 200 ? res.body : undefined;
    }, 'the CRD group in the reference');
    const create = doc?.paths['/apis/docs.example.com/v1/namespaces/{namespace}/widgets']?.post;
    const example = create?.requestBody.content['application/json'].example;
    expect(example).toEqual({
      apiVersion: 'docs.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'example' },
      spec: { size: 1 },
    });
    // The example is one the server takes.
    const created = await admin.post('/apis/docs.example.com/v1/namespaces/default/widgets', example);
    expect(created.status, created.text).toBe(201);
    const postman = await viewer.get(`${BASE}/postman`);
    expect(postman.body.item.map((f: { name: string }) => f.name)).toContain('docs.example.com/v1');

    expect((await admin.delete(`${CRDS}/${crd.metadata.name}`)).status).toBeLessThan(300);
    await until(
      async () => (await viewer.get(`${BASE}/openapi/docs.example.com/v1`)).status === 404,
      'the CRD group gone from the reference',
    );
  });

  it('gives every built-in create an example the server accepts (dryRun=All)', async () => {
    const whole = await admin.get<Doc>(`${BASE}/openapi`);
    // The applications' kinds (APP.entroos.io, lib/apps) are not built-ins: their admission checks what no
    // generated example can carry (an attestation's signature by a registered participant).
    const creates = Object.entries(whole.body.paths).filter(
      ([path, item]) =>
        item.post?.['x-kubernetes-action'] === 'post' &&
        !path.includes('{name}') &&
        !/^\/apis\/[^/]+\.entroos\.io\//.test(path),
    );
    expect(creates.length).toBeGreaterThanOrEqual(27);
    const refused: string[] = [];
    for (const [path, item] of creates) {
      const example = item.post.requestBody.content['application/json'].example;
      const res = await admin.post(`${path.replace('{namespace}', 'default')}?dryRun=All`, example);
      if (res.status >= 300) refused.push(`${path}: ${res.status} ${res.body?.message ?? res.text}`);
    }
    expect(refused).toEqual([]);
  });
});
