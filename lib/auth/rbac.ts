// The built-in roles, as EntroOS has always defined them. Roles are ordered: viewer < operator < admin.
//   viewer:   read everything except admin-only resources and Secrets
//   operator: viewer + write workloads, and manage their own API tokens; read and write Secrets
//   admin:    everything, including users, everyone's tokens, nodes, metrics
// Everyone may ask what they themselves may do (access and rules reviews).
// Requests are not decided here: lib/auth/authorizer.ts evaluates Kubernetes RBAC, and these roles reach it as the
// ClusterRoles entroos:viewer, entroos:operator and entroos:admin, whose rules lib/auth/builtin-roles.ts derives
// from `can` (a user with role R is implicitly bound to entroos:R cluster-wide).

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const READ_VERBS = ['get', 'list', 'watch'] as const;
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type Verb = (typeof READ_VERBS)[number] | (typeof WRITE_VERBS)[number];

/** Which role may write a resource, and whether reading it needs admin. */
export type Scope = 'workload' | 'cluster' | 'admin' | 'self' | 'review' | 'secret';

const SCOPES: Record<string, Scope> = {
  namespaces: 'workload',
  pods: 'workload',
  deployments: 'workload',
  replicasets: 'workload',
  services: 'workload',
  endpoints: 'workload',
  events: 'workload',
  configmaps: 'workload',
  // Reading a Secret is reading its values: viewers may not even list them.
  secrets: 'secret',
  serviceaccounts: 'workload',
  statefulsets: 'workload',
  daemonsets: 'workload',
  controllerrevisions: 'workload',
  jobs: 'workload',
  cronjobs: 'workload',
  poddisruptionbudgets: 'workload',
  horizontalpodautoscalers: 'workload',
  nodes: 'cluster',
  leases: 'cluster',
  scheduler: 'cluster',
  priorityclasses: 'cluster',
  customresourcedefinitions: 'cluster',
  proofs: 'cluster',
  images: 'cluster',
  chaos: 'admin',
  users: 'admin',
  metrics: 'admin',
  settings: 'admin',
  // The audit trail: who did what, from where (admins only).
  audit: 'admin',
  // Backups hold every Secret (sealed) and the password hashes; a restore rewrites the whole cluster.
  backups: 'admin',
  restores: 'admin',
  // The conversion app's stored files and uploads (no kind of their own: the routes authorize them as this).
  'files.convert.entroos.io': 'workload',
  tokens: 'self',
  whoami: 'self',
  // The GraphQL endpoint: every signed-in identity may call it; each field is then authorized as its REST request.
  graphql: 'self',
  selfsubjectaccessreviews: 'review',
  selfsubjectrulesreviews: 'review',
};

export type Resource = keyof typeof SCOPES | (string & {});

/** The resources given a scope here: the Kubernetes kinds EntroOS knew when they were written, and its own (users…). */
export const SCOPED_RESOURCES: readonly string[] = Object.keys(SCOPES);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const isRead = (verb: Verb) => (READ_VERBS as readonly string[]).includes(verb);

/**
 * Whether `role` may perform `verb` on `resource`. Custom resources, named plural.group (the API handler's
 * rbacResource), are workloads; other unknown resources are treated as admin-only.
 */
export function can(role: Role, verb: Verb, resource: Resource): boolean {
  if (role === 'admin') return true;
  const scope = SCOPES[resource] ?? (resource.includes('.') ? 'workload' : 'admin');
  if (scope === 'admin') return false;
  if (scope === 'review') return verb === 'create';
  if (scope === 'self') return isRead(verb) || role === 'operator';
  if (scope === 'secret') return role === 'operator';
  if (isRead(verb)) return true;
  return scope === 'workload' && role === 'operator';
}

export const ALL_VERBS: readonly Verb[] = [...READ_VERBS, ...WRITE_VERBS];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` grants at least what `other` grants (roles are ordered). */
export const roleCovers = (role: Role, other: Role) => RANK[role] >= RANK[other];

/** The resources with a scope, and the verbs `role` has on each: what a rules review lists. */
export function grantedVerbs(role: Role): { resource: string; verbs: Verb[] }[] {
  return Object.keys(SCOPES).map((resource) => ({
    resource,
    verbs: ALL_VERBS.filter((v) => can(role, v, resource)),
  }));
}
