import { invalid, type StatusCause } from '../../apimachinery/errors.ts';
import type {
  NonResourceRule,
  ResourceRule,
  SelfSubjectAccessReview,
  SelfSubjectRulesReview,
  SubjectAccessReviewStatus,
} from '../../apimachinery/generated/kinds.ts';
import { allTypes, rbacResource, typeByKey, type ResourceType } from '../../apimachinery/registry.ts';
import type { Principal } from '../../auth/principal.ts';
import { ALL_VERBS, can, canVerb, grantedVerbs, type Verb } from '../../auth/rbac.ts';
import { decodeBuiltin, type DecodeOptions } from '../decode.ts';

// authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview: "may I?" and "what may I?", answered
// for whoever asks from the one authorizer (`can` in lib/auth/rbac.ts), never stored. Roles are cluster-wide, so
// the namespace asked about does not change the answer.

/** Where the API's own paths live: the groups EntroOS serves outside the Kubernetes registry. */
const ENTROOS_GROUP = 'entroos.io';

/**
 * The non-resource paths and the resource `can` decides them by: discovery and health are open to every
 * authenticated identity (whoami's scope), the Prometheus metrics to admins.
 */
const NON_RESOURCE_PATHS: readonly { urls: string[]; resource: string }[] = [
  {
    urls: ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/version', '/healthz', '/livez', '/readyz'],
    resource: 'whoami',
  },
  { urls: ['/metrics'], resource: 'metrics' },
];

/** A non-resource request's HTTP verb as the authorizer's verb. */
const HTTP_VERBS: Readonly<Record<string, Verb>> = {
  get: 'get',
  head: 'get',
  post: 'create',
  put: 'update',
  patch: 'patch',
  delete: 'delete',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });

/** The review as sent, decoded as its kind (a value of the wrong type is the 400, unknown fields as asked). */
function decodeReview(t: ResourceType, body: unknown, decode: DecodeOptions): Record<string, unknown> {
  const review = isRecord(body) ? structuredClone(body) : {};
  decodeBuiltin(t, review, decode);
  return review;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The resource `can` decides on for a group and resource as a client names them. */
function rbacResourceOf(group: string, resource: string): string {
  const t = allTypes().find((r) => r.group === group && r.plural === resource);
  if (t) return rbacResource(t);
  return !group || group === ENTROOS_GROUP ? resource : `${resource}.${group}`;
}

/** Whether a non-resource path matches a rule's URL (`*` only as the whole last step, as in RBAC). */
const urlMatches = (url: string, path: string) =>
  url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.slice(0, -1)));

function nonResourceResource(path: string): string | undefined {
  return NON_RESOURCE_PATHS.find((p) => p.urls.some((u) => urlMatches(u, path)))?.resource;
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews: whether the requester may do what the spec asks. */
export function reviewAccess(requester: Principal, body: unknown, decode: DecodeOptions): SelfSubjectAccessReview {
  const t = typeByKey('selfsubjectaccessreviews.authorization.k8s.io');
  const review = decodeReview(t, body, decode);
  const spec = (isRecord(review.spec) ? review.spec : {}) as SelfSubjectAccessReview['spec'];
  const causes: StatusCause[] = [];
  const { resourceAttributes: ra, nonResourceAttributes: nra } = spec;
  if (ra && nra) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: cannot be specified in combination with resourceAttributes',
      field: 'spec.nonResourceAttributes',
    });
  } else if (!ra && !nra) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
      field: 'spec.resourceAttributes',
    });
  }
  if (ra && !ra.verb) causes.push(required('spec.resourceAttributes.verb'));
  if (ra && !ra.resource) causes.push(required('spec.resourceAttributes.resource'));
  if (nra && !nra.verb) causes.push(required('spec.nonResourceAttributes.verb'));
  if (nra && !nra.path) causes.push(required('spec.nonResourceAttributes.path'));
  if (causes.length) throw reviewInvalid('SelfSubjectAccessReview', causes);

  const { role, username } = requester;
  let allowed: boolean;
  let what: string;
  if (ra) {
    const resource = rbacResourceOf(str(ra.group), str(ra.resource));
    allowed = canVerb(role, str(ra.verb), resource);
    what = `${str(ra.verb)} ${str(ra.resource)}${ra.subresource ? `/${ra.subresource}` : ''}${ra.group ? `.${ra.group}` : ''}`;
  } else {
    const path = str(nra?.path);
    const verb = str(nra?.verb).toLowerCase();
    // A path nothing scopes is decided like a resource nobody scoped (admins only).
    allowed = canVerb(role, HTTP_VERBS[verb] ?? verb, nonResourceResource(path) ?? '*');
    what = `${verb} ${path}`;
  }
  const status: SubjectAccessReviewStatus = allowed
    ? { allowed: true, reason: `EntroOS: allowed by role "${role}" of ${username}` }
    : { allowed: false, denied: true, reason: `EntroOS: role "${role}" of ${username} does not allow ${what}` };
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec,
    status,
  };
}

