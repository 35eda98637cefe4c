import type { ApiRequest } from '../../apimachinery/api-request.ts';
import { badRequest, invalid, methodNotAllowed, notFound, ApiError, isApiError } from '../../apimachinery/errors.ts';
import { MAX_BODY_BYTES } from '../../apimachinery/limits.ts';
import type { Verb } from '../../auth/rbac.ts';
import type { Principal } from '../../auth/principal.ts';
import type { AuthorizeScope } from '../../auth/policy-rules.ts';
import type { Authorizer } from '../../auth/authorizer.ts';
import { requesterOptions } from '../requester.ts';
import { requestToken, type TokenIssuer } from '../kinds/token-request.ts';
import { reviewAccess, reviewRules } from '../kinds/access-review.ts';
import { conflictError, type ObjectApi, type PatchType, type DeleteOptions, type WriteOptions } from '../object-api.ts';
import { jsonPatch, mergePatch } from '../../apimachinery/patch.ts';
import type { EventRecorder } from '../events.ts';
import type { NodeReads } from '../node-reads.ts';
import { apiVersionOf, type ResourceType } from '../../apimachinery/registry.ts';
import { decodingFor, type DecodeOptions } from '../decode.ts';
import { customScale, withCustomScale } from '../crd/resource.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { parseApiPath, type ApiPath } from './paths.ts';
import { toTable, wantsTable } from '../tables.ts';
import { watchResponse } from './watch.ts';
import { selectorToString } from '../../apimachinery/selectors.ts';
import { clone } from '../../apimachinery/meta.ts';
import type { Binding, Deployment, Namespace, Pod, ReplicaSet, Scale } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject, Stored } from '../../apimachinery/object.ts';
import { decodeKubeProtobuf } from './protobuf.ts';
import { podLogResponse } from './logs.ts';
import { execRequest } from './exec.ts';
import { METRICS_GROUP, metricsGroup, metricsResourceList, serveMetrics } from './metrics.ts';
import { boolParam, parseGoBool } from '../../apimachinery/params.ts';
import { jsonResponse, type ApiResponse } from '../../apimachinery/json-response.ts';
import { checkEvictionBody, evictPod } from '../eviction.ts';
import { isHpaV1Path, serveHpaV1 } from './hpa-v1.ts';
import { listResponse } from './list-response.ts';
import { parseDocument } from 'yaml';

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
  /** Aborted when the server starts to stop: watches and followed logs end then. */
  stopping: AbortSignal;
  /**
   * Authenticates (and applies impersonation), authorizes `verb` on `resource` in `scope` (group, namespace, name,
   * subresource; or a non-resource path) and rate-limits; throws a 401/403/429 ApiError.
   */
  authorize(req: ApiRequest, verb: string, resource: string, scope?: AuthorizeScope): Promise<Principal>;
  /** The RBAC authorizer itself: access reviews and the escalation check of RBAC writes ask it directly. */
  authorizer: Authorizer;
  /** Signs service account tokens (the token subresource). */
  tokens: TokenIssuer;
  /** Told of each object a create made (the audit trail's objectRef takes its name and uid from it). */
  created?: (req: ApiRequest, object: KubeObject) => void;
}

export type KubeApi = (req: ApiRequest, root: 'api' | 'apis', segments: string[]) => Promise<ApiResponse>;

const json = jsonResponse;

