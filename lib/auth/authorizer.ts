import type {
  AggregationRule,
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role as RbacRole,
  RoleBinding,
  Subject,
} from '../apimachinery/generated/kinds.ts';
import type { KubeObject, Stored } from '../apimachinery/object.ts';
import { selectorFromObject } from '../apimachinery/selectors.ts';
import { typesGeneration } from '../apimachinery/registry.ts';
import { AUTOUPDATE_ANNOTATION, BOOTSTRAP_BINDINGS, bootstrapRules, builtinRoleName } from './builtin-roles.ts';
import { describeRequest, isResourceRequest, ruleAllows, type RequestAttributes } from './policy-rules.ts';
import type { Principal } from './principal.ts';
import type { Role } from './rbac.ts';

// The one authorizer: Kubernetes RBAC over the Role, ClusterRole, RoleBinding and ClusterRoleBinding objects in
// the watch cache, plus each identity's EntroOS role as an implicit ClusterRoleBinding to entroos:<role>. Every
// path asks it: withAuth/guard, the Kubernetes API (REST and watch), socket subscriptions, access reviews and the
// dashboard. A request is allowed when any rule of any role bound to the user, one of their groups or (for a
// service account) the account allows it: ClusterRoleBindings everywhere, RoleBindings only in their namespace.
// Nothing denies: rules only add.
//
// It is on the path of every request, so the bindings are indexed by subject once (rebuilt when an RBAC object
// changes, or the served types do), and each identity's grants are cached until then.

/** Who is asking, as RBAC sees them. */
export interface RbacSubject {
  user: string;
  groups: readonly string[];
  /** The EntroOS role: an implicit cluster-wide binding to entroos:<role>. Absent for identities EntroOS does not know. */
  role?: Role;
}

export interface Decision {
  allowed: boolean;
  /** Which binding and role allowed it, or why nothing did (for messages and the audit trail). */
  reason: string;
}

/** What the authorizer reads: the watch cache (lib/store), or anything shaped like it. */
export interface RbacObjectSource {
  list(resource: string): { items: KubeObject[] };
  watch(filter: { resource?: string }, fromResourceVersion: number, fn: () => void): () => void;
  readonly committedResourceVersion: number;
}

/** Store keys of the four RBAC resources. */
export const RBAC_KEYS = {
  roles: 'roles.rbac.authorization.k8s.io',
  roleBindings: 'rolebindings.rbac.authorization.k8s.io',
  clusterRoles: 'clusterroles.rbac.authorization.k8s.io',
  clusterRoleBindings: 'clusterrolebindings.rbac.authorization.k8s.io',
} as const;

export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';

/** Rules and the binding that grants them, for the reason of a decision. */
interface Grant {
  rules: readonly PolicyRule[];
  via: string;
}

interface SubjectGrants {
  cluster: Grant[];
  namespaces: Map<string, Grant[]>;
  /** Bindings naming a role that does not exist (upstream reports them in the reason of a denial). */
  missing: string[];
}

type Binding = Stored<RoleBinding> | Stored<ClusterRoleBinding>;

const MAX_CACHED_SUBJECTS = 10_000;
const BOOTSTRAP_NAMES = new Set(BOOTSTRAP_BINDINGS.map((b) => b.name));

/** The RBAC subject of an authenticated principal: service accounts carry their groups, users are authenticated. */
export function subjectOf(principal: Principal): RbacSubject {
  // Authentication hands out the same principal object while it is cached: so does this (see grantsOf).
  let subject = SUBJECTS.get(principal);
  if (!subject) {
    subject = {
      user: principal.username,
      groups: principal.groups ?? ['system:authenticated'],
      role: principal.unbound ? undefined : principal.role,
    };
    SUBJECTS.set(principal, subject);
  }
  return subject;
}

const SUBJECTS = new WeakMap<Principal, RbacSubject>();

/** A subject's index keys: RBAC matches Users by name and Groups by membership. */
const userKey = (name: string) => `User\0${name}`;
const groupKey = (name: string) => `Group\0${name}`;

