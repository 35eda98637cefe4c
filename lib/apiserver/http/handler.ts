import { badRequest, methodNotAllowed, notFound, ApiError, isApiError } from '../../apimachinery/errors.ts';
import { MAX_BODY_BYTES } from '../../apimachinery/limits.ts';
import type { Verb } from '../../auth/rbac.ts';
import { conflictError, type ObjectApi, type PatchType, type DeleteOptions } from '../object-api.ts';
import { jsonPatch, mergePatch } from '../../apimachinery/patch.ts';
import type { EventRecorder } from '../events.ts';
import type { NodeReads } from '../node-reads.ts';
import { apiVersionOf, type ResourceType } from '../../apimachinery/registry.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { parseApiPath, type ApiPath } from './paths.ts';
import { toTable, wantsTable } from '../tables.ts';
import { watchResponse } from './watch.ts';
import { selectorToString } from '../../apimachinery/selectors.ts';
import { clone } from '../../apimachinery/meta.ts';
import type { Binding, Deployment, Namespace, ReplicaSet, Scale } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject, Stored } from '../../apimachinery/object.ts';
import { decodeKubeProtobuf } from './protobuf.ts';
import { podLogResponse } from './logs.ts';
import { METRICS_GROUP, metricsGroup, metricsResourceList, serveMetrics } from './metrics.ts';

// The Kubernetes REST API over HTTP: discovery, CRUD, subresources, tables
// and watches. Errors are thrown as ApiErrors; the HTTP edge (lib/http/kube.ts)
// turns them into Status responses, for server.ts and app/api alike.

export interface KubeApiDeps {
  api: ObjectApi;
  events: EventRecorder;
  nodes: NodeReads;
  /** How often a quiet watch gets a bookmark, and a followed log is polled (config). */
  watchBookmarkMs: number;
  logFollowPollMs: number;
  /** Authenticates, authorizes `verb` on `resource` and rate-limits; throws a 401/403/429 ApiError. */
  authorize(req: Request, verb: Verb, resource: string): Promise<unknown>;
}

export type KubeApi = (req: Request, root: 'api' | 'apis', segments: string[]) => Promise<Response>;

const json = (body: unknown, status = 200) => Response.json(body, { status });

function verbFor(method: string, path: Extract<ApiPath, { kind: 'object' }>, url: URL): Verb {
  const collection = !path.name;
  switch (method) {
    case 'GET':
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') return 'watch';
      return collection ? 'list' : 'get';
    case 'POST':
      if (!collection && !path.subresource) throw methodNotAllowed(method, url.pathname);
      return 'create';
    case 'PUT':
    case 'PATCH':
      // Like kube-apiserver: a collection cannot be replaced or patched as a whole.
      if (collection && !path.subresource) throw methodNotAllowed(method, url.pathname);
      return method === 'PUT' ? 'update' : 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      throw methodNotAllowed(method, url.pathname);
  }
}

export function createKubeApi(deps: KubeApiDeps): KubeApi {
  return async (req, root, segments) => {
    const url = new URL(req.url);
    if (root === 'apis' && segments[0] === METRICS_GROUP) {
      if (segments.length === 1) return json({ kind: 'APIGroup', apiVersion: 'v1', ...metricsGroup() });
      if (segments[1] !== 'v1beta1')
        throw notFound(`the server could not find the requested resource (${req.method} ${url.pathname})`);
      if (segments.length === 2) {
        await deps.authorize(req, 'get', 'whoami');
        return json(metricsResourceList());
      }
      await deps.authorize(req, 'list', segments.includes('nodes') ? 'nodes' : 'pods');
      return json(await serveMetrics(deps.api, deps.nodes, segments.slice(2)));
    }
    const path = parseApiPath(root, segments);
    if (path.kind !== 'object') {
      await deps.authorize(req, 'get', 'whoami');
      if (req.method !== 'GET') throw methodNotAllowed(req.method, url.pathname);
      switch (path.kind) {
        case 'versions':
          return json(apiVersions(url.host));
        case 'groups':
          return json(apiGroupList());
        case 'group':
          return json(apiGroup(path.group));
        case 'resources':
          return json(apiResourceList(path.group));
        default:
          throw notFound(`the server could not find the requested resource (${req.method} ${url.pathname})`);
      }
    }
    const verb = verbFor(req.method, path, url);
    await deps.authorize(req, verb, path.type.plural);
    return await serveObject(req, url, path, verb, deps);
  };
}