function verbFor(method: string, path: Extract<ApiPath, { kind: 'object' }>, url: URL): Verb {
  const collection = !path.name;
  switch (method) {
    case 'GET':
      // `watch` is read like Go's strconv.ParseBool (the Python client sends `watch=True`). A malformed value
      // authorizes as the read it would otherwise be, and serveObject answers it 400 once the caller is known.
      if (parseGoBool(url.searchParams.get('watch') ?? '') === true) return 'watch';
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

/**
 * Where a request acts, as kube-apiserver's RequestInfo has it: a namespace's own path acts in that namespace, and
 * a list or watch selecting one name by `metadata.name=` is about that object (`kubectl get pod x -w`).
 */
function scopeOf(path: Extract<ApiPath, { kind: 'object' }>, verb: Verb, url: URL): AuthorizeScope {
  const t = path.type;
  let name = path.name;
  if (!name && (verb === 'list' || verb === 'watch')) {
    const selected = /^metadata\.name==?([^,=!]+)$/.exec(url.searchParams.get('fieldSelector') ?? '');
    if (selected) name = selected[1];
  }
  const namespace = t.group === '' && t.plural === 'namespaces' ? path.name : path.namespace;
  return { apiGroup: t.group, namespace, name, subresource: path.subresource };
}

/** metrics.k8s.io's paths (after the version) as what they read: pods or nodes, one or a list, in a namespace. */
function metricsRequest(rest: string[]): [string, string, AuthorizeScope] {
  const namespace = rest[0] === 'namespaces' ? rest[1] : undefined;
  const [resource, name] = namespace === undefined ? rest : rest.slice(2);
  return [name ? 'get' : 'list', resource === 'nodes' ? 'nodes' : 'pods', { apiGroup: METRICS_GROUP, namespace, name }];
}

export function createKubeApi(deps: KubeApiDeps): KubeApi {
  const kubeApi: KubeApi = async (req, root, segments) => {
    const url = new URL(req.url);
    if (isHpaV1Path(root, segments))
      return serveHpaV1(req, segments, { inner: (r, s) => kubeApi(r, 'apis', s), readBody, authorize: deps.authorize });
    if (root === 'apis' && segments[0] === METRICS_GROUP) {
      if (segments.length === 1) return json({ kind: 'APIGroup', apiVersion: 'v1', ...metricsGroup() });
      if (segments[1] !== 'v1beta1')
        throw notFound(`the server could not find the requested resource (${req.method} ${url.pathname})`);
      if (segments.length === 2) {
        await deps.authorize(req, 'get', '', { path: url.pathname });
        return json(metricsResourceList());
      }
      await deps.authorize(req, ...metricsRequest(segments.slice(2)));
      return json(await serveMetrics(deps.api, deps.nodes, segments.slice(2)));
    }
    const path = parseApiPath(root, segments);
    if (path.kind !== 'object') {
      await deps.authorize(req, 'get', '', { path: url.pathname });
      if (req.method !== 'GET') throw methodNotAllowed(req.method, url.pathname);
      switch (path.kind) {
        case 'versions':
          return json(apiVersions(url.host));
        case 'groups':
          return json(apiGroupList());
        case 'group':
          return json(apiGroup(path.group));
        case 'resources':
          return json(apiResourceList(path.group, path.version));
        default:
          throw notFound(`the server could not find the requested resource (${req.method} ${url.pathname})`);
      }
    }
    // Reviews are asked, never stored: POST is all they answer.
    const review = path.type.kind === 'SelfSubjectAccessReview' || path.type.kind === 'SelfSubjectRulesReview';
    if (review && (req.method !== 'POST' || path.name)) throw methodNotAllowed(req.method, url.pathname);
    const verb = verbFor(req.method, path, url);
    const principal = await deps.authorize(req, verb, path.type.plural, scopeOf(path, verb, url));
    if (review) return await serveReview(req, url, path.type.kind, principal, deps.authorizer);
    return await serveObject(req, url, path, verb, deps, principal);
  };
  return kubeApi;
}

/**
 * How deeply a request body may nest. Kubernetes objects nest a few dozen levels at most; the code that copies,
 * patches and validates bodies recurses, and a body nested tens of thousands deep would overflow its stack (a 500).
 * kube-apiserver's JSON decoder has the same kind of limit ("exceeded max depth").
 */
const MAX_BODY_DEPTH = 1000;

/** The request body, parsed, refused with 400 when it nests deeper than MAX_BODY_DEPTH (checked without recursion). */
async function readBody(req: ApiRequest): Promise<unknown> {
  const body = await readBodyUnchecked(req);
  const pending: [unknown, number][] = [[body, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_BODY_DEPTH)
      throw badRequest(`the request body nests deeper than ${MAX_BODY_DEPTH} levels (exceeded max depth)`);
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
  }
  return body;
}

async function readBodyUnchecked(req: ApiRequest): Promise<unknown> {
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
  if (type && !ACCEPTED_BODY_TYPES.test(mediaTypeOf(type)))
    // Like kube-apiserver; and a browser's cross-site form or no-cors post (text/plain, form types) never parses.
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body content type "${type}" is not supported; send application/json (or application/yaml, a patch type, application/vnd.kubernetes.protobuf)`,
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
  // Decoded without dropping a byte-order mark (Request.text() would): Go's JSON decoder refuses one.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await req.arrayBuffer());
  if (text.charCodeAt(0) === 0xfeff)
    throw badRequest('the request body is not valid JSON: it starts with a byte-order mark');
  if (text.length > MAX_BODY_BYTES)
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
    );
  if (!text.trim()) return undefined;
  if (isApplyPatch(type)) return parseApplyBody(text);
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

/** What a PATCH body is, from its Content-Type (parameters such as charset aside). */
function patchTypeOf(req: ApiRequest): PatchType | 'apply' {
  const type = mediaTypeOf(req.headers.get('content-type'));
  switch (type) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    case 'application/apply-patch+cbor':
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'server-side apply bodies in CBOR are not supported; send application/apply-patch+yaml (YAML or JSON, as kubectl does)',
      );
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the patch Content-Type must be application/merge-patch+json, application/json-patch+json, application/strategic-merge-patch+json or application/apply-patch+yaml (got "${type}")`,
      );
  }
}

