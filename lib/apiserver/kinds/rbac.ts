import { forbidden, type StatusCause } from '../../apimachinery/errors.ts';
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from '../../apimachinery/generated/kinds.ts';
import type { KubeObject, ObjectView } from '../../apimachinery/object.ts';
import { jsonEqual } from '../../apimachinery/patch.ts';
import type { ResourceType } from '../../apimachinery/registry.ts';
import { subjectOf, type Authorizer } from '../../auth/authorizer.ts';
import { RBAC_GROUP } from '../../auth/builtin-roles.ts';
import type { Principal } from '../../auth/principal.ts';
import { nameColumn, ageColumn, type Column } from '../columns.ts';

// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding: defaults, validation and
// columns as kube-apiserver has them, and its escalation check — nobody grants, through a role or a binding,
// permissions they do not hold themselves (unless allowed to `escalate` or `bind`). The authorizer that reads
// these objects is lib/auth/authorizer.ts.

type Unchecked = Record<string, unknown> | null | undefined;
const unchecked = (value: unknown) => value as Unchecked;

const required = (field: string, message = 'Required value'): StatusCause => ({
  reason: 'FieldValueRequired',
  message,
  field,
});
const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}`,
  field,
});
const invalidValue = (field: string, value: string, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${value}: ${message}`,
  field,
});

const BINDING_KINDS = new Set(['RoleBinding', 'ClusterRoleBinding']);
export const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** apimachinery's IsValidPathSegmentName: what RBAC object and role names must be (`system:…` is fine). */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  if (name.includes('/')) errs.push("may not contain '/'");
  if (name.includes('%')) errs.push("may not contain '%'");
  return errs;
}