/** The index key a binding's subject matches, or undefined when it can match nobody. */
function subjectKey(subject: Subject, bindingNamespace: string | undefined): string | undefined {
  switch (subject.kind) {
    case 'User':
      return userKey(subject.name);
    case 'Group':
      return groupKey(subject.name);
    case 'ServiceAccount': {
      // As upstream: a RoleBinding's account defaults to the binding's namespace.
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? userKey(`${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${subject.name}`) : undefined;
    }
    default:
      return undefined;
  }
}

class Index {
  readonly clusterRoles = new Map<string, Stored<ClusterRole>>();
  readonly roles = new Map<string, Stored<RbacRole>>();
  readonly clusterBindings = new Map<string, Stored<ClusterRoleBinding>[]>();
  readonly roleBindings = new Map<string, Map<string, Stored<RoleBinding>[]>>();
  private readonly effective = new Map<string, readonly PolicyRule[] | null>();

  constructor(source: RbacObjectSource) {
    for (const o of source.list(RBAC_KEYS.clusterRoles).items) this.clusterRoles.set(o.metadata.name, o as never);
    for (const o of source.list(RBAC_KEYS.roles).items)
      this.roles.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o as never);
    for (const o of source.list(RBAC_KEYS.clusterRoleBindings).items) {
      const binding = o as Stored<ClusterRoleBinding>;
      for (const key of this.keysOf(binding, undefined)) push(this.clusterBindings, key, binding);
    }
    for (const o of source.list(RBAC_KEYS.roleBindings).items) {
      const binding = o as Stored<RoleBinding>;
      const namespace = binding.metadata.namespace ?? '';
      let byKey = this.roleBindings.get(namespace);
      if (!byKey) this.roleBindings.set(namespace, (byKey = new Map()));
      for (const key of this.keysOf(binding, namespace)) push(byKey, key, binding);
    }
  }

  private keysOf(binding: Binding, namespace: string | undefined): Set<string> {
    const keys = new Set<string>();
    for (const s of binding.subjects ?? []) {
      const key = subjectKey(s, namespace);
      if (key) keys.add(key);
    }
    return keys;
  }

  /**
   * A ClusterRole's rules: its own, those of the ClusterRoles its aggregationRule selects (upstream's aggregation
   * controller writes them into the object; here they are read through), and for a bootstrap role whose
   * autoupdate is not "false", the built-in rules (so they hold even before the leader has stored the role).
   * null when there is no such ClusterRole.
   */
  clusterRoleRules(name: string): readonly PolicyRule[] | null {
    const cached = this.effective.get(name);
    if (cached !== undefined) return cached;
    const stored = this.clusterRoles.get(name);
    const builtin = bootstrapRules(name);
    let rules: readonly PolicyRule[] | null = null;
    if (stored || builtin) {
      const out: PolicyRule[] = [...(stored?.rules ?? [])];
      if (stored?.aggregationRule) out.push(...this.aggregated(name, stored.aggregationRule));
      const autoupdate = stored?.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== 'false';
      if (builtin && autoupdate) out.push(...builtin);
      rules = out;
    }
    this.effective.set(name, rules);
    return rules;
  }

  private aggregated(name: string, rule: AggregationRule): PolicyRule[] {
    const selectors = (rule.clusterRoleSelectors ?? []).map((s) => selectorFromObject(s));
    const out: PolicyRule[] = [];
    for (const role of this.clusterRoles.values()) {
      if (role.metadata.name === name) continue;
      const labels = role.metadata.labels as Record<string, string> | undefined;
      if (selectors.some((matches) => matches(labels))) out.push(...(role.rules ?? []));
    }
    return out;
  }
}

