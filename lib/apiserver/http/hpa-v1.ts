import type { ApiRequest } from '../../apimachinery/api-request.ts';
import { jsonResponse, type ApiResponse } from '../../apimachinery/json-response.ts';
import { badRequest, methodNotAllowed, notFound } from '../../apimachinery/errors.ts';
import type { AuthorizeScope } from '../../auth/policy-rules.ts';
import { jsonPatch, mergePatch } from '../../apimachinery/patch.ts';
import { parseGoBool } from '../../apimachinery/params.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { hpaFromV1, hpaToV1 } from '../kinds/hpa.ts';
import type { AutoscalingV2HorizontalPodAutoscaler } from '../../apimachinery/generated/kinds.ts';

// autoscaling/v1 HorizontalPodAutoscalers, served by converting to and from
// the stored autoscaling/v2 objects. The registry serves one version per
// built-in kind (a custom resource's versions share one schema, a built-in's
// do not), so rather than teach it conversions, the few v1 requests clients
// make (kubectl 1.32's `kubectl autoscale` creates v1 objects; older clients
// read them) are rewritten here to the v2 endpoints and their answers
// converted back. Watches are not converted: they are served at v2.

type Json = Parameters<typeof jsonPatch>[0];
type Inner = (req: ApiRequest, segments: string[]) => Promise<ApiResponse>;

export interface HpaV1Deps {
  /** The v2 API (the Kubernetes handler itself), called with the rewritten request. */
  inner: Inner;
  readBody(req: ApiRequest): Promise<unknown>;
  authorize(req: ApiRequest, verb: string, resource: string, scope?: AuthorizeScope): Promise<unknown>;
}

const RESOURCE_LIST = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'autoscaling/v1',
  resources: [
    {
      name: 'horizontalpodautoscalers',
      singularName: 'horizontalpodautoscaler',
      namespaced: true,
      kind: 'HorizontalPodAutoscaler',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['hpa'],
      categories: ['all'],
    },
    {
      name: 'horizontalpodautoscalers/status',
      singularName: '',
      namespaced: true,
      kind: 'HorizontalPodAutoscaler',
      verbs: ['get', 'patch', 'update'],
    },
  ],
};

export const isHpaV1Path = (root: string, segments: string[]) =>
  root === 'apis' && segments[0] === 'autoscaling' && segments[1] === 'v1';

/** Serves /apis/autoscaling/v1/... (`segments` start with autoscaling, v1). */
export async function serveHpaV1(req: ApiRequest, segments: string[], deps: HpaV1Deps): Promise<ApiResponse> {
  const url = new URL(req.url);
  if (segments.length === 2) {
    await deps.authorize(req, 'get', '', { path: url.pathname });
    if (req.method !== 'GET') throw methodNotAllowed(req.method, url.pathname);
    return Response.json(RESOURCE_LIST);
  }
  const rest = segments.slice(2);
  const resourceAt = rest[0] === 'namespaces' ? 2 : 0;
  if (rest[resourceAt] !== 'horizontalpodautoscalers')
    throw notFound(`the server could not find the requested resource (${req.method} ${url.pathname})`);
  if (parseGoBool(url.searchParams.get('watch') ?? '') === true)
    throw badRequest('watches of horizontalpodautoscalers are served at autoscaling/v2 only');
  const v2 = ['autoscaling', 'v2', ...rest];
  const subresource = rest[resourceAt + 2];
  const v2Url = new URL(url);
  v2Url.pathname = `/apis/${v2.join('/')}`;
  const headers = new Headers();
  req.headers.forEach((value, name) => headers.append(name, value));
  headers.delete('content-length');
  const call = (method: string, body?: unknown, contentType = 'application/json') => {
    const h = new Headers(headers);
    if (body !== undefined) h.set('content-type', contentType);
    else h.delete('content-type');
    return deps.inner(
      new Request(v2Url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }),
      v2,
    );
  };
  if (subresource && req.method !== 'GET')
    throw methodNotAllowed(req.method, `${url.pathname} (status is written at autoscaling/v2)`);
  switch (req.method) {
    case 'GET':
    case 'DELETE': {
      const body = req.method === 'DELETE' ? await deps.readBody(req) : undefined;
      return toV1(await call(req.method, body));
    }
    case 'POST':
      return toV1(await call('POST', hpaFromV1(await deps.readBody(req))));
    case 'PUT': {
      const stored = await current(call);
      if (!stored.ok) return toV1(stored.response);
      return toV1(await call('PUT', hpaFromV1(await deps.readBody(req), stored.object)));
    }
    case 'PATCH': {
      const type = (req.headers.get('content-type') ?? '').split(';')[0].trim();
      if (type === 'application/apply-patch+yaml')
        throw badRequest('server-side apply of autoscaling/v1 objects is not supported; apply autoscaling/v2');
      const patch = (await deps.readBody(req)) as Json;
      const stored = await current(call);
      if (!stored.ok) return toV1(stored.response);
      const v1 = hpaToV1(stored.object as KubeObject) as unknown as Json;
      // A v1 HorizontalPodAutoscaler has no lists: a strategic merge patch merges as a JSON merge patch does.
      const patched = type === 'application/json-patch+json' ? jsonPatch(v1, patch) : mergePatch(v1, patch);
      const next = hpaFromV1(patched, stored.object) as { metadata?: Record<string, unknown> };
      next.metadata = { ...next.metadata, resourceVersion: stored.object.metadata?.resourceVersion };
      return toV1(await call('PUT', next));
    }
    default:
      throw methodNotAllowed(req.method, url.pathname);
  }
}

async function current(
  call: (method: string) => Promise<ApiResponse>,
): Promise<
  | { ok: true; object: AutoscalingV2HorizontalPodAutoscaler & { metadata?: { resourceVersion?: string } } }
  | { ok: false; response: ApiResponse }
> {
  const response = await call('GET');
  if (!response.ok) return { ok: false, response };
  return { ok: true, object: (await response.json()) as AutoscalingV2HorizontalPodAutoscaler };
}

/** A v2 answer as v1: objects and lists converted, Status and Table answers as they are. */
async function toV1(response: ApiResponse): Promise<ApiResponse> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return response;
  const body = (await response.json()) as { kind?: string; items?: KubeObject[] } & Record<string, unknown>;
  let out: unknown = body;
  if (body.kind === 'HorizontalPodAutoscaler') out = hpaToV1(body as KubeObject);
  else if (body.kind === 'HorizontalPodAutoscalerList')
    out = { ...body, apiVersion: 'autoscaling/v1', items: (body.items ?? []).map(hpaToV1) };
  const converted = jsonResponse(out, response.status);
  response.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'content-type') converted.headers.append(name, value);
  });
  return converted;
}
