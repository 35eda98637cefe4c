import { ApiError } from '../apimachinery/errors.ts';
import type { PolicyRule } from '../apimachinery/generated/kinds.ts';
import { RESOURCE_TYPES } from '../apimachinery/registry.ts';

// Whether one RBAC PolicyRule allows one request, as Kubernetes decides it (rbac/v1 helpers: VerbMatches,
// APIGroupMatches, ResourceMatches, ResourceNameMatches, NonResourceURLMatches). Kept apart from the authorizer so
// the escalation check and the rules review use the very same matching.

/** What is asked: a resource request (with its API group, namespace…) or a request for a non-resource path. */
export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export interface ResourceAttributes {
  verb: string;
  /** '' for the core group. */
  apiGroup: string;
  /** The plural, e.g. `pods` (a subresource goes in `subresource`). */
  resource: string;
  subresource?: string;
  /** Absent or '' for cluster-scoped requests and requests across all namespaces. */
  namespace?: string;
  /** The object's name; absent for list, watch of a collection, create and deletecollection. */
  name?: string;
}

export interface NonResourceAttributes {
  verb: string;
  /** The URL path, e.g. `/api` or `/healthz`. */
  path: string;
}

export const isResourceRequest = (a: RequestAttributes): a is ResourceAttributes => 'resource' in a;

const ALL = '*';

const has = (list: readonly string[] | undefined, value: string) =>
  !!list && (list.includes(ALL) || list.includes(value));

/** `resource/subresource`, as rules name subresources (`pods/log`). */
export const combinedResource = (a: ResourceAttributes) =>
  a.subresource ? `${a.resource}/${a.subresource}` : a.resource;

function resourceMatches(rule: PolicyRule, a: ResourceAttributes): boolean {
  const combined = combinedResource(a);
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    // `*/status` names that subresource of every resource.
    if (a.subresource && r.length === a.subresource.length + 2 && r.startsWith('*/') && r.endsWith(a.subresource))
      return true;
  }
  return false;
}

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === ALL || url === path) return true;
    if (url.endsWith('*') && path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}

/** RBAC's RuleAllows: the verb, group, resource (and names) of a resource request, or the verb and URL of a path. */
export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!isResourceRequest(a)) return nonResourceUrlMatches(rule, a.path);
  if (!has(rule.apiGroups, a.apiGroup) || !resourceMatches(rule, a)) return false;
  const names = rule.resourceNames;
  // A rule naming objects never allows a request that names none (list, create): there is nothing to compare.
  return !names?.length || (a.name !== undefined && names.includes(a.name));
}

/** How a request is written in messages: `create pods/log in API group "" in the namespace "team-a"`. */
export function describeRequest(a: RequestAttributes): string {
  if (!isResourceRequest(a)) return `${a.verb} path "${a.path}"`;
  const resource = `resource "${combinedResource(a)}"${a.name ? ` named "${a.name}"` : ''}`;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${a.verb} ${resource} in API group "${a.apiGroup}" ${where}`;
}

/** Where a request acts, beyond its verb and resource: what a namespaced route or the Kubernetes API knows. */
export type AuthorizeScope =
  | { apiGroup?: string; namespace?: string; name?: string; subresource?: string }
  /** A request for a non-resource path (discovery, /metrics). */
  | { path: string };

/** EntroOS's own routes name their resources by plural alone: Kubernetes kinds by their plural, the rest entroos.io. */
function defaultGroup(resource: string): { apiGroup: string; resource: string } {
  const builtin = RESOURCE_TYPES.find((t) => t.plural === resource);
  if (builtin) return { apiGroup: builtin.group, resource };
  // A custom resource as the handler used to name it: plural.group.
  const dot = resource.indexOf('.');
  if (dot > 0) return { apiGroup: resource.slice(dot + 1), resource: resource.slice(0, dot) };
  return { apiGroup: 'entroos.io', resource };
}

/** The attributes the authorizer decides on, from a route's verb, resource and scope. */
export function requestFor(verb: string, resource: string, scope: AuthorizeScope = {}): RequestAttributes {
  if ('path' in scope) return { verb, path: scope.path };
  const named = scope.apiGroup === undefined ? defaultGroup(resource) : { apiGroup: scope.apiGroup, resource };
  return {
    verb,
    ...named,
    ...(scope.subresource ? { subresource: scope.subresource } : {}),
    ...(scope.namespace ? { namespace: scope.namespace } : {}),
    ...(scope.name ? { name: scope.name } : {}),
  };
}

/**
 * kube-apiserver's 403 for a denied request (responsewriters.Forbidden): `pods "web" is forbidden: User "alice"
 * cannot create resource "pods" in API group "" in the namespace "team-b"`, the Status naming the resource.
 */
export function forbiddenError(username: string, a: RequestAttributes): ApiError {
  if (!isResourceRequest(a))
    return new ApiError(403, 'Forbidden', `forbidden: User "${username}" cannot ${a.verb} path "${a.path}"`);
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const message = `User "${username}" cannot ${a.verb} resource "${combinedResource(a)}" in API group "${a.apiGroup}" ${where}`;
  return new ApiError(403, 'Forbidden', `${qualified}${a.name ? ` "${a.name}"` : ''} is forbidden: ${message}`, {
    ...(a.name ? { name: a.name } : {}),
    group: a.apiGroup,
    kind: a.resource,
  });
}
