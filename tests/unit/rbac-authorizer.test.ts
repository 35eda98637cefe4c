import { beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '@/lib/apimachinery/errors.ts';
import { allTypes, rbacResource, typeByKey } from '@/lib/apimachinery/registry.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { rbacAdmission } from '@/lib/apiserver/kinds/rbac.ts';
import { ensureBootstrapRoles } from '@/lib/apiserver/rbac-bootstrap.ts';
import { toTable } from '@/lib/apiserver/tables.ts';
import { Authorizer, type RbacSubject } from '@/lib/auth/authorizer.ts';
import { ENTROOS_GROUP } from '@/lib/auth/builtin-roles.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import { ALL_VERBS, can, ROLES, SCOPED_RESOURCES } from '@/lib/auth/rbac.ts';
import { WatchCache } from '@/lib/store/index.ts';

// The RBAC authorizer against Kubernetes' semantics: real objects written through the object API (so validation
// and defaults apply), read back by the authorizer from the watch cache.

const ROLES_T = typeByKey('roles.rbac.authorization.k8s.io');
const BINDINGS_T = typeByKey('rolebindings.rbac.authorization.k8s.io');
const CLUSTER_ROLES_T = typeByKey('clusterroles.rbac.authorization.k8s.io');
const CLUSTER_BINDINGS_T = typeByKey('clusterrolebindings.rbac.authorization.k8s.io');
const NAMESPACES = typeByKey('namespaces');
const RBAC = 'rbac.authorization.k8s.io';

const user = (name: string) => ({ kind: 'User', apiGroup: RBAC, name });
const group = (name: string) => ({ kind: 'Group', apiGroup: RBAC, name });

let cache: WatchCache;
let api: ObjectApi;
let authorizer: Authorizer;

/** Waits for the cache to commit (and announce) every write so far: the authorizer follows committed changes. */
const settle = () => cache.flush();

beforeAll(async () => {
  cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 1000, persist: async () => {} });
  api = new ObjectApi(cache);
  authorizer = new Authorizer(cache);
  for (const name of ['team-a', 'team-b']) await api.create(NAMESPACES, undefined, { metadata: { name } });
  await ensureBootstrapRoles(api);
  const role = (namespace: string, name: string, rules: unknown[]) =>
    api.create(ROLES_T, namespace, { metadata: { name }, rules });
  const binding = (namespace: string, name: string, roleRef: object, subjects: object[]) =>
    api.create(BINDINGS_T, namespace, { metadata: { name }, roleRef, subjects });
  const clusterRole = (name: string, body: object) =>
    api.create(CLUSTER_ROLES_T, undefined, { metadata: { name, ...(body as { labels?: object }) }, ...body });
  await role('team-a', 'pod-creator', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]);
  await binding('team-a', 'alice-pods', { kind: 'Role', name: 'pod-creator' }, [user('alice')]);
  await role('team-a', 'web-logs', [
    { apiGroups: [''], resources: ['pods/log'], resourceNames: ['web'], verbs: ['get'] },
  ]);
  await binding('team-a', 'frank-logs', { kind: 'Role', name: 'web-logs' }, [user('frank')]);
  await clusterRole('secret-reader', {
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
  });
  await binding('team-b', 'devs-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, [group('devs')]);
  await clusterRole('node-updater', { rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['update'] }] });
  await api.create(CLUSTER_BINDINGS_T, undefined, {
    metadata: { name: 'ops-nodes' },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'node-updater' },
    subjects: [group('ops')],
  });
  // A RoleBinding to a ClusterRole naming a cluster-scoped resource grants nothing: nodes are not in a namespace.
  await binding('team-a', 'alice-nodes', { kind: 'ClusterRole', name: 'node-updater' }, [user('alice')]);
  await binding('team-a', 'robot-edit', { kind: 'ClusterRole', name: 'edit' }, [
    { kind: 'ServiceAccount', name: 'robot' },
  ]);
  await clusterRole('scaler', { rules: [{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['update', 'patch'] }] });
  await api.create(CLUSTER_BINDINGS_T, undefined, {
    metadata: { name: 'dave-scales' },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'scaler' },
    subjects: [user('dave')],
  });
  await clusterRole('monitoring', {
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] },
  });
  await api.create(CLUSTER_ROLES_T, undefined, {
    metadata: { name: 'monitoring-configmaps', labels: { 'example.com/aggregate-to-monitoring': 'true' } },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['watch'] }],
  });
  await binding('team-b', 'erin-monitoring', { kind: 'ClusterRole', name: 'monitoring' }, [user('erin')]);
  await clusterRole('health', { rules: [{ nonResourceURLs: ['/metrics', '/debug/*'], verbs: ['get'] }] });
  await api.create(CLUSTER_BINDINGS_T, undefined, {
    metadata: { name: 'erin-health' },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'health' },
    subjects: [user('erin')],
  });
  await settle();
});

