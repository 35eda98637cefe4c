// Authorization in one place. Roles are ordered: viewer < operator < admin.
//   viewer:   read everything except admin-only resources
//   operator: viewer + write workloads, and manage their own API tokens
//   admin:    everything, including users, everyone's tokens, nodes, metrics

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const READ_VERBS = ['get', 'list', 'watch'] as const;
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type Verb = (typeof READ_VERBS)[number] | (typeof WRITE_VERBS)[number];

/** Which role may write a resource, and whether reading it needs admin. */
type Scope = 'workload' | 'cluster' | 'admin' | 'self';

const SCOPES: Record<string, Scope> = {
  namespaces: 'workload',
  pods: 'workload',
  deployments: 'workload',
  replicasets: 'workload',
  services: 'workload',
  endpoints: 'workload',
  events: 'workload',
  configmaps: 'workload',
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
  tokens: 'self',
  whoami: 'self',
};

export type Resource = keyof typeof SCOPES | (string & {});

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
  if (scope === 'self') return isRead(verb) || role === 'operator';
  if (isRead(verb)) return true;
  return scope === 'workload' && role === 'operator';
}
