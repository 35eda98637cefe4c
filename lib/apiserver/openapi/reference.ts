import { stringify } from 'yaml';
import { allTypes, typesGeneration, type ResourceType } from '../../apimachinery/registry.ts';
import type { SchemaObject } from '../../apimachinery/schema.ts';
import { closure, openApiDocument } from './document.ts';
import { objectExample, type Json } from './examples.ts';

// The API reference's OpenAPI documents (the dashboard's /docs/api, the downloads, the Postman collection): one
// per served group-version, custom resources included. They describe the same paths and schemas as the
// /openapi/v3 documents kubectl reads (document.ts), which stay as kube-apiserver shapes them; these add what a
// person needs: a summary and tag per operation, the path and query parameters, the subresources, each patch
// type, the error responses, the security schemes, and an example body for every write (examples.ts).

export interface ReferenceDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, SchemaObject>;
    securitySchemes: Record<string, unknown>;
    responses?: Record<string, unknown>;
  };
  security: Record<string, string[]>[];
}

/** One group-version the reference documents: "core/v1", "apps/v1", "entroos.io/v1", "stable.example.com/v1"… */
export interface ReferenceGroup {
  id: string;
  group: string;
  version: string;
  title: string;
  /** Served by a CustomResourceDefinition. */
  custom: boolean;
}

const REF = '#/components/schemas/';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
const SUBRESOURCE_DEFINITIONS = {
  scale: 'io.k8s.api.autoscaling.v1.Scale',
  eviction: 'io.k8s.api.policy.v1.Eviction',
  binding: 'io.k8s.api.core.v1.Binding',
  token: 'io.k8s.api.authentication.v1.TokenRequest',
};
const ref = (definition: string) => ({ $ref: `${REF}${definition}` });

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token (`eos_…`, Settings → API tokens, or `POST /api/login`) or a service account token ' +
      '(TokenRequest). See docs/auth.md.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'next-auth.session-token',
    description:
      'The dashboard session cookie (`__Secure-next-auth.session-token` over HTTPS). Writes with it alone must ' +
      'come from the dashboard’s own origin (the Origin header), or they are refused with 403.',
  },
};
export const SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

/** Responses every authenticated operation may give, as Kubernetes Status objects. */
export const ERROR_RESPONSES = {
  Unauthorized: { description: 'Unauthorized: no valid token or session', content: json(ref(STATUS)) },
  Forbidden: { description: 'Forbidden by RBAC, or a cross-site write', content: json(ref(STATUS)) },
  NotFound: { description: 'Not found', content: json(ref(STATUS)) },
  Conflict: { description: 'Conflict: already exists, or a stale resourceVersion', content: json(ref(STATUS)) },
  Invalid: { description: 'Invalid: details.causes names each field', content: json(ref(STATUS)) },
  TooManyRequests: { description: 'Rate limited (Retry-After)', content: json(ref(STATUS)) },
};
const errors = (...names: (keyof typeof ERROR_RESPONSES)[]) =>
  Object.fromEntries(
    names.map((name) => [
      {
        Unauthorized: '401',
        Forbidden: '403',
        NotFound: '404',
        Conflict: '409',
        Invalid: '422',
        TooManyRequests: '429',
      }[name],
      { $ref: `#/components/responses/${name}` },
    ]),
  );

function json(schema: unknown, example?: Json) {
  return { 'application/json': { schema, ...(example !== undefined ? { example } : {}) } };
}

const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  description,
  schema,
});

