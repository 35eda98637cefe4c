import { invalid, type StatusCause } from '../../apimachinery/errors.ts';
import type {
  NonResourceRule,
  ResourceRule,
  SelfSubjectAccessReview,
  SelfSubjectRulesReview,
  SubjectAccessReviewStatus,
} from '../../apimachinery/generated/kinds.ts';
import { allTypes, typeByKey, type ResourceType } from '../../apimachinery/registry.ts';
import type { Principal } from '../../auth/principal.ts';
import { subjectOf, type Authorizer } from '../../auth/authorizer.ts';
import type { RequestAttributes } from '../../auth/policy-rules.ts';
import { decodeBuiltin, type DecodeOptions } from '../decode.ts';

// authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview: "may I?" and "what may I?", answered
// for whoever asks (or whom they impersonate: `kubectl auth can-i --as=alice`) by the one RBAC authorizer, in the
// namespace asked about, never stored.

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

/** POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews: whether the requester may do what the spec asks. */
export function reviewAccess(
  authorizer: Authorizer,
  requester: Principal,
  body: unknown,
  decode: DecodeOptions,
): SelfSubjectAccessReview {
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

  const subject = subjectOf(requester);
  let requests: RequestAttributes[];
  if (ra) {
    const base = {
      apiGroup: str(ra.group),
      resource: str(ra.resource),
      ...(ra.subresource ? { subresource: ra.subresource } : {}),
      ...(ra.namespace ? { namespace: ra.namespace } : {}),
      ...(ra.name ? { name: ra.name } : {}),
    };
    // EntroOS reads "may I do everything to it?" (verb "*") as every verb the resource serves, each allowed.
    const verbs = ra.verb === '*' ? servedVerbs(base.apiGroup, base.resource) : undefined;
    requests = (verbs ?? [str(ra.verb)]).map((verb) => ({ verb, ...base }));
  } else requests = [{ verb: str(nra?.verb).toLowerCase(), path: str(nra?.path) }];
  const decisions = requests.map((request) => authorizer.authorize(subject, request));
  const denied = decisions.find((d) => !d.allowed);
  const status: SubjectAccessReviewStatus = denied
    ? { allowed: false, denied: true, reason: denied.reason }
    : { allowed: true, reason: decisions[0].reason };
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec,
    status,
  };
}

/** The verbs a served resource has ("*" when the resource is not one this server serves). */
function servedVerbs(group: string, resource: string): string[] | undefined {
  const t = allTypes().find((r) => r.group === group && r.plural === resource);
  return t?.verbs;
}

/**
 * POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews: every rule that applies to the requester in the
 * namespace asked about: their cluster-wide bindings (the implicit one of their EntroOS role included) and the
 * RoleBindings there.
 */
export function reviewRules(
  authorizer: Authorizer,
  requester: Principal,
  body: unknown,
  decode: DecodeOptions,
): SelfSubjectRulesReview {
  const t = typeByKey('selfsubjectrulesreviews.authorization.k8s.io');
  const review = decodeReview(t, body, decode);
  const spec = (isRecord(review.spec) ? review.spec : {}) as SelfSubjectRulesReview['spec'];
  if (!spec.namespace) throw reviewInvalid('SelfSubjectRulesReview', [required('spec.namespace')]);
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const rule of authorizer.rulesFor(subjectOf(requester), spec.namespace)) {
    if (rule.nonResourceURLs?.length)
      nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
    else
      resourceRules.push({
        verbs: rule.verbs,
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources ?? [],
        ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
      });
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
