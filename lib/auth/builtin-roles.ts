import type { ClusterRole, ClusterRoleBinding, PolicyRule } from '../apimachinery/generated/kinds.ts';
import {
  allTypes,
  rbacResource,
  RESOURCE_TYPES,
  typesGeneration,
  type ResourceType,
} from '../apimachinery/registry.ts';
import { ALL_VERBS, can, ROLES, SCOPED_RESOURCES, type Role } from './rbac.ts';

// The bootstrap ClusterRoles, like kube-apiserver's bootstrap policy: EntroOS's three roles as entroos:viewer,
// entroos:operator and entroos:admin, whose rules are derived from `can` (so they grant exactly what the roles
// always granted), and the upstream-style cluster-admin, admin, edit and view for RoleBindings. Their rules depend
// on the types served (a custom resource is a workload), so they are computed per registry generation.

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** EntroOS's own resources (users, tokens, the scheduler…) are authorized in this API group. */
export const ENTROOS_GROUP = 'entroos.io';
export const METRICS_GROUP = 'metrics.k8s.io';
/** As upstream: "true" lets the reconciler at startup add the built-in rules back; "false" leaves the role alone. */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

/** The ClusterRole a user or service account with an EntroOS role is implicitly bound to, cluster-wide. */
export const builtinRoleName = (role: Role) => `entroos:${role}`;

/**
 * Scraping /metrics and nothing else: for Prometheus, bound to a service account whose `entroos.io/role` is `none`
 * (so no built-in role adds reads of objects), as docs/deployment.md shows.
 */
export const METRICS_READER_ROLE = 'entroos:metrics-reader';
export const METRICS_URL = '/metrics';

/** Discovery, OpenAPI, version and health: what every authenticated identity may read (upstream's system:discovery). */
export const DISCOVERY_URLS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/openapi',
  '/openapi/*',
  '/version',
  '/healthz',
  '/livez',
  '/readyz',
];

const ALL_RULES: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** Subresources that run something in a pod: only ever created, so a read-only role (upstream's view) leaves them out. */
const RUNS_IN_POD = new Set(['exec', 'attach', 'portforward']);

/** Every resource name a rule with `verbs` must list to cover a type and its subresources (`pods`, `pods/log`…). */
function resourceNamesOf(t: ResourceType, verbs: readonly string[]): string[] {
  const extra = t.plural === 'namespaces' ? ['finalize'] : [];
  const subresources = [...t.subresources, ...extra].filter((s) => !RUNS_IN_POD.has(s) || verbs.includes('create'));
  return [t.plural, ...subresources.map((s) => `${t.plural}/${s}`)];
}

type Filter = (t: ResourceType | undefined) => boolean;

/**
 * The rules `can` amounts to for `role`, one rule per API group and set of verbs, over `types` (the types served
 * now, custom resources included; or the built-ins alone, for the stored copies of the roles).
 */
function derivedRules(role: Role, include: Filter, nonResource: boolean, types: readonly ResourceType[]): PolicyRule[] {
  if (role === 'admin') return ALL_RULES;
  const rules = new Map<string, PolicyRule>();
  const add = (group: string, resources: string[], verbs: readonly string[]) => {
    if (!verbs.length) return;
    const key = `${group}\0${verbs.join(',')}`;
    let rule = rules.get(key);
    if (!rule) rules.set(key, (rule = { verbs: [...verbs], apiGroups: [group], resources: [] }));
    for (const r of resources) if (!rule.resources?.includes(r)) rule.resources?.push(r);
  };
  const known = new Set<string>();
  for (const t of types) {
    known.add(t.plural);
    if (!include(t)) continue;
    const verbs = ALL_VERBS.filter((v) => can(role, v, rbacResource(t)));
    add(t.group, resourceNamesOf(t, verbs), verbs);
  }
  // metrics.k8s.io (`kubectl top`) is read as its pods and nodes are.
  for (const plural of ['pods', 'nodes']) {
    const t = RESOURCE_TYPES.find((x) => x.group === '' && x.plural === plural);
    if (include(t))
      add(
        METRICS_GROUP,
        [plural],
        ['get', 'list', 'watch'].filter((v) => can(role, v as 'get', plural)),
      );
  }
  // EntroOS's own resources (users, tokens, proofs…), served under /apis/entroos.io; one named plural.group
  // (an application's files) in its own group.
  if (include(undefined))
    for (const resource of SCOPED_RESOURCES) {
      if (known.has(resource)) continue;
      const dot = resource.indexOf('.');
      add(
        dot < 0 ? ENTROOS_GROUP : resource.slice(dot + 1),
        [dot < 0 ? resource : resource.slice(0, dot)],
        ALL_VERBS.filter((v) => can(role, v, resource)),
      );
    }
  const out = [...rules.values()];
  if (nonResource && can(role, 'get', 'whoami')) out.push({ verbs: ['get'], nonResourceURLs: DISCOVERY_URLS });
  return out;
}

const everything: Filter = () => true;
/** upstream's view/edit/admin are for namespaces: namespaced kinds only (a custom resource counts by its scope). */
const namespacedOnly: Filter = (t) => !!t?.namespaced;

const RBAC_OBJECTS_RULE: PolicyRule = {
  verbs: [...ALL_VERBS],
  apiGroups: [RBAC_GROUP],
  resources: ['roles', 'rolebindings'],
};

/**
 * The conversion app's stored files live outside namespaces but are shared through the namespaces whose objects
 * name them (lib/apps/convert/file-access.ts): reading them there comes with reading the namespace.
 */
const SHARED_FILES_RULE: PolicyRule = { verbs: ['get'], apiGroups: ['convert.entroos.io'], resources: ['files'] };

type Types = readonly ResourceType[];

const DEFINITIONS: Record<string, { describe: string; rules: (types: Types) => PolicyRule[] }> = {
  ...Object.fromEntries(
    ROLES.map((role) => [
      builtinRoleName(role),
      {
        describe: `EntroOS's ${role} role: every user and service account with role "${role}" is bound to it cluster-wide`,
        rules: (types: Types) => derivedRules(role, everything, true, types),
      },
    ]),
  ),
  // Upstream's, bound to every authenticated identity: asking what one may do, and reading discovery.
  'system:basic-user': {
    describe: 'Asking what one may do (access and rules reviews); bound to system:authenticated.',
    rules: () => [
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      },
    ],
  },
  'system:discovery': {
    describe: 'Discovery, OpenAPI, version and health; bound to system:authenticated.',
    rules: () => [{ verbs: ['get'], nonResourceURLs: DISCOVERY_URLS }],
  },
  [METRICS_READER_ROLE]: {
    describe: 'Reading /metrics and nothing else: for the account Prometheus scrapes with (docs/deployment.md).',
    rules: () => [{ verbs: ['get'], nonResourceURLs: [METRICS_URL] }],
  },
  'cluster-admin': { describe: 'Everything, everywhere (as Kubernetes).', rules: () => ALL_RULES },
  admin: {
    describe: 'For a RoleBinding: everything edit allows in the namespace, plus its Roles and RoleBindings.',
    rules: (types) => [...derivedRules('operator', namespacedOnly, false, types), SHARED_FILES_RULE, RBAC_OBJECTS_RULE],
  },
  edit: {
    describe: "For a RoleBinding: create, change and delete the namespace's workloads, config and Secrets.",
    rules: (types) => [...derivedRules('operator', namespacedOnly, false, types), SHARED_FILES_RULE],
  },
  view: {
    describe: "For a RoleBinding: read the namespace's objects, except Secrets, and the files they name.",
    rules: (types) => [...derivedRules('viewer', namespacedOnly, false, types), SHARED_FILES_RULE],
  },
};