async function readBody(req: Request): Promise<unknown> {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES)
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
    );
  const type = req.headers.get('content-type') ?? '';
  if (/cbor/i.test(type))
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body content type "${type}" is not supported; send application/json`,
    );
  if (/protobuf/i.test(type)) {
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.length > MAX_BODY_BYTES)
      throw new ApiError(
        413,
        'RequestEntityTooLarge',
        `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
      );
    return decodeKubeProtobuf(bytes);
  }
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES)
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
    );
  if (!text.trim()) return undefined;
  if (/yaml/i.test(type) && !/^\s*[[{]/.test(text)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `YAML bodies are not supported (Content-Type "${type}"); send JSON (kubectl does)`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

function patchTypeOf(req: Request): PatchType {
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim();
  switch (type) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'server-side apply is not supported yet; use client-side `kubectl apply` (the default)',
      );
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the patch Content-Type must be application/merge-patch+json, application/json-patch+json or application/strategic-merge-patch+json (got "${type}")`,
      );
  }
}

function listKind(t: ResourceType) {
  return `${t.kind}List`;
}

function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`the ${name} parameter must be a non-negative integer (got "${raw}")`);
  return n;
}

async function serveObject(
  req: Request,
  url: URL,
  path: Extract<ApiPath, { kind: 'object' }>,
  verb: Verb,
  deps: KubeApiDeps,
): Promise<Response> {
  const { api } = deps;
  const { type: t, name, subresource } = path;
  const namespace = t.namespaced ? path.namespace : undefined;
  const q = url.searchParams;
  const table = wantsTable(req.headers.get('accept'));
  const dryRun = q.getAll('dryRun').includes('All');

  if (t.namespaced && !namespace && verb !== 'list' && verb !== 'watch') {
    throw notFound(
      `the server could not find the requested resource: ${t.plural} must be addressed under /namespaces/{namespace}/`,
    );
  }

  // list, watch, create and deletecollection address the collection; the other verbs (checked in verbFor)
  // an object named on the path.
  const objectName = name ?? '';
  if (subresource) return serveSubresource(req, url, deps, t, namespace, objectName, subresource);

  switch (verb) {
    case 'list': {
      const result = api.list(t, namespace, {
        labelSelector: q.get('labelSelector'),
        fieldSelector: q.get('fieldSelector'),
        limit: intParam(url, 'limit'),
        continue: q.get('continue'),
      });
      if (table) return json(toTable(t, result.items, result, q.get('includeObject')));
      return json({
        kind: listKind(t),
        apiVersion: apiVersionOf(t),
        metadata: {
          resourceVersion: result.resourceVersion,
          ...(result.continue ? { continue: result.continue, remainingItemCount: result.remainingItemCount } : {}),
        },
        items: result.items,
      });
    }
    case 'watch':
      return watchResponse(api, t, namespace, url, table, deps.watchBookmarkMs, name);
    case 'get': {
      const obj = api.get(t, namespace, objectName);
      return json(
        table ? toTable(t, [obj], { resourceVersion: obj.metadata.resourceVersion }, q.get('includeObject')) : obj,
      );
    }
    case 'create': {
      const created = await api.create(t, namespace, await readBody(req), { dryRun });
      return json(created, 201);
    }
    case 'update':
      return json(await api.update(t, namespace, objectName, await readBody(req)));
    case 'patch':
      return json(await api.patch(t, namespace, objectName, patchTypeOf(req), await readBody(req)));
    case 'delete': {
      const options = deleteOptions(url, await readBody(req));
      const { object, removed } = await api.delete(t, namespace, objectName, options);
      return json(object, removed ? 200 : 202);
    }
    case 'deletecollection': {
      const options = deleteOptions(url, await readBody(req));
      const { items } = api.list(t, namespace, {
        labelSelector: q.get('labelSelector'),
        fieldSelector: q.get('fieldSelector'),
      });
      const deleted = [];
      for (const item of items) {
        try {
          deleted.push((await api.delete(t, item.metadata.namespace, item.metadata.name, options)).object);
        } catch (err) {
          if (!(isApiError(err) && err.code === 404)) throw err;
        }
      }
      return json({
        kind: listKind(t),
        apiVersion: apiVersionOf(t),
        metadata: { resourceVersion: String(api.resourceVersion) },
        items: deleted,
      });
    }
    default:
      throw methodNotAllowed(req.method, url.pathname);
  }
}

/** A DeleteOptions body as sent: nothing in it is checked yet. */
interface DeleteOptionsBody {
  propagationPolicy?: unknown;
  orphanDependents?: unknown;
  gracePeriodSeconds?: unknown;
  preconditions?: DeleteOptions['preconditions'];
}

const PROPAGATION_POLICIES: unknown[] = [
  'Foreground',
  'Background',
  'Orphan',
] satisfies DeleteOptions['propagationPolicy'][];

function deleteOptions(url: URL, body: unknown): DeleteOptions {
  const b = (body ?? {}) as DeleteOptionsBody;
  const policy =
    url.searchParams.get('propagationPolicy') ??
    b.propagationPolicy ??
    (b.orphanDependents === true ? 'Orphan' : undefined);
  if (policy !== undefined && !PROPAGATION_POLICIES.includes(policy)) {
    throw badRequest(`propagationPolicy must be Foreground, Background or Orphan (got "${policy}")`);
  }
  const graceRaw = url.searchParams.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  const grace = graceRaw === undefined || graceRaw === null || graceRaw === '' ? undefined : Number(graceRaw);
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0))
    throw badRequest('gracePeriodSeconds must be a non-negative integer');
  return {
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    gracePeriodSeconds: grace,
    preconditions: b.preconditions,
  };
}

/** The kinds with a scale subresource. */
type Scalable = Stored<Deployment> | Stored<ReplicaSet>;
type Json = Parameters<typeof jsonPatch>[0];

function scaleOf(t: ResourceType, object: KubeObject) {
  const obj = object as Scalable;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selectorToString(obj.spec?.selector) },
  };
}

async function serveSubresource(
  req: Request,
  url: URL,
  deps: KubeApiDeps,
  t: ResourceType,
  namespace: string | undefined,
  name: string,
  sub: string,
): Promise<Response> {
  const { api } = deps;
  const method = req.method;
  if (sub === 'status') {
    if (method === 'GET') return json(api.get(t, namespace, name));
    if (method === 'PUT') return json(await api.update(t, namespace, name, await readBody(req), 'status'));
    if (method === 'PATCH')
      return json(await api.patch(t, namespace, name, patchTypeOf(req), await readBody(req), 'status'));
  }
  if (sub === 'scale') {
    const current = api.get(t, namespace, name);
    if (method === 'GET') return json(scaleOf(t, current));
    if (method === 'PUT' || method === 'PATCH') {
      const body = (await readBody(req)) as Json;
      let result: unknown = scaleOf(t, current);
      if (method === 'PUT') result = body;
      else {
        const type = patchTypeOf(req);
        result = type === 'json' ? jsonPatch(result as Json, body) : mergePatch(result as Json, body);
      }
      // What the client sent or the patch made: nothing in it is checked yet.
      const scale = result as Partial<Scale> | null | undefined;
      const replicas = scale?.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw new ApiError(
          422,
          'Invalid',
          `Scale "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          {
            kind: 'Scale',
            name,
            causes: [
              { reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' },
            ],
          },
        );
      }
      if (scale?.metadata?.resourceVersion && scale.metadata.resourceVersion !== current.metadata.resourceVersion) {
        throw conflictError(t, name);
      }
      const next = clone(current) as Scalable;
      // Every stored Deployment and ReplicaSet has a spec (the defaults give it one).
      (next.spec as { replicas?: number }).replicas = replicas;
      const updated = await api.replace(t, current, next);
      return json(scaleOf(t, updated));
    }
  }
  if (sub === 'binding' && method === 'POST') {
    const body = (await readBody(req)) as Partial<Binding> | null | undefined;
    const nodeName: unknown = body?.target?.name;
    if (!nodeName || typeof nodeName !== 'string') {
      throw new ApiError(422, 'Invalid', 'Binding is invalid: target.name: Required value', {
        kind: 'Binding',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }],
      });
    }
    // Pods are namespaced: serveObject has refused a pod path without a namespace. (For a kind that is not,
    // the lookup of the pod fails as it always has: the cache keys an absent namespace as "".)
    await api.bind(namespace ?? '', name, nodeName);
    return json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, 201);
  }
  if (sub === 'eviction' && method === 'POST') {
    const body = (await readBody(req)) as { deleteOptions?: unknown } | null | undefined;
    await api.delete(t, namespace, name, deleteOptions(url, body?.deleteOptions));
    const pod = api.peek(t, namespace, name);
    if (pod) deps.events.record(pod, 'Normal', 'Evicted', 'Evicted through the eviction API');
    return json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, 201);
  }
  if (sub === 'log' && method === 'GET')
    return podLogResponse(
      (pod, container, options) => deps.nodes.logs(pod, container, options),
      api,
      api.get(t, namespace, name),
      url,
      req.signal,
      deps.logFollowPollMs,
    );
  if (sub === 'finalize' && method === 'PUT') {
    const body = (await readBody(req)) as Partial<Namespace> | null | undefined;
    const current = api.get(t, namespace, name);
    const next = clone(current) as Stored<Namespace>;
    next.spec = { ...next.spec, finalizers: body?.spec?.finalizers ?? [] };
    return json(await api.commit(t, next));
  }
  throw methodNotAllowed(method, url.pathname);
}