const SUBJECTS: Record<string, RbacSubject> = {
  alice: { user: 'alice', groups: ['system:authenticated'], role: 'viewer' },
  bob: { user: 'bob', groups: ['system:authenticated'], role: 'operator' },
  root: { user: 'root', groups: ['system:authenticated'], role: 'admin' },
  devs: { user: 'dana', groups: ['devs', 'system:authenticated'], role: 'viewer' },
  ops: { user: 'otto', groups: ['ops', 'system:authenticated'], role: 'viewer' },
  robot: {
    user: 'system:serviceaccount:team-a:robot',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    role: 'viewer',
  },
  otherRobot: {
    user: 'system:serviceaccount:team-b:robot',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:team-b', 'system:authenticated'],
    role: 'viewer',
  },
  dave: { user: 'dave', groups: ['system:authenticated'] },
  frank: { user: 'frank', groups: ['system:authenticated'] },
  erin: { user: 'erin', groups: ['system:authenticated'] },
  nobody: { user: 'nobody', groups: ['system:authenticated'] },
  anonymous: { user: 'system:anonymous', groups: ['system:unauthenticated'] },
};

// subject, verb, "group/resource[/subresource]", namespace, name, allowed
type Row = [string, string, string, string, string, boolean];
const TABLE: Row[] = [
  // The implicit binding of each EntroOS role, the same in every namespace.
  ['alice', 'list', '/pods', 'team-b', '', true],
  ['alice', 'delete', '/pods', 'team-b', 'x', false],
  ['alice', 'get', '/secrets', 'team-a', 'x', false],
  ['bob', 'create', 'apps/deployments', 'team-b', '', true],
  ['bob', 'get', '/secrets', 'team-b', 'x', true],
  ['bob', 'delete', '/nodes', '', 'n1', false],
  ['bob', 'impersonate', '/users', '', 'alice', false],
  ['root', 'impersonate', '/users', '', 'alice', true],
  ['root', 'escalate', `${RBAC}/clusterroles`, '', 'x', true],
  ['root', 'get', 'metrics.k8s.io/pods', 'team-a', '', true],
  // A Role bound in team-a grants in team-a only.
  ['alice', 'create', '/pods', 'team-a', '', true],
  ['alice', 'create', '/pods', 'team-b', '', false],
  ['alice', 'create', '/pods', '', '', false],
  ['alice', 'create', 'apps/deployments', 'team-a', '', false],
  ['alice', 'create', 'example.com/pods', 'team-a', '', false],
  // resourceNames and subresources: pods/log of "web" only, and never the pod itself nor a list.
  ['frank', 'get', '/pods/log', 'team-a', 'web', true],
  ['frank', 'get', '/pods/log', 'team-a', 'db', false],
  ['frank', 'get', '/pods/log', 'team-a', '', false],
  ['frank', 'get', '/pods', 'team-a', 'web', false],
  ['frank', 'get', '/pods/log', 'team-b', 'web', false],
  ['alice', 'get', '/pods/log', 'team-b', 'db', true], // the viewer role reads every pod's log
  // A RoleBinding to a ClusterRole grants it in that namespace only; group subjects.
  ['devs', 'get', '/secrets', 'team-b', 'db', true],
  ['devs', 'list', '/secrets', 'team-b', '', true],
  ['devs', 'list', '/secrets', 'team-a', '', false],
  ['devs', 'list', '/secrets', '', '', false],
  ['devs', 'delete', '/secrets', 'team-b', 'db', false],
  // Cluster-scoped resources only through ClusterRoleBindings.
  ['ops', 'update', '/nodes', '', 'n1', true],
  ['alice', 'update', '/nodes', '', 'n1', false],
  ['ops', 'update', '/nodes/status', '', 'n1', false],
  // Service accounts: a subject without a namespace is the binding's namespace's account.
  ['robot', 'create', 'apps/deployments', 'team-a', '', true],
  ['robot', 'delete', '/secrets', 'team-a', 'db', true],
  ['robot', 'create', 'apps/deployments', 'team-b', '', false],
  ['robot', 'create', '/namespaces', '', '', false],
  ['otherRobot', 'create', 'apps/deployments', 'team-a', '', false],
  // Wildcards: every group, and `*/scale` is the scale subresource of every resource.
  ['dave', 'update', 'apps/deployments/scale', 'team-b', 'web', true],
  ['dave', 'patch', 'example.com/crontabs/scale', 'team-a', 'x', true],
  ['dave', 'update', 'apps/deployments', 'team-b', 'web', false],
  ['dave', 'update', 'apps/deployments/status', 'team-b', 'web', false],
  ['dave', 'get', '/pods', 'team-a', 'x', false], // no EntroOS role: nothing implicit
  ['dave', 'create', 'authorization.k8s.io/selfsubjectaccessreviews', '', '', true], // system:basic-user
  ['anonymous', 'create', 'authorization.k8s.io/selfsubjectaccessreviews', '', '', false],
  // Aggregation: the rules of the ClusterRoles an aggregationRule selects.
  ['erin', 'watch', '/configmaps', 'team-b', '', true],
  ['erin', 'watch', '/configmaps', 'team-a', '', false],
  ['erin', 'list', '/configmaps', 'team-b', '', false],
];