/** Body media types the API reads: JSON, YAML, the patch types (all +json, and apply's +yaml), protobuf. */
const ACCEPTED_BODY_TYPES = /^application\/(json|yaml|[a-z-]+\+json|apply-patch\+yaml|vnd\.kubernetes\.protobuf)$/;
const mediaTypeOf = (contentType: string | null) => (contentType ?? '').split(';')[0].trim().toLowerCase();
const isApplyPatch = (contentType: string) => mediaTypeOf(contentType) === 'application/apply-patch+yaml';

/**
 * A server-side apply body: YAML or JSON (kubectl sends JSON), one document. Aliases are expanded within the
 * yaml package's limit, so a small body cannot expand into a huge object.
 */
function parseApplyBody(text: string): unknown {
  if (/^\s*\{/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // flow-style YAML, or broken: the YAML parser says which
    }
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const error = doc.errors[0];
  if (error) throw badRequest(`error decoding YAML: ${error.message}`);
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}

const FIELD_MANAGER_MAX_BYTES = 128;
// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** kube-apiserver's ValidateFieldManager. */
export function checkFieldManager(manager: string) {
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX_BYTES) {
    throw badRequest(`fieldManager: Too long: may not be longer than ${FIELD_MANAGER_MAX_BYTES}`, [
      {
        reason: 'FieldValueTooLong',
        message: `Too long: may not be longer than ${FIELD_MANAGER_MAX_BYTES}`,
        field: 'fieldManager',
      },
    ]);
  }
  for (const ch of manager) {
    if (!PRINTABLE.test(ch)) {
      throw badRequest(
        `fieldManager: Invalid value: ${JSON.stringify(manager)}: must only contain printable characters`,
        [{ reason: 'FieldValueInvalid', message: 'must only contain printable characters', field: 'fieldManager' }],
      );
    }
  }
}

/**
 * Who a write is recorded for in metadata.managedFields, as kube-apiserver picks it: the fieldManager parameter,
 * else the User-Agent up to its first "/" (kubectl/v1.32.0 (linux/amd64) … → kubectl, printable characters, at
 * most 128 bytes), else "unknown".
 */
function fieldManagerOf(req: ApiRequest, q: URLSearchParams): string {
  const given = q.get('fieldManager');
  if (given) {
    checkFieldManager(given);
    return given;
  }
  let name = '';
  for (const ch of (req.headers.get('user-agent') ?? '').split('/')[0]) {
    if (!PRINTABLE.test(ch)) continue;
    if (Buffer.byteLength(name) >= FIELD_MANAGER_MAX_BYTES) break;
    name += ch;
  }
  return name || 'unknown';
}