function push<V>(map: Map<string, V[]>, key: string, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class Authorizer {
  private index: Index | undefined;
  private generation = -1;
  private readonly subjects = new Map<string, SubjectGrants>();
  /** The same grants by subject object, valid while `version` is unchanged (a repeat caller skips the key). */
  private readonly bySubject = new WeakMap<RbacSubject, { version: number; grants: SubjectGrants }>();
  private version = 0;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly source: RbacObjectSource) {
    for (const resource of Object.values(RBAC_KEYS))
      this.stops.push(source.watch({ resource }, source.committedResourceVersion, () => this.invalidate()));
  }

  /** Forgets the index and every identity's grants: an RBAC object changed. */
  invalidate() {
    this.index = undefined;
    this.subjects.clear();
    this.version++;
  }

  stop() {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Whether `subject` may do what `request` asks, and which binding decided it. */
  authorize(subject: RbacSubject, request: RequestAttributes): Decision {
    // Plain loops, no closures: this runs for every request (and tsx wraps each function it creates).
    const grants = this.grantsOf(subject);
    let grant = allowing(grants.cluster, request);
    const namespace = isResourceRequest(request) ? request.namespace : undefined;
    if (!grant && namespace) grant = allowing(this.namespaceGrants(subject, grants, namespace), request);
    if (grant) return { allowed: true, reason: `RBAC: allowed by ${grant.via}` };
    const missing = grants.missing.length ? `; ${grants.missing.join('; ')}` : '';
    return {
      allowed: false,
      reason: `RBAC: no role bound to ${describeSubject(subject)} allows ${describeRequest(request)}${missing}`,
    };
  }

  /** Every rule that applies to `subject` in `namespace` (cluster-wide ones included): a rules review's answer. */
  rulesFor(subject: RbacSubject, namespace: string): PolicyRule[] {
    const grants = this.grantsOf(subject);
    const list = [...grants.cluster, ...(namespace ? this.namespaceGrants(subject, grants, namespace) : [])];
    const rules = list.flatMap((g) => g.rules);
    // Everything on everything makes every other rule of its kind redundant (an admin's review stays one line).
    const resourcesAll = rules.some(
      (r) => isAll(r.verbs) && isAll(r.apiGroups) && isAll(r.resources) && !r.resourceNames?.length,
    );
    const urlsAll = rules.some((r) => isAll(r.verbs) && isAll(r.nonResourceURLs));
    const seen = new Set<string>();
    return rules.filter((r) => {
      const nonResource = !!r.nonResourceURLs?.length;
      if (nonResource ? urlsAll && !isAll(r.nonResourceURLs) : resourcesAll && !isAll(r.resources)) return false;
      const key = JSON.stringify(r);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** The rules of `rules` that `subject` does not wholly hold in `namespace` (or cluster-wide): an escalation. */
  uncovered(subject: RbacSubject, namespace: string | undefined, rules: readonly PolicyRule[]): PolicyRule[] {
    const out: PolicyRule[] = [];
    for (const rule of rules) {
      for (const request of expand(rule, namespace))
        if (!this.authorize(subject, request).allowed) {
          out.push(rule);
          break;
        }
    }
    return out;
  }

  /** The rules of the role a binding names (a Role in `namespace`), or null when there is no such role. */
  roleRules(ref: { kind: string; name: string }, namespace?: string): readonly PolicyRule[] | null {
    const index = this.current();
    if (ref.kind === 'ClusterRole') return index.clusterRoleRules(ref.name);
    return index.roles.get(`${namespace ?? ''}/${ref.name}`)?.rules ?? null;
  }

  private current(): Index {
    const generation = typesGeneration();
    if (this.generation !== generation) {
      // The built-in roles' rules follow the served types (custom resources are workloads).
      this.generation = generation;
      this.invalidate();
    }
    this.index ??= new Index(this.source);
    return this.index;
  }

  private grantsOf(subject: RbacSubject): SubjectGrants {
    const index = this.current();
    const known = this.bySubject.get(subject);
    if (known?.version === this.version) return known.grants;
    let key = `${subject.role ?? ''}\0${subject.user}`;
    for (const g of subject.groups) key += `\0${g}`;
    const hit = this.subjects.get(key);
    if (hit) {
      this.bySubject.set(subject, { version: this.version, grants: hit });
      return hit;
    }
    const grants: SubjectGrants = { cluster: [], namespaces: new Map(), missing: [] };
    if (subject.role) {
      const name = builtinRoleName(subject.role);
      grants.cluster.push({
        rules: index.clusterRoleRules(name) ?? [],
        via: `the implicit ClusterRoleBinding of role "${subject.role}" to ClusterRole "${name}"`,
      });
    }
    for (const bootstrap of BOOTSTRAP_BINDINGS)
      if (subject.groups.includes(bootstrap.group))
        grants.cluster.push({
          rules: index.clusterRoleRules(bootstrap.name) ?? [],
          via: `ClusterRoleBinding "${bootstrap.name}" of ClusterRole "${bootstrap.name}"`,
        });
    for (const key of subjectKeys(subject))
      for (const binding of index.clusterBindings.get(key) ?? []) {
        // The bootstrap bindings hold whether stored or not (above).
        if (BOOTSTRAP_NAMES.has(binding.metadata.name)) continue;
        const ref = binding.roleRef;
        // A ClusterRoleBinding can only name a ClusterRole (validation refuses Role).
        const rules = ref?.kind === 'ClusterRole' ? index.clusterRoleRules(ref.name) : null;
        const via = `ClusterRoleBinding "${binding.metadata.name}" of ClusterRole "${ref?.name ?? ''}"`;
        if (rules) grants.cluster.push({ rules, via });
        else grants.missing.push(`${via}: clusterrole.rbac.authorization.k8s.io "${ref?.name ?? ''}" not found`);
      }
    if (this.subjects.size >= MAX_CACHED_SUBJECTS) this.subjects.clear();
    this.subjects.set(key, grants);
    this.bySubject.set(subject, { version: this.version, grants });
    return grants;
  }

  private namespaceGrants(subject: RbacSubject, grants: SubjectGrants, namespace: string): Grant[] {
    const hit = grants.namespaces.get(namespace);
    if (hit) return hit;
    const index = this.current();
    const list: Grant[] = [];
    const byKey = index.roleBindings.get(namespace);
    const seen = new Set<Stored<RoleBinding>>();
    if (byKey)
      for (const key of subjectKeys(subject))
        for (const binding of byKey.get(key) ?? []) {
          if (seen.has(binding)) continue;
          seen.add(binding);
          const ref = binding.roleRef;
          const via = `RoleBinding "${namespace}/${binding.metadata.name}" of ${ref?.kind ?? 'Role'} "${ref?.name ?? ''}"`;
          const rules =
            ref?.kind === 'ClusterRole'
              ? index.clusterRoleRules(ref.name)
              : (index.roles.get(`${namespace}/${ref?.name ?? ''}`)?.rules ?? null);
          if (rules) list.push({ rules, via });
          else
            grants.missing.push(
              `${via}: ${ref?.kind === 'ClusterRole' ? 'clusterrole' : 'role'}.rbac.authorization.k8s.io "${ref?.name ?? ''}" not found`,
            );
        }
    grants.namespaces.set(namespace, list);
    return list;
  }
}

/** The first grant with a rule that allows `request`. */
function allowing(grants: readonly Grant[], request: RequestAttributes): Grant | undefined {
  for (const grant of grants) for (const rule of grant.rules) if (ruleAllows(rule, request)) return grant;
  return undefined;
}

const isAll = (list: readonly string[] | undefined) => list?.length === 1 && list[0] === '*';

function subjectKeys(subject: RbacSubject): string[] {
  return [userKey(subject.user), ...subject.groups.map(groupKey)];
}

function describeSubject(subject: RbacSubject): string {
  const role = subject.role ? ` (role ${subject.role})` : '';
  return `User "${subject.user}"${role}`;
}

/** The requests a rule amounts to, one per verb, group, resource and name, to check that someone holds them all. */
function expand(rule: PolicyRule, namespace: string | undefined): RequestAttributes[] {
  const out: RequestAttributes[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const path of rule.nonResourceURLs ?? []) out.push({ verb, path });
    for (const apiGroup of rule.apiGroups ?? [])
      for (const combined of rule.resources ?? []) {
        const slash = combined.indexOf('/');
        const resource = slash < 0 ? combined : combined.slice(0, slash);
        const subresource = slash < 0 ? undefined : combined.slice(slash + 1);
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names) out.push({ verb, apiGroup, resource, subresource, namespace, name });
      }
  }
  return out;
}