const NON_RESOURCE: [string, string, string, boolean][] = [
  ['alice', 'get', '/api', true],
  ['alice', 'get', '/apis/apps/v1', true],
  ['alice', 'get', '/metrics', false],
  ['root', 'get', '/metrics', true],
  ['erin', 'get', '/metrics', true],
  ['erin', 'get', '/debug/pprof', true],
  ['erin', 'post', '/metrics', false],
  ['nobody', 'get', '/api', true], // system:discovery, bound to system:authenticated
  ['anonymous', 'get', '/api', false],
];

function request(verb: string, path: string, namespace: string, name: string) {
  const [apiGroup, resource, subresource] = path.split('/');
  return {
    verb,
    apiGroup,
    resource,
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}

describe('RBAC authorizer', () => {
  it.each(TABLE)('%s %s %s in "%s" (%s) → %s', (who, verb, path, namespace, name, allowed) => {
    const decision = authorizer.authorize(SUBJECTS[who], request(verb, path, namespace, name));
    expect(decision.allowed, decision.reason).toBe(allowed);
  });

  it.each(NON_RESOURCE)('%s %s %s → %s', (who, verb, path, allowed) => {
    expect(authorizer.authorize(SUBJECTS[who], { verb, path }).allowed).toBe(allowed);
  });

  it('says which binding allowed a request, and what was asked when nothing did', () => {
    expect(authorizer.authorize(SUBJECTS.alice, request('create', '/pods', 'team-a', '')).reason).toBe(
      'RBAC: allowed by RoleBinding "team-a/alice-pods" of Role "pod-creator"',
    );
    expect(authorizer.authorize(SUBJECTS.bob, request('create', '/pods', 'team-b', '')).reason).toBe(
      'RBAC: allowed by the implicit ClusterRoleBinding of role "operator" to ClusterRole "entroos:operator"',
    );
    expect(authorizer.authorize(SUBJECTS.ops, request('update', '/nodes', '', 'n1')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "ops-nodes" of ClusterRole "node-updater"',
    );
    expect(authorizer.authorize(SUBJECTS.alice, request('create', '/pods', 'team-b', '')).reason).toBe(
      'RBAC: no role bound to User "alice" (role viewer) allows create resource "pods" in API group "" in the namespace "team-b"',
    );
  });

  it('grants each EntroOS role exactly what `can` grants, for every served resource and verb', () => {
    for (const role of ROLES) {
      const subject = { user: `someone-${role}`, groups: ['system:authenticated'], role };
      for (const t of allTypes())
        for (const verb of ALL_VERBS) {
          const ns = t.namespaced ? 'team-a' : undefined;
          const expected = can(role, verb, rbacResource(t));
          expect(
            authorizer.authorize(subject, { verb, apiGroup: t.group, resource: t.plural, namespace: ns }).allowed,
            `${role} ${verb} ${t.key}`,
          ).toBe(expected);
          for (const sub of t.subresources)
            expect(
              authorizer.authorize(subject, {
                verb,
                apiGroup: t.group,
                resource: t.plural,
                subresource: sub,
                namespace: ns,
                name: 'x',
              }).allowed,
              `${role} ${verb} ${t.key}/${sub}`,
              // What runs in a pod (exec) belongs only to roles that may create it: upstream's view has none.
            ).toBe(expected && (sub !== 'exec' || can(role, 'create', rbacResource(t))));
        }
      const known = new Set(allTypes().map((t) => t.plural));
      for (const resource of SCOPED_RESOURCES.filter((r) => !known.has(r))) {
        // EntroOS's own under entroos.io; an app's (files.convert.entroos.io) under its group.
        const dot = resource.indexOf('.');
        const [apiGroup, plural] =
          dot < 0 ? [ENTROOS_GROUP, resource] : [resource.slice(dot + 1), resource.slice(0, dot)];
        for (const verb of ALL_VERBS)
          expect(
            authorizer.authorize(subject, { verb, apiGroup, resource: plural }).allowed,
            `${role} ${verb} ${resource}`,
          ).toBe(can(role, verb, resource));
      }
    }
  });

  it('follows changes to roles and bindings', async () => {
    const ask = () => authorizer.authorize(SUBJECTS.nobody, request('list', '/configmaps', 'team-a', '')).allowed;
    expect(ask()).toBe(false);
    await api.create(BINDINGS_T, 'team-a', {
      metadata: { name: 'nobody-view' },
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [user('nobody')],
    });
    await settle();
    expect(ask()).toBe(true);
    // view never includes Secrets.
    expect(authorizer.authorize(SUBJECTS.nobody, request('list', '/secrets', 'team-a', '')).allowed).toBe(false);
    await api.delete(BINDINGS_T, 'team-a', 'nobody-view', {});
    await settle();
    expect(ask()).toBe(false);
  });

  it('names a binding whose role is missing in the reason', async () => {
    await api.create(BINDINGS_T, 'team-b', {
      metadata: { name: 'dangling' },
      roleRef: { kind: 'Role', name: 'not-there' },
      subjects: [user('nobody')],
    });
    await settle();
    const decision = authorizer.authorize(SUBJECTS.nobody, request('get', '/pods', 'team-b', 'x'));
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('role.rbac.authorization.k8s.io "not-there" not found');
  });

  it('lists the rules that apply in a namespace (the rules review)', () => {
    const inA = authorizer.rulesFor(SUBJECTS.alice, 'team-a');
    expect(inA).toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['create'] });
    expect(authorizer.rulesFor(SUBJECTS.alice, 'team-b')).not.toContainEqual({
      apiGroups: [''],
      resources: ['pods'],
      verbs: ['create'],
    });
  });
});