/** rbac/v1 defaulting: a binding's roleRef and its User and Group subjects are in the RBAC group. */
export function defaultRbacObject(kind: string, obj: Record<string, unknown>) {
  if (!BINDING_KINDS.has(kind)) return;
  const roleRef = unchecked(obj.roleRef);
  if (roleRef && typeof roleRef === 'object' && !roleRef.apiGroup) roleRef.apiGroup = RBAC_GROUP;
  if (!Array.isArray(obj.subjects)) return;
  for (const s of obj.subjects as unknown[]) {
    const subject = unchecked(s);
    if (!subject || typeof subject !== 'object' || subject.apiGroup) continue;
    if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? (value as unknown[]).map(String) : []);
const goList = (values: string[]) => `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;

/** rbac validation's ValidatePolicyRule. */
function validateRule(rule: Unchecked, field: string, namespaced: boolean, causes: StatusCause[]) {
  const verbs = strings(rule?.verbs);
  const urls = strings(rule?.nonResourceURLs);
  const groups = strings(rule?.apiGroups);
  const resources = strings(rule?.resources);
  if (!verbs.length) causes.push(required(`${field}.verbs`, 'Required value: verbs must contain at least one value'));
  if (urls.length) {
    if (namespaced)
      causes.push(
        invalidValue(`${field}.nonResourceURLs`, goList(urls), 'namespaced rules cannot apply to non-resource URLs'),
      );
    if (groups.length || resources.length || strings(rule?.resourceNames).length)
      causes.push(
        invalidValue(
          `${field}.nonResourceURLs`,
          goList(urls),
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    return;
  }
  if (!groups.length)
    causes.push(required(`${field}.apiGroups`, 'Required value: resource rules must supply at least one api group'));
  if (!resources.length)
    causes.push(required(`${field}.resources`, 'Required value: resource rules must supply at least one resource'));
}

function validateSubject(subject: Unchecked, field: string, namespaced: boolean, causes: StatusCause[]) {
  const name = typeof subject?.name === 'string' ? subject.name : '';
  const apiGroup = typeof subject?.apiGroup === 'string' ? subject.apiGroup : '';
  if (!name) causes.push(required(`${field}.name`));
  switch (subject?.kind) {
    case 'ServiceAccount':
      if (name && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name))
        causes.push(
          invalidValue(
            `${field}.name`,
            JSON.stringify(name),
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
          ),
        );
      if (apiGroup) causes.push(notSupported(`${field}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !subject.namespace) causes.push(required(`${field}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) causes.push(notSupported(`${field}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      causes.push(notSupported(`${field}.kind`, subject?.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
}

/** How kube-apiserver prints a RoleRef in "cannot change roleRef" (Go's %#v of rbac.RoleRef). */
const goRoleRef = (ref: Unchecked) =>
  `rbac.RoleRef{APIGroup:${JSON.stringify(ref?.apiGroup ?? '')}, Kind:${JSON.stringify(ref?.kind ?? '')}, Name:${JSON.stringify(ref?.name ?? '')}}`;

/** rbac validation: rules (and a ClusterRole's aggregationRule), or a binding's roleRef and subjects; roleRef is immutable. */
export function validateRbacObject(kind: string, obj: unknown, old: unknown, causes: StatusCause[]) {
  const o = unchecked(obj);
  if (kind === 'Role' || kind === 'ClusterRole') {
    const rules = o?.rules;
    if (Array.isArray(rules))
      rules.forEach((r: unknown, i) => validateRule(unchecked(r), `rules[${i}]`, kind === 'Role', causes));
    const aggregation = unchecked(o?.aggregationRule);
    if (kind === 'ClusterRole' && aggregation && !strings(aggregation.clusterRoleSelectors).length)
      causes.push(
        required(
          'aggregationRule.clusterRoleSelectors',
          'Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
        ),
      );
    return;
  }
  if (!BINDING_KINDS.has(kind)) return;
  const ref = unchecked(o?.roleRef);
  if (!ref || typeof ref !== 'object') causes.push(required('roleRef'));
  else {
    if (ref.apiGroup !== RBAC_GROUP) causes.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
    const kinds = kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
    if (!kinds.includes(String(ref.kind))) causes.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
    if (typeof ref.name !== 'string' || !ref.name) causes.push(required('roleRef.name'));
    else
      for (const message of pathSegmentNameErrors(ref.name))
        causes.push(invalidValue('roleRef.name', JSON.stringify(ref.name), message));
  }
  if (Array.isArray(o?.subjects))
    (o.subjects as unknown[]).forEach((s, i) =>
      validateSubject(unchecked(s), `subjects[${i}]`, kind === 'RoleBinding', causes),
    );
  const oldRef = unchecked(unchecked(old)?.roleRef);
  if (old !== undefined && ref && oldRef && !jsonEqual(normalRef(ref), normalRef(oldRef)))
    causes.push(invalidValue('roleRef', goRoleRef(ref), 'cannot change roleRef'));
}

const normalRef = (ref: Unchecked) => ({ apiGroup: ref?.apiGroup ?? '', kind: ref?.kind ?? '', name: ref?.name ?? '' });

// ---------------------------------------------------------------------------------------------------------------
// Columns, as kubectl 1.32 prints them
// ---------------------------------------------------------------------------------------------------------------

const createdAt: Column<ObjectView<Role>> = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o) => o.metadata.creationTimestamp ?? '',
};

/** rbac.SubjectsStrings: users, groups and service accounts (namespace/name) of a binding. */
function subjectsOf(subjects: Subject[] | undefined, kind: string): string {
  return (subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

const bindingColumns: Column<ObjectView<RoleBinding | ClusterRoleBinding>>[] = [
  nameColumn,
  {
    name: 'Role',
    type: 'string',
    description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
    priority: 0,
    cell: (o) => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`,
  },
  ageColumn,
  ...(
    [
      ['Users', 'User'],
      ['Groups', 'Group'],
      ['ServiceAccounts', 'ServiceAccount'],
    ] as const
  ).map(([name, kind]): Column<ObjectView<RoleBinding>> => ({
    name,
    type: 'string',
    description: `${name} in the roleBinding`,
    priority: 1,
    cell: (o) => subjectsOf(o.subjects, kind),
  })),
];

export const RBAC_COLUMNS: Record<string, Column[]> = {
  'roles.rbac.authorization.k8s.io': [nameColumn, createdAt] as Column[],
  'clusterroles.rbac.authorization.k8s.io': [nameColumn, createdAt] as Column[],
  'rolebindings.rbac.authorization.k8s.io': bindingColumns as Column[],
  'clusterrolebindings.rbac.authorization.k8s.io': bindingColumns as Column[],
};

// ---------------------------------------------------------------------------------------------------------------
// Escalation prevention
// ---------------------------------------------------------------------------------------------------------------

type Admission = (t: ResourceType, next: KubeObject, live: KubeObject | undefined) => void;

const printRule = (r: PolicyRule) =>
  `{${[
    r.apiGroups ? `APIGroups:${JSON.stringify(r.apiGroups)}` : '',
    r.resources ? `Resources:${JSON.stringify(r.resources)}` : '',
    r.resourceNames?.length ? `ResourceNames:${JSON.stringify(r.resourceNames)}` : '',
    r.nonResourceURLs?.length ? `NonResourceURLs:${JSON.stringify(r.nonResourceURLs)}` : '',
    `Verbs:${JSON.stringify(r.verbs)}`,
  ]
    .filter(Boolean)
    .join(', ')}}`;

/**
 * Admission for RBAC writes on behalf of `requester` (after `inner`): like kube-apiserver, a Role or ClusterRole
 * may only hold rules the requester holds where it applies (or the requester may `escalate` it), and a binding
 * may only name a role whose rules the requester holds there (or the requester may `bind` it). An aggregationRule
 * gathers rules from roles yet to come: it needs every permission.
 */
export function rbacAdmission(authorizer: Authorizer, requester: Principal, inner: Admission): Admission {
  return (t, next, live) => {
    inner(t, next, live);
    if (t.group !== RBAC_GROUP) return;
    const subject = subjectOf(requester);
    const namespace = t.namespaced ? next.metadata.namespace : undefined;
    const name = next.metadata.name;
    const may = (verb: string, resource: string, roleName: string) =>
      authorizer.authorize(subject, { verb, apiGroup: RBAC_GROUP, resource, namespace, name: roleName }).allowed;
    let wanted: readonly PolicyRule[] = [];
    if (t.kind === 'Role' || t.kind === 'ClusterRole') {
      const role = next as ObjectView<ClusterRole>;
      const previous = live as ObjectView<ClusterRole> | undefined;
      if (
        previous &&
        jsonEqual(role.rules ?? [], previous.rules ?? []) &&
        jsonEqual(role.aggregationRule, previous.aggregationRule)
      )
        return;
      if (may('escalate', t.plural, name)) return;
      wanted = role.aggregationRule
        ? [
            { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
            { verbs: ['*'], nonResourceURLs: ['*'] },
          ]
        : (role.rules ?? []);
    } else {
      const binding = next as ObjectView<RoleBinding>;
      const previous = live as ObjectView<RoleBinding> | undefined;
      if (previous && jsonEqual(binding.subjects ?? [], previous.subjects ?? [])) return;
      const ref = binding.roleRef;
      if (!ref) return;
      if (may('bind', ref.kind === 'Role' ? 'roles' : 'clusterroles', ref.name)) return;
      const rules = authorizer.roleRules(ref, namespace);
      if (!rules)
        throw forbidden(
          `${t.key} "${name}" is forbidden: ${ref.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io "${ref.name}" not found, so the binding cannot be checked against the permissions of user "${requester.username}"`,
        );
      wanted = rules;
    }
    const missing = authorizer.uncovered(subject, namespace, wanted);
    if (!missing.length) return;
    throw forbidden(
      `${t.key} "${name}" is forbidden: user "${requester.username}" (groups=${JSON.stringify(subject.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(printRule).join('\n')}`,
    );
  };
}
