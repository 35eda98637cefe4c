// What a request path addresses, read the way kube-apiserver's RequestInfoFactory reads it: /api/v1/… and
// /apis/GROUP/VERSION/… are resource requests (EntroOS' own /apis/entroos.io/v1/… included), anything else is a
// non-resource URL. Independent of the resource registry, so custom resources and unknown paths parse alike.

export interface ObjectRef {
  resource: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface RequestInfo {
  /** Absent for non-resource requests (/healthz, /api/login, discovery). */
  objectRef?: ObjectRef;
  /** The Kubernetes verb the method and path imply (authorization may name a more precise one). */
  verb: string;
}

// Namespaces' own subresources: /api/v1/namespaces/NAME/status is the namespace's status, not a resource "status".
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

// Paths under /api that are EntroOS' own routes rather than Kubernetes' (handled by Next).
const NON_RESOURCE_API = new Set(['login', 'auth']);

export function requestInfo(method: string, pathname: string, watchParam = false): RequestInfo {
  const parts = pathname.split('/').filter(Boolean).map(safeDecode);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1' && parts.length > 2) {
    group = '';
    version = 'v1';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length > 3) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { verb: nonResourceVerb(method) };
  }
  if (parts[0] === 'api' && NON_RESOURCE_API.has(parts[1])) return { verb: nonResourceVerb(method) };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  const ref: ObjectRef = { resource, apiGroup: group || undefined, apiVersion: version };
  // Like kube-apiserver, a namespace's own requests carry it as their namespace too.
  if (namespace !== undefined) ref.namespace = namespace;
  if (name) ref.name = name;
  if (subresource) ref.subresource = subresource;
  return { objectRef: ref, verb: resourceVerb(method, !name, watchParam) };
}

function resourceVerb(method: string, collection: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : collection ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

// Non-resource requests are authorized (and audited) by the lowercase HTTP method, as in Kubernetes.
const nonResourceVerb = (method: string) => method.toLowerCase();

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