export const BOOTSTRAP_ROLE_NAMES: readonly string[] = Object.keys(DEFINITIONS);

let cache: { generation: number; rules: Map<string, PolicyRule[]> } | undefined;

/** The built-in rules of a bootstrap ClusterRole (undefined for any other name), for the types served now. */
export function bootstrapRules(name: string): readonly PolicyRule[] | undefined {
  const definition = Object.hasOwn(DEFINITIONS, name) ? DEFINITIONS[name] : undefined;
  if (!definition) return undefined;
  const generation = typesGeneration();
  if (cache?.generation !== generation) cache = { generation, rules: new Map() };
  let rules = cache.rules.get(name);
  if (!rules) cache.rules.set(name, (rules = definition.rules(allTypes())));
  return rules;
}

/**
 * The bootstrap ClusterRoles as objects, for the reconciler at startup: their rules over the built-in types only,
 * so the stored copies do not change with the custom resources of the moment (the authorizer adds those).
 */
export function bootstrapClusterRoles(): ClusterRole[] {
  return BOOTSTRAP_ROLE_NAMES.map((name) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { [BOOTSTRAP_LABEL]: 'rbac-defaults' },
      annotations: { [AUTOUPDATE_ANNOTATION]: 'true', 'entroos.io/description': DEFINITIONS[name].describe },
    },
    rules: structuredClone(DEFINITIONS[name].rules(RESOURCE_TYPES)),
  }));
}

export const AUTHENTICATED_GROUP = 'system:authenticated';

/**
 * The bootstrap ClusterRoleBindings: every authenticated identity may ask what it may do and read discovery. The
 * authorizer applies them whether or not they are stored (like the implicit binding of each EntroOS role).
 */
export const BOOTSTRAP_BINDINGS: readonly { name: string; group: string }[] = [
  { name: 'system:basic-user', group: AUTHENTICATED_GROUP },
  { name: 'system:discovery', group: AUTHENTICATED_GROUP },
];

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return BOOTSTRAP_BINDINGS.map(({ name, group }) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name,
      labels: { [BOOTSTRAP_LABEL]: 'rbac-defaults' },
      annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: [{ kind: 'Group', apiGroup: RBAC_GROUP, name: group }],
  }));
}