/** The options of a create, update or non-apply patch: dryRun and the manager; `force` belongs to apply. */
function writeOptionsOf(req: ApiRequest, q: URLSearchParams, patch = false): WriteOptions {
  if (patch && boolParam(q, 'force') !== undefined) {
    throw invalid('PatchOptions.meta.k8s.io', undefined, [
      { reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' },
    ]);
  }
  return { dryRun: dryRunOf(q.getAll('dryRun')), fieldManager: fieldManagerOf(req, q) };
}

/**
 * Server-side apply (PATCH with application/apply-patch+yaml) of the object or its status: 201 when it created
 * the object. As in kube-apiserver, fieldManager is required, and an apply that creates needs `create` too.
 */
async function serveApply(
  req: ApiRequest,
  url: URL,
  deps: KubeApiDeps,
  t: ResourceType,
  namespace: string | undefined,
  name: string,
  decode: DecodeOptions & Pick<WriteOptions, 'admit' | 'user'>,
  subresource?: 'status',
): Promise<ApiResponse> {
  const q = url.searchParams;
  const fieldManager = q.get('fieldManager');
  if (!fieldManager) {
    throw badRequest(`PATCH ${url.pathname}: fieldManager is required for apply requests`, [
      { reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' },
    ]);
  }
  checkFieldManager(fieldManager);
  const force = boolParam(q, 'force') ?? false;
  const dryRun = dryRunOf(q.getAll('dryRun'));
  const body = await readBody(req);
  if (!subresource && !deps.api.peek(t, namespace, name))
    await deps.authorize(req, 'create', t.plural, { apiGroup: t.group, namespace });
  const options = { ...decode, fieldManager, force, dryRun, subresource };
  const { object, created } = await deps.api.apply(t, namespace, name, body, options);
  return json(object, created ? 201 : 200);
}

function listKind(t: ResourceType) {
  return t.listKind ?? `${t.kind}List`;
}

/** A non-negative integer query parameter, read like Go's strconv.ParseInt (no exponents, hex or spaces). */
function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = /^\+?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw badRequest(`the ${name} parameter must be a non-negative integer (got "${raw}")`);
  return n;
}

/**
 * The boolean parameters of a read (list or get) that is not a watch, checked like kube-apiserver's ListOptions:
 * malformed booleans are 400 (verbFor let them through to authorization) and sendInitialEvents belongs to watches.
 */
function checkReadParams(q: URLSearchParams) {
  boolParam(q, 'watch');
  boolParam(q, 'allowWatchBookmarks');
  if (boolParam(q, 'sendInitialEvents') !== undefined)
    throw invalid('ListOptions', undefined, [
      {
        reason: 'FieldValueForbidden',
        message: 'Forbidden: sendInitialEvents is only supported on watch requests',
        field: 'sendInitialEvents',
      },
    ]);
}

async function serveObject(
  req: ApiRequest,
  url: URL,
  path: Extract<ApiPath, { kind: 'object' }>,
  verb: Verb,
  deps: KubeApiDeps,
  principal: Principal,
): Promise<ApiResponse> {
  const { api } = deps;
  const { type: t, name, subresource } = path;
  const requester = requesterOptions(deps.authorizer, principal);
  const namespace = t.namespaced ? path.namespace : undefined;
  const q = url.searchParams;
  const table = wantsTable(req.headers.get('accept'));
  const dryRun = dryRunOf(q.getAll('dryRun'));

  if (t.namespaced && !namespace && verb !== 'list' && verb !== 'watch') {
    throw notFound(
      `the server could not find the requested resource: ${t.plural} must be addressed under /namespaces/{namespace}/`,
    );
  }

  // list, watch, create and deletecollection address the collection; the other verbs (checked in verbFor)
  // an object named on the path.
  const objectName = name ?? '';
  if (subresource === 'token' && t.kind === 'ServiceAccount' && req.method === 'POST') {
    const decoding = decodingFor(url, 'CreateOptions');
    const body = await readBody(req);
    const token = await requestToken(api, deps.tokens, principal, namespace ?? '', objectName, body, decoding.options);
    return decoding.respond(json(token, 201));
  }
  if (subresource) return serveSubresource(req, url, deps, t, namespace, objectName, subresource, requester.user);

  switch (verb) {
    case 'list': {
      checkReadParams(q);
      const result = api.list(t, namespace, {
        labelSelector: q.get('labelSelector'),
        fieldSelector: q.get('fieldSelector'),
        limit: intParam(url, 'limit'),
        continue: q.get('continue'),
      });
      if (table) return json(toTable(t, result.items, result, q.get('includeObject')));
      return listResponse(
        {
          kind: listKind(t),
          apiVersion: apiVersionOf(t),
          metadata: {
            resourceVersion: result.resourceVersion,
            ...(result.continue ? { continue: result.continue, remainingItemCount: result.remainingItemCount } : {}),
          },
        },
        result.items,
      );
    }
    case 'watch':
      return watchResponse(api, t, namespace, url, table, deps.watchBookmarkMs, deps.stopping, name);
    case 'get': {
      checkReadParams(q);
      const obj = api.get(t, namespace, objectName);
      return json(
        table ? toTable(t, [obj], { resourceVersion: obj.metadata.resourceVersion }, q.get('includeObject')) : obj,
      );
    }
    case 'create': {
      const fieldManager = fieldManagerOf(req, q);
      const decoding = decodingFor(url, 'CreateOptions');
      const created = await api.create(t, namespace, await readBody(req), {
        dryRun,
        fieldManager,
        ...requester,
        ...decoding.options,
      });
      deps.created?.(req, created);
      return decoding.respond(json(created, 201));
    }
    case 'update': {
      const options = writeOptionsOf(req, q);
      const decoding = decodingFor(url, 'UpdateOptions');
      const body = await readBody(req);
      const updated = await api.update(t, namespace, objectName, body, undefined, {
        ...options,
        ...decoding.options,
        ...requester,
      });
      return decoding.respond(json(updated));
    }
    case 'patch': {
      const type = patchTypeOf(req);
      const decoding = decodingFor(url, 'PatchOptions');
      if (type === 'apply') {
        const applied = await serveApply(req, url, deps, t, namespace, objectName, {
          ...decoding.options,
          ...requester,
        });
        return decoding.respond(applied);
      }
      const options = { ...writeOptionsOf(req, q, true), ...decoding.options, ...requester };
      const body = await readBody(req);
      return decoding.respond(json(await api.patch(t, namespace, objectName, type, body, undefined, options)));
    }
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
      // Like kube-apiserver, an item that may not be deleted (a protected namespace) does not stop the others;
      // the request then fails with the first such error.
      let refused: unknown;
      for (const item of items) {
        try {
          deleted.push((await api.delete(t, item.metadata.namespace, item.metadata.name, options)).object);
        } catch (err) {
          if (isApiError(err) && err.code === 404) continue;
          if (isApiError(err) && err.code === 403) refused ??= err;
          else throw err;
        }
      }
      if (refused) throw refused;
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
  preconditions?: unknown;
  dryRun?: unknown;
}

const PROPAGATION_POLICIES: unknown[] = [
  'Foreground',
  'Background',
  'Orphan',
] satisfies DeleteOptions['propagationPolicy'][];

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `dryRun` as kube-apiserver reads it: repeated query parameters (or a list in a DeleteOptions body) whose only
 * valid value is "All"; anything else is 400, not a silent real write.
 */
function dryRunOf(values: unknown[]): boolean {
  for (const value of values) {
    if (value !== 'All')
      throw badRequest(`Invalid value ${JSON.stringify(value)} for dryRun: supported values: "All"`, [
        { reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(value)}`, field: 'dryRun' },
      ]);
  }
  return values.length > 0;
}

function deleteOptions(url: URL, body: unknown): DeleteOptions {
  const q = url.searchParams;
  if (body !== undefined && body !== null && !isPlainObject(body))
    throw badRequest('the request body must be a DeleteOptions object');
  const b: DeleteOptionsBody = body ?? {};
  const orphan = boolParam(q, 'orphanDependents') ?? b.orphanDependents;
  if (orphan !== undefined && orphan !== null && typeof orphan !== 'boolean')
    throw badRequest(`orphanDependents must be a boolean (got ${JSON.stringify(orphan)})`);
  const policy = q.get('propagationPolicy') ?? b.propagationPolicy ?? undefined;
  if (policy !== undefined && !PROPAGATION_POLICIES.includes(policy)) {
    throw badRequest(`propagationPolicy must be Foreground, Background or Orphan (got ${JSON.stringify(policy)})`);
  }
  if (policy !== undefined && typeof orphan === 'boolean')
    throw invalid('DeleteOptions', undefined, [
      {
        reason: 'FieldValueInvalid',
        message: 'orphanDependents and deletionPropagation cannot be both set',
        field: 'propagationPolicy',
      },
    ]);
  const graceRaw = q.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  const grace =
    graceRaw === undefined || graceRaw === null || graceRaw === ''
      ? undefined
      : typeof graceRaw === 'number' || (typeof graceRaw === 'string' && /^\+?\d{1,15}$/.test(graceRaw))
        ? Number(graceRaw)
        : NaN;
  if (grace !== undefined && (!Number.isSafeInteger(grace) || grace < 0))
    throw badRequest(`gracePeriodSeconds must be a non-negative integer (got ${JSON.stringify(graceRaw)})`);
  const pre = b.preconditions;
  if (pre !== undefined && pre !== null) {
    if (!isPlainObject(pre)) throw badRequest('preconditions must be an object with uid and resourceVersion');
    for (const key of ['uid', 'resourceVersion'] as const) {
      if (pre[key] !== undefined && pre[key] !== null && typeof pre[key] !== 'string')
        throw badRequest(`preconditions.${key} must be a string (got ${JSON.stringify(pre[key])})`);
    }
  }
  if (b.dryRun !== undefined && b.dryRun !== null && !Array.isArray(b.dryRun))
    throw badRequest(`dryRun must be a list of strings (got ${JSON.stringify(b.dryRun)})`);
  return {
    propagationPolicy: (policy ?? (orphan === true ? 'Orphan' : undefined)) as DeleteOptions['propagationPolicy'],
    gracePeriodSeconds: grace,
    preconditions: (pre ?? undefined) as DeleteOptions['preconditions'],
    dryRun: dryRunOf([...q.getAll('dryRun'), ...((b.dryRun as unknown[] | null | undefined) ?? [])]),
  };
}

/** The kinds with a scale subresource. */
type Scalable = Stored<Deployment> | Stored<ReplicaSet>;
type Json = Parameters<typeof jsonPatch>[0];

function scaleOf(t: ResourceType, object: KubeObject) {
  if (t.crd) return customScale(t, object);
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
  req: ApiRequest,
  url: URL,
  deps: KubeApiDeps,
  t: ResourceType,
  namespace: string | undefined,
  name: string,
  sub: string,
  user: WriteOptions['user'],
): Promise<ApiResponse> {
  const { api } = deps;
  const method = req.method;
  if (sub === 'status') {
    if (method === 'GET') return json(api.get(t, namespace, name));
    const q = url.searchParams;
    if (method === 'PUT') {
      const options = writeOptionsOf(req, q);
      const decoding = decodingFor(url, 'UpdateOptions');
      const body = await readBody(req);
      const updated = await api.update(t, namespace, name, body, 'status', { ...options, ...decoding.options, user });
      return decoding.respond(json(updated));
    }
    if (method === 'PATCH') {
      const type = patchTypeOf(req);
      const decoding = decodingFor(url, 'PatchOptions');
      if (type === 'apply') {
        const applied = await serveApply(req, url, deps, t, namespace, name, { ...decoding.options, user }, 'status');
        return decoding.respond(applied);
      }
      const options = { ...writeOptionsOf(req, q, true), ...decoding.options, user };
      const body = await readBody(req);
      return decoding.respond(json(await api.patch(t, namespace, name, type, body, 'status', options)));
    }
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
        if (type === 'apply') {
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            'server-side apply to the scale subresource is not supported; apply spec.replicas to the object itself',
          );
        }
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
      const next = t.crd ? withCustomScale(t, current, replicas) : (clone(current) as Scalable);
      // Every stored Deployment and ReplicaSet has a spec (the defaults give it one).
      if (!t.crd) (next.spec as { replicas?: number }).replicas = replicas;
      const options = writeOptionsOf(req, url.searchParams, method === 'PATCH');
      const updated = await api.replace(t, current, next, undefined, { ...options, subresource: 'scale', user });
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
    const body = await readBody(req);
    checkEvictionBody(body, name);
    const options = deleteOptions(url, isPlainObject(body) ? body.deleteOptions : undefined);
    return json(await evictPod(deps, namespace ?? '', name, options), 201);
  }
  if (sub === 'log' && method === 'GET')
    return podLogResponse(
      (pod, container, options) => deps.nodes.logs(pod, container, options),
      api,
      api.get(t, namespace, name),
      url,
      AbortSignal.any([req.signal, deps.stopping]),
      deps.logFollowPollMs,
    );
  // The stream is a WebSocket (lib/http/exec-ws.ts): a plain request is checked, then told so, as upstream does.
  if (sub === 'exec' && (method === 'GET' || method === 'POST')) {
    execRequest(api.get(t, namespace, name) as Stored<Pod>, url);
    throw badRequest('Upgrade request required');
  }
  if (sub === 'finalize' && method === 'PUT') {
    const body = (await readBody(req)) as Partial<Namespace> | null | undefined;
    const current = api.get(t, namespace, name);
    const next = clone(current) as Stored<Namespace>;
    next.spec = { ...next.spec, finalizers: body?.spec?.finalizers ?? [] };
    return json(await api.commit(t, next));
  }
  throw methodNotAllowed(method, url.pathname);
}

/** A SelfSubjectAccessReview or SelfSubjectRulesReview, answered for the requester (201, as kube-apiserver). */
async function serveReview(
  req: ApiRequest,
  url: URL,
  kind: string,
  principal: Principal,
  authorizer: Authorizer,
): Promise<ApiResponse> {
  const decoding = decodingFor(url, 'CreateOptions');
  const body = await readBody(req);
  const answer =
    kind === 'SelfSubjectAccessReview'
      ? reviewAccess(authorizer, principal, body, decoding.options)
      : reviewRules(authorizer, principal, body, decoding.options);
  return decoding.respond(json(answer, 201));
}