const PARAM = {
  namespace: {
    name: 'namespace',
    in: 'path',
    required: true,
    description: 'object name and auth scope, such as for teams and projects',
    schema: { type: 'string' },
    example: 'default',
  },
  name: {
    name: 'name',
    in: 'path',
    required: true,
    description: 'name of the object',
    schema: { type: 'string' },
    example: 'example',
  },
  labelSelector: query('labelSelector', 'Only objects whose labels match (`app=web,tier!=db`, `env in (a,b)`).'),
  fieldSelector: query('fieldSelector', 'Only objects whose fields match (`metadata.name=x`, pods: `spec.nodeName=`).'),
  limit: query('limit', 'At most this many items; `metadata.continue` of the answer fetches the next page.', {
    type: 'integer',
    minimum: 1,
  }),
  continue: query('continue', 'The `metadata.continue` token of the previous page.'),
  watch: query(
    'watch',
    'Stream changes as newline-delimited watch events instead of listing (ADDED, MODIFIED, DELETED, BOOKMARK).',
    { type: 'boolean' },
  ),
  resourceVersion: query(
    'resourceVersion',
    'With watch: replay the changes after this resourceVersion (410 if too old).',
  ),
  timeoutSeconds: query('timeoutSeconds', 'With watch: end the stream after this many seconds.', {
    type: 'integer',
    minimum: 0,
  }),
  dryRun: query('dryRun', 'All: validate and answer what would be stored, without storing it.', {
    type: 'string',
    enum: ['All'],
  }),
  fieldManager: query('fieldManager', 'The name recorded in managedFields (required for server-side apply).'),
  fieldValidation: query('fieldValidation', 'Unknown or duplicate fields: Ignore, Warn (default) or Strict (400).', {
    type: 'string',
    enum: ['Ignore', 'Warn', 'Strict'],
  }),
  force: query('force', 'Server-side apply: take over fields other managers own.', { type: 'boolean' }),
  gracePeriodSeconds: query('gracePeriodSeconds', 'Seconds before the object is deleted (pods).', {
    type: 'integer',
    minimum: 0,
  }),
  propagationPolicy: query('propagationPolicy', 'What happens to dependents: Foreground, Background or Orphan.', {
    type: 'string',
    enum: ['Foreground', 'Background', 'Orphan'],
  }),
};
const WRITE_PARAMS = [PARAM.dryRun, PARAM.fieldManager, PARAM.fieldValidation];

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/** Kubernetes' own operation ids: listCoreV1NamespacedPod, patchAppsV1NamespacedDeploymentScale… */
function operationId(action: string, t: ResourceType, suffix = '') {
  const group = t.group ? pascal(t.group.replace(/\.k8s\.io$/, '')) : 'Core';
  return `${action}${group}${pascal(t.version)}${t.namespaced ? 'Namespaced' : ''}${t.kind}${suffix}`;
}

const gvPath = (t: { group: string; version: string }) =>
  t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;

/** The id of a group-version in the reference: "core/v1" for the core group. */
export const groupId = (group: string, version: string) => `${group || 'core'}/${version}`;

