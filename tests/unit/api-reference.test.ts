import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  customTypesFor,
  registerCustomTypes,
  RESOURCE_TYPES,
  unregisterCustomTypes,
} from '@/lib/apimachinery/registry.ts';
import type { CustomResourceDefinition } from '@/lib/apimachinery/generated/kinds.ts';
import { exampleValue, objectExample } from '@/lib/apiserver/openapi/examples.ts';
import { POSTMAN_SCHEMA, postmanCollection, requestsIn } from '@/lib/apiserver/openapi/postman.ts';
import { ENDPOINTS, fullPath, whoMay } from '@/lib/http/reference/entroos.ts';
import {
  operationCount,
  referenceDocument,
  referenceGroups,
  referencePostman,
  wholeReferenceDocument,
} from '@/lib/http/reference/documents.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const REF = '#/components/schemas/';

type Operation = {
  summary?: string;
  tags?: string[];
  operationId?: string;
  requestBody?: { content: Record<string, { example?: unknown }> };
};

function operations(doc: { paths: Record<string, Record<string, unknown>> }) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Operation })),
  );
}

function refsIn(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, into);
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      // JSONSchemaProps has a property named $ref: a schema, not a reference.
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else refsIn(value, into);
    }
  return into;
}

const crd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.reference.example.com' },
  spec: {
    group: 'reference.example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['colour', 'size'],
                properties: {
                  colour: { type: 'string', enum: ['red', 'blue'] },
                  size: { type: 'integer', minimum: 2 },
                  note: { type: 'string' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

describe('the API reference documents', () => {
  afterEach(() => unregisterCustomTypes(crd.metadata?.name as string));

  it('list the built-in groups, entroos.io and then the custom resources, which come and go with their CRD', () => {
    const ids = referenceGroups().map((g) => g.id);
    expect(ids.slice(0, 3)).toEqual(['core/v1', 'apps/v1', 'batch/v1']);
    expect(ids).toContain('entroos.io/v1');
    expect(ids).not.toContain('reference.example.com/v1');
    registerCustomTypes(crd.metadata?.name as string, customTypesFor(crd));
    const after = referenceGroups();
    expect(after.at(-1)).toMatchObject({ id: 'reference.example.com/v1', custom: true });
    const doc = referenceDocument('reference.example.com/v1');
    const base = '/apis/reference.example.com/v1/namespaces/{namespace}/gadgets';
    expect(Object.keys(doc?.paths ?? {})).toEqual([
      base,
      `${base}/{name}`,
      `${base}/{name}/status`,
      `${base}/{name}/scale`,
    ]);
    // The example body is generated from the CRD's schema: what it requires, with its enum and minimum.
    const post = doc?.paths[base].post as Operation;
    expect(post.requestBody?.content['application/json'].example).toEqual({
      apiVersion: 'reference.example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'example' },
      spec: { colour: 'red', size: 2 },
    });
    // No strategic merge patch for custom resources (kube-apiserver answers 415).
    const patch = doc?.paths[`${base}/{name}`].patch as Operation;
    expect(Object.keys(patch.requestBody?.content ?? {})).not.toContain('application/strategic-merge-patch+json');
    unregisterCustomTypes(crd.metadata?.name as string);
    expect(referenceGroups().map((g) => g.id)).not.toContain('reference.example.com/v1');
    expect(referenceDocument('reference.example.com/v1')).toBeUndefined();
  });

  it('resolve every reference, name every operation once and give every write an example', () => {
    registerCustomTypes(crd.metadata?.name as string, customTypesFor(crd));
    for (const group of referenceGroups()) {
      const doc = referenceDocument(group.id);
      expect(doc, group.id).toBeDefined();
      if (!doc) continue;
      const dangling = refsIn(doc.paths)
        .concat(refsIn(doc.components.schemas))
        .filter((r) => r.startsWith(REF) && !Object.hasOwn(doc.components.schemas, r.slice(REF.length)));
      expect(dangling, group.id).toEqual([]);
      const ops = operations(doc);
      expect(ops.length, group.id).toBeGreaterThan(0);
      const ids = ops.map((o) => o.op.operationId);
      expect(new Set(ids).size, `${group.id} operationIds`).toBe(ids.length);
      for (const { path, method, op } of ops) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.tags?.length, `${method} ${path}`).toBe(1);
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
          if (type.includes('json')) expect(media.example, `${method} ${path} ${type}`).toBeDefined();
      }
    }
  });

  it('document every built-in kind with an example a create would accept', () => {
    const core = referenceDocument('core/v1');
    const pod = core?.paths['/api/v1/namespaces/{namespace}/pods'].post as Operation;
    expect(pod.requestBody?.content['application/json'].example).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'example' },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    for (const t of RESOURCE_TYPES) {
      const doc = referenceDocument(`${t.group || 'core'}/${t.version}`);
      const base = `/${t.group ? `apis/${t.group}` : 'api'}/${t.version}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
      const post = doc?.paths[base]?.post as Operation | undefined;
      expect(post?.requestBody?.content['application/json'].example, t.kind).toMatchObject({
        apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
        kind: t.kind,
      });
      for (const sub of t.subresources) expect(doc?.paths[`${base}/{name}/${sub}`], `${t.kind}/${sub}`).toBeDefined();
    }
  });

  it('merge into one document with group-prefixed tags', () => {
    const whole = wholeReferenceDocument();
    const total = referenceGroups().reduce((n, g) => n + operationCount(referenceDocument(g.id) ?? { paths: {} }), 0);
    expect(operationCount(whole)).toBe(total);
    expect(whole.paths['/apis/entroos.io/v1/whoami'].get).toMatchObject({ tags: ['entroos.io/v1 Authentication'] });
    expect(whole.paths['/api/v1/namespaces/{namespace}/pods'].get).toMatchObject({ tags: ['core/v1 Pod'] });
    // The Kubernetes Status definition, not entroos.io's short one, is the one kept.
    expect(
      Object.keys(whole.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status'].properties ?? {}),
    ).toContain('metadata');
  });
});

describe('examples generated from schemas', () => {
  it('hold the required fields, preferring example, default and enum values, and stop at cycles', () => {
    const definitions = {
      Node: {
        type: 'object',
        required: ['name', 'child', 'port', 'when'],
        properties: {
          name: { type: 'string' },
          child: { $ref: '#/components/schemas/Node' },
          port: { type: 'integer' },
          when: { type: 'string', format: 'date-time' },
          mode: { type: 'string', enum: ['a', 'b'] },
        },
      },
    };
    expect(exampleValue({ $ref: '#/components/schemas/Node' }, definitions)).toEqual({
      name: 'example',
      port: 80,
      when: '2026-01-01T00:00:00Z',
    });
    expect(exampleValue({ type: 'string', enum: ['x', 'y'] }, {})).toBe('x');
    expect(exampleValue({ type: 'integer', default: 7 }, {})).toBe(7);
    expect(objectExample({ group: 'apps', version: 'v1', kind: 'Deployment' }, undefined, {})).toMatchObject({
      apiVersion: 'apps/v1',
      spec: { selector: { matchLabels: { app: 'example' } }, template: { metadata: { labels: { app: 'example' } } } },
    });
  });
});

describe('the Postman collection', () => {
  const collection = referencePostman('http://localhost:3000');

  it('is a v2.1 collection with bearer auth from {{token}} and a {{baseUrl}} variable', () => {
    expect(collection.info).toMatchObject({ name: 'EntroOS API', schema: POSTMAN_SCHEMA });
    expect(collection.auth).toEqual({ type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] });
    expect(collection.variable.map((v) => [v.key, v.value])).toEqual([
      ['baseUrl', 'http://localhost:3000'],
      ['token', ''],
    ]);
    // One folder per group, in the reference's order.
    expect(collection.item.map((f) => f.name)).toEqual(referenceGroups().map((g) => g.id));
    // Every variable a request uses is defined on the collection, or as one of its path variables.
    const defined = new Set(collection.variable.map((v) => v.key));
    for (const item of requestsIn(collection.item)) {
      const { request } = item;
      expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(request.method);
      expect(request.url.host).toEqual(['{{baseUrl}}']);
      expect(request.url.raw.startsWith(`{{baseUrl}}/${request.url.path.join('/')}`), request.url.raw).toBe(true);
      const used = JSON.stringify(request).match(/\{\{([^}]+)\}\}/g) ?? [];
      for (const v of used) expect(defined.has(v.slice(2, -2)), `${item.name}: ${v}`).toBe(true);
      const pathVariables = request.url.path.filter((s) => s.startsWith(':')).map((s) => s.slice(1));
      expect(
        (request.url.variable ?? []).map((v) => v.key),
        item.name,
      ).toEqual(pathVariables);
      if (request.body?.options.raw.language === 'json')
        expect(() => JSON.parse(request.body?.raw ?? '')).not.toThrow();
    }
  });

  it('has one request per operation of a group, with its example body', () => {
    const doc = referenceDocument('apps/v1');
    const folder = collection.item.find((f) => f.name === 'apps/v1');
    expect(doc && folder).toBeTruthy();
    if (!doc || !folder) return;
    const requests = requestsIn(folder.item);
    const expected = operations(doc).map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    const actual = requests.map(
      (r) => `${r.request.method} /${r.request.url.path.map((s) => s.replace(/^:(.+)$/, '{$1}')).join('/')}`,
    );
    expect(actual.sort()).toEqual(expected.sort());
    const create = requests.find((r) => r.name === 'Create a Deployment');
    expect(create?.request.header).toContainEqual({ key: 'Content-Type', value: 'application/json' });
    expect(JSON.parse(create?.request.body?.raw ?? '{}')).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1' });
    expect(create?.request.url.variable).toEqual([
      { key: 'namespace', value: 'default', description: expect.any(String) },
    ]);
    // Sub-folders by kind.
    expect(folder.item.map((f) => f.name)).toEqual([
      'Deployment',
      'ReplicaSet',
      'StatefulSet',
      'DaemonSet',
      'ControllerRevision',
    ]);
  });

  it('leaves public operations without a token, and disables optional query parameters', () => {
    const all = requestsIn(collection.item);
    const login = all.find((r) => r.request.url.raw === '{{baseUrl}}/api/login');
    expect(login?.request.auth).toEqual({ type: 'noauth' });
    const list = all.find((r) => r.name === 'List pods in a namespace');
    expect(list?.request.url.query?.find((q) => q.key === 'labelSelector')).toMatchObject({ disabled: true });
    expect(list?.request.url.raw).toBe('{{baseUrl}}/api/v1/namespaces/:namespace/pods');
  });

  it('is made from any OpenAPI documents', () => {
    const made = postmanCollection(
      [
        {
          name: 'g',
          document: {
            paths: {
              '/x/{id}': {
                parameters: [{ name: 'id', in: 'path', required: true, example: '7' }],
                post: {
                  summary: 'Make',
                  parameters: [{ name: 'q', in: 'query', required: true, schema: { default: 'on' } }],
                  requestBody: { content: { 'application/yaml': { example: 'a: 1\n' } } },
                },
              },
            },
          },
        },
      ],
      { name: 'n', baseUrl: 'http://h' },
    );
    expect(requestsIn(made.item)).toEqual([
      {
        name: 'Make',
        response: [],
        request: {
          method: 'POST',
          header: [
            { key: 'Accept', value: 'application/json' },
            { key: 'Content-Type', value: 'application/yaml' },
          ],
          url: {
            raw: '{{baseUrl}}/x/:id?q=on',
            host: ['{{baseUrl}}'],
            path: ['x', ':id'],
            query: [{ key: 'q', value: 'on' }],
            variable: [{ key: 'id', value: '7' }],
          },
          body: { mode: 'raw', raw: 'a: 1\n', options: { raw: { language: 'text' } } },
        },
      },
    ]);
  });
});

describe('the entroos.io table', () => {
  const root = join(import.meta.dirname, '../../app/apis/entroos.io/v1');
  const routes: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === 'route.ts') routes.push(path);
    }
  };
  walk(root);

  it('has one entry per route handler, with the verb and resource its withAuth authorizes', () => {
    const fromRoutes: string[] = [];
    for (const file of routes) {
      const source = readFileSync(file, 'utf8');
      const dir = relative(root, file).split(sep).slice(0, -1);
      const path = `/apis/entroos.io/v1/${dir
        .map((s) => s.replace(/^\[\[\.\.\.(.+)\]\]$/, '{$1}').replace(/^\[(.+)\]$/, '{$1}'))
        .join('/')}`;
      for (const m of source.matchAll(
        /export const (GET|POST|PUT|PATCH|DELETE) = withAuth\(\s*\{\s*verb: '(\w+)',\s*resource: '([\w.]+)'/g,
      ))
        fromRoutes.push(`${m[1].toLowerCase()} ${path} ${m[2]} ${m[3]}`);
    }
    const fromTable = ENDPOINTS.filter((e) => e.verb)
      // The reference's own catch-all serves both the whole document and each group's.
      .map((e) => {
        const path = fullPath(e).replace(
          /\/reference\/openapi(\/\{group\}\/\{version\})?$/,
          '/reference/openapi/{path}',
        );
        return `${e.method} ${path} ${e.verb} ${e.resource}`;
      });
    expect([...new Set(fromTable)].sort()).toEqual(fromRoutes.sort());
  });

  it('says who may call each route, from the built-in roles', () => {
    const who = (path: string, method = 'get') =>
      whoMay(ENDPOINTS.find((e) => e.path === path && e.method === method) ?? ENDPOINTS[0]);
    expect(who('whoami')).toBe('any signed-in user');
    expect(who('tokens', 'post')).toBe('operators and admins');
    expect(who('users')).toBe('admins');
    expect(who('/api/login', 'post')).toBe('public');
  });
});