describe('RBAC objects', () => {
  const expectInvalid = async (write: Promise<unknown>, field: string, message?: RegExp) => {
    const err: unknown = await write.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isApiError(err) && err.code).toBe(422);
    if (!isApiError(err)) return;
    expect(err.details?.causes?.map((c) => c.field)).toContain(field);
    if (message) expect(err.message).toMatch(message);
  };

  it('defaults the RBAC group of roleRef and User/Group subjects', async () => {
    const stored = api.get(BINDINGS_T, 'team-a', 'alice-pods') as unknown as {
      roleRef: { apiGroup: string };
      subjects: { apiGroup: string }[];
    };
    expect(stored.roleRef.apiGroup).toBe(RBAC);
    expect(stored.subjects[0].apiGroup).toBe(RBAC);
  });

  it('validates like kube-apiserver, and roleRef cannot change', async () => {
    await expectInvalid(
      api.create(BINDINGS_T, 'team-a', { metadata: { name: 'bad-kind' }, roleRef: { kind: 'Secret', name: 'x' } }),
      'roleRef.kind',
    );
    await expectInvalid(
      api.create(CLUSTER_BINDINGS_T, undefined, {
        metadata: { name: 'bad-ref' },
        roleRef: { kind: 'Role', name: 'x' },
        subjects: [{ kind: 'ServiceAccount', name: 'robot' }],
      }),
      'subjects[0].namespace',
    );
    await expectInvalid(
      api.create(BINDINGS_T, 'team-a', {
        metadata: { name: 'bad-subject' },
        roleRef: { kind: 'Role', name: 'x' },
        subjects: [{ kind: 'User', apiGroup: 'example.com', name: 'x' }],
      }),
      'subjects[0].apiGroup',
    );
    await expectInvalid(
      api.create(ROLES_T, 'team-a', {
        metadata: { name: 'urls' },
        rules: [{ nonResourceURLs: ['/x'], verbs: ['get'] }],
      }),
      'rules[0].nonResourceURLs',
    );
    await expectInvalid(
      api.create(ROLES_T, 'team-a', {
        metadata: { name: 'no-verbs' },
        rules: [{ apiGroups: [''], resources: ['pods'] }],
      }),
      'rules[0].verbs',
    );
    const current = api.get(BINDINGS_T, 'team-a', 'alice-pods');
    await expectInvalid(
      api.update(BINDINGS_T, 'team-a', 'alice-pods', {
        ...current,
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' },
      }),
      'roleRef',
      /cannot change roleRef/,
    );
    // Names are path segments: the colon of system:… and entroos:… is fine.
    expect(api.get(CLUSTER_ROLES_T, undefined, 'entroos:viewer').metadata.name).toBe('entroos:viewer');
  });

  it('prints NAME ROLE AGE (and subjects when wide) for bindings, NAME CREATED AT for roles', () => {
    const binding = api.get(BINDINGS_T, 'team-a', 'robot-edit');
    const table = toTable(BINDINGS_T, [binding], {}, null);
    expect(table.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Role', 0],
      ['Age', 0],
      ['Users', 1],
      ['Groups', 1],
      ['ServiceAccounts', 1],
    ]);
    expect(table.rows[0].cells.slice(0, 2)).toEqual(['robot-edit', 'ClusterRole/edit']);
    expect(table.rows[0].cells[5]).toBe('/robot');
    expect(
      toTable(ROLES_T, [api.get(ROLES_T, 'team-a', 'pod-creator')], {}, null).columnDefinitions.map((c) => c.name),
    ).toEqual(['Name', 'Created At']);
  });

  it('stores the bootstrap ClusterRoles with autoupdate, and restores a lost built-in rule', async () => {
    const viewer = api.get(CLUSTER_ROLES_T, undefined, 'entroos:viewer') as unknown as {
      metadata: { annotations: Record<string, string> };
      rules: unknown[];
    };
    expect(viewer.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate']).toBe('true');
    await api.update(CLUSTER_ROLES_T, undefined, 'entroos:viewer', { ...viewer, rules: viewer.rules.slice(1) });
    expect(await ensureBootstrapRoles(api)).toEqual(['entroos:viewer']);
    expect(await ensureBootstrapRoles(api)).toEqual([]);
  });
});