function kindRef(t: ResourceType, kind = t.kind): string {
  // document.ts names each kind's definition; its paths already point at it.
  const doc = openApiDocument(gvPath(t));
  const path = `/${gvPath(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const item = doc?.paths[kind === t.kind ? `${path}/{name}` : path] as
    | Record<string, { responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }> }>
    | undefined;
  const schema = item?.get?.responses['200']?.content['application/json']?.schema;
  return schema?.$ref?.slice(REF.length) ?? '';
}

const patchBodies = (t: ResourceType, example: Record<string, Json>, subresource = '') => {
  const merge = subresource === 'scale' ? { spec: { replicas: 2 } } : { metadata: { labels: { example: 'true' } } };
  const content: Record<string, unknown> = {
    'application/merge-patch+json': { schema: ref(PATCH), example: merge },
    'application/json-patch+json': {
      schema: { type: 'array', items: { type: 'object' } },
      example:
        subresource === 'scale'
          ? [{ op: 'replace', path: '/spec/replicas', value: 2 }]
          : [{ op: 'add', path: '/metadata/labels', value: { example: 'true' } }],
    },
  };
  // kube-apiserver refuses strategic merge patches of custom resources (415).
  if (!t.crd) content['application/strategic-merge-patch+json'] = { schema: ref(PATCH), example: merge };
  if (!subresource)
    content['application/apply-patch+yaml'] = { schema: { type: 'string' }, example: stringify(example) };
  return { required: true, content };
};

function pathsFor(t: ResourceType, definitions: Record<string, SchemaObject>): Record<string, Record<string, unknown>> {
  const kindDef = kindRef(t);
  if (!kindDef) return {};
  const listDef = kindRef(t, 'list') || kindDef;
  const kind = ref(kindDef);
  const can = (verb: string) => t.verbs.includes(verb);
  const base = `/${gvPath(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const scope = t.namespaced ? ' in a namespace' : '';
  const tags = [t.kind];
  const example = objectExample(
    { group: t.group, version: t.version, kind: t.kind, custom: !!t.crd },
    definitions[kindDef],
    definitions,
  );
  const nsParams = t.namespaced ? [PARAM.namespace] : [];
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const op = (action: string, id: string, summary: string, extra: Record<string, unknown>) => ({
    tags,
    summary,
    operationId: id,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const ok = (schema: unknown, code = '200', description = 'OK') => ({
    [code]: { description, content: json(schema) },
  });

  const collection: Record<string, unknown> = { parameters: nsParams };
  if (can('list'))
    collection.get = op('list', operationId('list', t), `List ${t.plural}${scope}`, {
      description: `Lists ${t.plural}, or with watch=true streams their changes.`,
      parameters: [
        PARAM.labelSelector,
        PARAM.fieldSelector,
        PARAM.limit,
        PARAM.continue,
        PARAM.watch,
        PARAM.resourceVersion,
        PARAM.timeoutSeconds,
      ],
      responses: { ...ok(ref(listDef)), ...errors('Unauthorized', 'Forbidden') },
    });
  if (can('create'))
    collection.post = op('post', operationId('create', t), `Create a ${t.kind}`, {
      parameters: WRITE_PARAMS,
      requestBody: { required: true, content: json(kind, example) },
      responses: {
        ...ok(kind),
        ...ok(kind, '201', 'Created'),
        ...errors('Unauthorized', 'Forbidden', 'Conflict', 'Invalid'),
      },
    });
  if (can('deletecollection'))
    collection.delete = op(
      'deletecollection',
      operationId('deletecollection', t),
      `Delete a collection of ${t.plural}`,
      {
        parameters: [PARAM.labelSelector, PARAM.fieldSelector, PARAM.dryRun, PARAM.propagationPolicy],
        responses: { ...ok(ref(STATUS)), ...errors('Unauthorized', 'Forbidden') },
      },
    );

  const item: Record<string, unknown> = { parameters: [...nsParams, PARAM.name] };
  if (can('get'))
    item.get = op('get', operationId('read', t), `Read a ${t.kind}`, {
      responses: { ...ok(kind), ...errors('Unauthorized', 'Forbidden', 'NotFound') },
    });
  if (can('update'))
    item.put = op('put', operationId('replace', t), `Replace a ${t.kind}`, {
      description: 'metadata.resourceVersion, when set, must be the stored one (409 otherwise).',
      parameters: WRITE_PARAMS,
      requestBody: { required: true, content: json(kind, example) },
      responses: {
        ...ok(kind),
        ...ok(kind, '201', 'Created'),
        ...errors('Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'Invalid'),
      },
    });
  if (can('patch'))
    item.patch = op('patch', operationId('patch', t), `Patch a ${t.kind}`, {
      description:
        'A JSON merge patch, a JSON patch' +
        (t.crd ? '' : ', a strategic merge patch') +
        ' or a server-side apply (application/apply-patch+yaml, with fieldManager).',
      parameters: [...WRITE_PARAMS, PARAM.force],
      requestBody: patchBodies(t, example),
      responses: {
        ...ok(kind),
        ...ok(kind, '201', 'Created (server-side apply)'),
        ...errors('Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'Invalid'),
      },
    });
  if (can('delete'))
    item.delete = op('delete', operationId('delete', t), `Delete a ${t.kind}`, {
      parameters: [PARAM.dryRun, PARAM.gracePeriodSeconds, PARAM.propagationPolicy],
      responses: {
        ...ok(ref(STATUS)),
        ...ok(kind, '202', 'Accepted: the object is being deleted (finalizers)'),
        ...errors('Unauthorized', 'Forbidden', 'NotFound'),
      },
    });

  const out: Record<string, Record<string, unknown>> = { [base]: collection, [`${base}/{name}`]: item };
  const sub = (name: string, methods: Record<string, unknown>) => {
    out[`${base}/{name}/${name}`] = { parameters: [...nsParams, PARAM.name], ...methods };
  };
  for (const subresource of t.subresources) {
    const suffix = pascal(subresource);
    if (subresource === 'status' || subresource === 'scale') {
      const schema = subresource === 'scale' ? ref(SUBRESOURCE_DEFINITIONS.scale) : kind;
      const body: Json =
        subresource === 'scale'
          ? {
              apiVersion: 'autoscaling/v1',
              kind: 'Scale',
              metadata: { name: 'example', ...(t.namespaced ? { namespace: 'default' } : {}) },
              spec: { replicas: 2 },
            }
          : example;
      sub(subresource, {
        get: op('get', operationId('read', t, suffix), `Read the ${subresource} of a ${t.kind}`, {
          responses: { ...ok(schema), ...errors('Unauthorized', 'Forbidden', 'NotFound') },
        }),
        put: op('put', operationId('replace', t, suffix), `Replace the ${subresource} of a ${t.kind}`, {
          parameters: WRITE_PARAMS,
          requestBody: { required: true, content: json(schema, body) },
          responses: { ...ok(schema), ...errors('Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'Invalid') },
        }),
        patch: op('patch', operationId('patch', t, suffix), `Patch the ${subresource} of a ${t.kind}`, {
          parameters: WRITE_PARAMS,
          requestBody: patchBodies(t, example, subresource),
          responses: { ...ok(schema), ...errors('Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'Invalid') },
        }),
      });
    } else if (subresource === 'log') {
      sub('log', {
        get: op('get', operationId('read', t, 'Log'), `Read a ${t.kind}'s log`, {
          description: 'The container log of a pod running on a (simulated) node, as text.',
          parameters: [
            query('container', 'The container (required when the pod has several).'),
            query('follow', 'Keep streaming new lines.', { type: 'boolean' }),
            query('previous', "The previous (crashed) instance's log.", { type: 'boolean' }),
            query('tailLines', 'Only the last lines.', { type: 'integer', minimum: 0 }),
            query('timestamps', 'Prefix each line with its RFC 3339 time.', { type: 'boolean' }),
            query('sinceSeconds', 'Only lines newer than this.', { type: 'integer', minimum: 1 }),
          ],
          responses: {
            '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...errors('Unauthorized', 'Forbidden', 'NotFound'),
          },
        }),
      });
    } else if (subresource === 'eviction' || subresource === 'binding' || subresource === 'token') {
      const definition = SUBRESOURCE_DEFINITIONS[subresource];
      const body: Record<string, Json> = {
        eviction: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: 'example', namespace: 'default' },
        },
        binding: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: 'example', namespace: 'default' },
          target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
        },
        token: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
      };
      const summary = {
        eviction: `Evict a ${t.kind} (honours PodDisruptionBudgets)`,
        binding: `Bind a ${t.kind} to a node`,
        token: `Request a token for a ${t.kind} (TokenRequest)`,
      }[subresource];
      sub(subresource, {
        post: op('post', operationId('create', t, suffix), summary, {
          parameters: subresource === 'token' ? [] : WRITE_PARAMS.slice(0, 1),
          requestBody: { required: true, content: json(ref(definition), body[subresource]) },
          responses: {
            ...ok(ref(definition), '201', 'Created'),
            ...errors('Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'Invalid', 'TooManyRequests'),
          },
        }),
      });
    } else if (subresource === 'exec') {
      const params = [
        query('command', 'The command and its arguments, one `command` parameter each (repeated).'),
        query('container', 'The container (required when the pod has several).'),
        query('stdin', 'Send stdin on channel 0.', { type: 'boolean' }),
        query('stdout', 'Receive stdout on channel 1.', { type: 'boolean' }),
        query('stderr', 'Receive stderr on channel 2.', { type: 'boolean' }),
        query('tty', 'Allocate a terminal (stderr then arrives on stdout).', { type: 'boolean' }),
      ];
      const exec = (method: 'get' | 'post') =>
        op(method, operationId(method === 'get' ? 'connectGet' : 'connectPost', t, 'Exec'), `Exec into a ${t.kind}`, {
          description:
            'A WebSocket upgrade (subprotocol v5.channel.k8s.io or v4.channel.k8s.io), as `kubectl exec` opens it; ' +
            'the container answers with a simulated shell. Authorized as `create` on `pods/exec`. SPDY is not served.',
          parameters: params,
          responses: {
            '101': { description: 'Switching Protocols: the channels follow' },
            ...errors('Unauthorized', 'Forbidden', 'NotFound'),
          },
        });
      sub('exec', { get: exec('get'), post: exec('post') });
    } else if (subresource === 'finalize') {
      sub('finalize', {
        put: op('put', operationId('replace', t, suffix), `Replace the finalizers of a ${t.kind}`, {
          requestBody: { required: true, content: json(kind, example) },
          responses: { ...ok(kind), ...errors('Unauthorized', 'Forbidden', 'NotFound', 'Conflict') },
        }),
      });
    }
  }
  return out;
}

function buildKubeDocument(types: ResourceType[]): ReferenceDocument {
  const first = types[0];
  const base = openApiDocument(gvPath(first));
  const schemas: Record<string, SchemaObject> = { ...(base?.components.schemas ?? {}) };
  const extra = [STATUS, PATCH];
  for (const t of types)
    for (const sub of t.subresources)
      if (Object.hasOwn(SUBRESOURCE_DEFINITIONS, sub))
        extra.push(SUBRESOURCE_DEFINITIONS[sub as keyof typeof SUBRESOURCE_DEFINITIONS]);
  for (const [name, schema] of Object.entries(closure(extra, {}))) schemas[name] ??= schema;
  const paths = Object.assign({}, ...types.map((t) => pathsFor(t, schemas))) as ReferenceDocument['paths'];
  const id = groupId(first.group, first.version);
  const crd = first.crd?.metadata?.name;
  return {
    openapi: '3.0.3',
    info: {
      title: `EntroOS ${id}`,
      version: first.version,
      description: crd
        ? `Custom resources served by the CustomResourceDefinition ${crd}.`
        : `The ${first.group ? `${first.group} group` : 'core group'} of the Kubernetes API, as EntroOS serves it.`,
    },
    tags: types.map((t) => ({ name: t.kind, description: `${t.plural} (${t.namespaced ? 'namespaced' : 'cluster'})` })),
    paths,
    components: { schemas: sortKeys(schemas), securitySchemes: SECURITY_SCHEMES, responses: ERROR_RESPONSES },
    security: SECURITY,
  };
}

const sortKeys = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]]),
  );

let cache: { generation: number; documents: Map<string, ReferenceDocument> } | undefined;

function typesByGroup(): Map<string, ResourceType[]> {
  const out = new Map<string, ResourceType[]>();
  for (const t of allTypes()) {
    const id = groupId(t.group, t.version);
    out.set(id, [...(out.get(id) ?? []), t]);
  }
  return out;
}

/** The served Kubernetes group-versions (built-in, then custom), as the reference lists them. */
export function kubeReferenceGroups(): ReferenceGroup[] {
  return [...typesByGroup()].map(([id, types]) => ({
    id,
    group: types[0].group,
    version: types[0].version,
    title: id === 'core/v1' ? 'core v1' : id,
    custom: !!types[0].crd,
  }));
}

/** The reference document of a served group-version ("core/v1", "apps/v1", a CRD's), or undefined. */
export function kubeReferenceDocument(id: string): ReferenceDocument | undefined {
  const generation = typesGeneration();
  if (cache?.generation !== generation) cache = { generation, documents: new Map() };
  const known = cache.documents.get(id);
  if (known) return known;
  const types = typesByGroup().get(id);
  if (!types) return undefined;
  const document = buildKubeDocument(types);
  cache.documents.set(id, document);
  return document;
}
