import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login, userWithToken } from '../helpers/api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';

// Namespaced authorization with Kubernetes RBAC objects, through real kubectl: a Role and RoleBinding let a
// viewer create pods in one namespace and nowhere else; `kubectl auth can-i --as` answers for them (impersonation);
// bindings print as kubectl prints them; roleRef cannot change.

let server: TestServer;
let kubectl: Kubectl;
let alice: string;

const pod = (namespace: string, name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  });

const file = (name: string, text: string) => {
  const path = join(kubectl.home, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(async () => {
  server = await startServer();
  kubectl = await kubectlFor(server);
  const admin = await login(server.url);
  alice = (await userWithToken(server.url, admin, 'alice', 'viewer')).token;
  await kubectl.run('create', 'namespace', 'team-a');
  await kubectl.run('create', 'namespace', 'team-b');
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('RBAC through kubectl', () => {
  it('stores the built-in roles as ClusterRoles', async () => {
    const roles = await until(async () => {
      const out = await kubectl.run('get', 'clusterroles');
      return out.includes('entroos:viewer') && out;
    }, 'the bootstrap ClusterRoles');
    expect(roles).toMatch(/^NAME\s+CREATED AT\n/);
    for (const name of ['entroos:admin', 'entroos:operator', 'entroos:viewer', 'cluster-admin', 'edit', 'view'])
      expect(roles).toMatch(new RegExp(`^${name}\\s+\\d{4}-\\d\\d-\\d\\dT`, 'm'));
    const resources = await kubectl.run('api-resources', '--api-group=rbac.authorization.k8s.io');
    expect(resources).toMatch(/^rolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+RoleBinding$/m);
    expect(resources).toMatch(/^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/m);
    const viewer = JSON.parse(await kubectl.run('get', 'clusterrole', 'entroos:viewer', '-o', 'json'));
    expect(viewer.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate']).toBe('true');
  });

  it('a Role and RoleBinding let a viewer create pods in team-a, not in team-b', async () => {
    const denied = await kubectl.exec('--token', alice, 'create', '-f', file('a1.json', pod('team-a', 'before')));
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "team-a"',
    );
    expect(await kubectl.run('create', 'role', 'pod-creator', '--verb=create', '--resource=pods', '-n', 'team-a')).toBe(
      'role.rbac.authorization.k8s.io/pod-creator created\n',
    );
    expect(
      await kubectl.run('create', 'rolebinding', 'alice-pods', '--role=pod-creator', '--user=alice', '-n', 'team-a'),
    ).toBe('rolebinding.rbac.authorization.k8s.io/alice-pods created\n');
    expect(await kubectl.run('--token', alice, 'create', '-f', file('a2.json', pod('team-a', 'web')))).toBe(
      'pod/web created\n',
    );
    const other = await kubectl.exec('--token', alice, 'create', '-f', file('b.json', pod('team-b', 'web')));
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('Error from server (Forbidden): error when creating');
    expect(other.stderr).toContain(
      'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "team-b"',
    );
    // The Status names the resource, as kube-apiserver's does.
    const status = await client(server.url, alice).post(
      '/api/v1/namespaces/team-b/pods',
      JSON.parse(pod('team-b', 'x')),
    );
    expect(status.status).toBe(403);
    expect(status.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', details: { kind: 'pods', group: '' } });
    // Still a viewer everywhere: reading works, deleting does not.
    expect((await kubectl.exec('--token', alice, 'get', 'pods', '-n', 'team-b')).code).toBe(0);
    expect((await kubectl.exec('--token', alice, 'delete', 'pod', 'web', '-n', 'team-a')).stderr).toContain(
      'pods "web" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "team-a"',
    );
  });

  it('kubectl auth can-i --as answers for the user, per namespace', async () => {
    expect((await kubectl.run('auth', 'can-i', 'create', 'pods', '-n', 'team-a', '--as=alice')).trim()).toBe('yes');
    const no = await kubectl.exec('auth', 'can-i', 'create', 'pods', '-n', 'team-b', '--as=alice');
    expect(no.code).toBe(1);
    expect(no.stdout).toMatch(/^no/);
    expect((await kubectl.run('auth', 'can-i', 'list', 'pods', '-n', 'team-b', '--as=alice')).trim()).toBe('yes');
    expect((await kubectl.exec('auth', 'can-i', 'get', 'secrets', '-n', 'team-a', '--as=alice')).code).toBe(1);
    // A group's binding counts for whoever is impersonated into it.
    await kubectl.run('create', 'rolebinding', 'devs-edit', '--clusterrole=edit', '--group=devs', '-n', 'team-b');
    expect((await kubectl.exec('auth', 'can-i', 'delete', 'secrets', '-n', 'team-b', '--as=nobody')).code).toBe(1);
    expect(
      (
        await kubectl.run('auth', 'can-i', 'delete', 'secrets', '-n', 'team-b', '--as=nobody', '--as-group=devs')
      ).trim(),
    ).toBe('yes');
    const list = await kubectl.run('auth', 'can-i', '--list', '-n', 'team-a', '--as=alice');
    // kubectl merges the rules: the viewer's reads, and the Role's create in team-a.
    expect(list).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch create\]$/m);
    expect(await kubectl.run('auth', 'can-i', '--list', '-n', 'team-b', '--as=alice')).toMatch(
      /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m,
    );
    // Impersonating is for those allowed the impersonate verb (admins).
    const refused = await kubectl.exec('--token', alice, 'get', 'pods', '--as=admin');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'users "admin" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it('prints rolebindings as kubectl does, and refuses to change roleRef (422)', async () => {
    const table = await kubectl.run('get', 'rolebindings', '-n', 'team-a');
    expect(table).toMatch(/^NAME\s+ROLE\s+AGE\n/);
    expect(table).toMatch(/^alice-pods\s+Role\/pod-creator\s+\d+s\n/m);
    const wide = await kubectl.run('get', 'rolebindings', '-n', 'team-b', '-o', 'wide');
    expect(wide).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/);
    expect(wide).toMatch(/^devs-edit\s+ClusterRole\/edit\s+\d+s\s+devs\s*\n/m);
    const crb = await kubectl.run('get', 'clusterrolebindings');
    expect(crb).toMatch(/^NAME\s+ROLE\s+AGE\n/);
    expect(crb).toMatch(/^system:basic-user\s+ClusterRole\/system:basic-user\s+\d+[sm]\n/m);

    const changed = await kubectl.exec(
      'patch',
      'rolebinding',
      'alice-pods',
      '-n',
      'team-a',
      '--type=merge',
      '-p',
      '{"roleRef":{"kind":"ClusterRole","name":"edit"}}',
    );
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('The RoleBinding "alice-pods" is invalid: roleRef: Invalid value:');
    expect(changed.stderr).toContain('cannot change roleRef');
    const path = '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/alice-pods';
    const admin = client(server.url, await login(server.url));
    const current = (await admin.get(path)).body;
    const res = await admin.put(path, { ...current, roleRef: { ...current.roleRef, name: 'other' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      reason: 'Invalid',
      details: { kind: 'RoleBinding', name: 'alice-pods', causes: [{ field: 'roleRef', reason: 'FieldValueInvalid' }] },
    });
  });

  it('revokes at once when the binding goes', async () => {
    await kubectl.run('delete', 'rolebinding', 'alice-pods', '-n', 'team-a');
    const denied = await kubectl.exec('--token', alice, 'create', '-f', file('a3.json', pod('team-a', 'after')));
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('forbidden');
  });
});