describe('escalation prevention', () => {
  const principal = (username: string, role: Principal['role']): Principal => ({
    userId: username,
    username,
    role,
    via: 'token',
  });

  it('lets nobody grant, by a Role or a binding, what they do not hold', async () => {
    // bob (operator) may manage RoleBindings and Roles in team-a.
    await api.create(ROLES_T, 'team-a', {
      metadata: { name: 'rbac-manager' },
      // Not "*": that would include escalate and bind.
      rules: [
        {
          apiGroups: [RBAC],
          resources: ['roles', 'rolebindings'],
          verbs: ['get', 'list', 'create', 'update', 'delete'],
        },
      ],
    });
    await api.create(BINDINGS_T, 'team-a', {
      metadata: { name: 'bob-rbac' },
      roleRef: { kind: 'Role', name: 'rbac-manager' },
      subjects: [user('bob')],
    });
    await settle();
    const admit = rbacAdmission(authorizer, principal('bob', 'operator'), () => {});
    const write = (t: typeof ROLES_T, body: object) => api.create(t, 'team-a', body, { admit });
    // Binding edit (which bob holds as an operator) is fine; cluster-admin is not.
    await write(BINDINGS_T, {
      metadata: { name: 'alice-edit' },
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [user('alice')],
    });
    const refused = await write(BINDINGS_T, {
      metadata: { name: 'alice-admin' },
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [user('alice')],
    }).catch((e: unknown) => e);
    expect(isApiError(refused) && refused.code).toBe(403);
    expect(String((refused as Error).message)).toMatch(/attempting to grant RBAC permissions not currently held/);
    const role = await write(ROLES_T, {
      metadata: { name: 'too-much' },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['delete'] }],
    }).catch((e: unknown) => e);
    expect(isApiError(role) && role.code).toBe(403);
    await write(ROLES_T, {
      metadata: { name: 'just-enough' },
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'create'] }],
    });
    // Admins hold everything.
    const asAdmin = rbacAdmission(authorizer, principal('root', 'admin'), () => {});
    await api.create(
      BINDINGS_T,
      'team-a',
      {
        metadata: { name: 'alice-admin' },
        roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [user('alice')],
      },
      { admit: asAdmin },
    );
  });
});

describe('exec in the built-in roles', () => {
  it('is only in rules that may create it: a viewer cannot name pods/exec at all, as upstream view leaves it out', async () => {
    const { bootstrapRules } = await import('@/lib/auth/builtin-roles.ts');
    const resourcesWith = (name: string) =>
      (bootstrapRules(name) ?? []).filter((r) => r.resources?.includes('pods/exec')).map((r) => r.verbs);
    expect(resourcesWith('entroos:viewer')).toEqual([]);
    expect(resourcesWith('entroos:operator').flat()).toContain('create');
    expect((bootstrapRules('entroos:viewer') ?? []).some((r) => r.resources?.includes('pods/log'))).toBe(true);
  });
});