/** The non-core, non-entroos group a built-in or custom resource lives in ('' for core, entroos.io for the rest). */
function groupOf(resource: string): string {
  const t = allTypes().find((r) => rbacResource(r) === resource);
  return t ? t.group : ENTROOS_GROUP;
}

/** Subresources are authorized as their resource: a rule for pods covers pods/log. */
function withSubresources(resource: string): string[] {
  const t = allTypes().find((r) => rbacResource(r) === resource && !r.crd);
  const plural = t ? t.plural : resource.split('.')[0];
  return [plural, ...(t?.subresources ?? []).map((s) => `${plural}/${s}`)];
}

/**
 * POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews: every rule the requester's role grants, from the
 * authorizer's scopes and the types served (custom resources included), grouped by API group and verbs.
 */
export function reviewRules(requester: Principal, body: unknown, decode: DecodeOptions): SelfSubjectRulesReview {
  const t = typeByKey('selfsubjectrulesreviews.authorization.k8s.io');
  const review = decodeReview(t, body, decode);
  const spec = (isRecord(review.spec) ? review.spec : {}) as SelfSubjectRulesReview['spec'];
  if (!spec.namespace) throw reviewInvalid('SelfSubjectRulesReview', [required('spec.namespace')]);
  const { role } = requester;

  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  // A role that may do anything to a resource nobody scoped may do anything at all.
  if (canVerb(role, '*', '*')) {
    resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
  } else {
    const granted = new Map(grantedVerbs(role).map((g) => [g.resource, g.verbs]));
    for (const type of allTypes()) {
      const resource = rbacResource(type);
      if (!granted.has(resource))
        granted.set(
          resource,
          ALL_VERBS.filter((v) => can(role, v, resource)),
        );
    }
    const rules = new Map<string, ResourceRule>();
    for (const [resource, verbs] of granted) {
      if (!verbs.length) continue;
      const group = groupOf(resource);
      const key = `${group}\0${verbs.join(',')}`;
      let rule = rules.get(key);
      if (!rule) rules.set(key, (rule = { verbs: [...verbs], apiGroups: [group], resources: [] }));
      for (const r of withSubresources(resource)) if (!rule.resources?.includes(r)) rule.resources?.push(r);
    }
    resourceRules.push(...rules.values());
    for (const { urls, resource } of NON_RESOURCE_PATHS) {
      // HEAD is decided as GET: listing it too would only double every rule.
      const verbs = Object.keys(HTTP_VERBS).filter((v) => v !== 'head' && can(role, HTTP_VERBS[v], resource));
      if (verbs.length) nonResourceRules.push({ verbs, nonResourceURLs: urls });
    }
  }
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec,
    status: { resourceRules, nonResourceRules, incomplete: false },
  };
}

function reviewInvalid(kind: string, causes: StatusCause[]) {
  const error = invalid(kind, undefined, causes);
  if (error.details) error.details.group = 'authorization.k8s.io';
  return error;
}
