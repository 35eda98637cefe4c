import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login, userWithToken } from '../helpers/api.ts';
import { kubectlFor, until, type Kubectl } from '../helpers/kubectl.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startTwoInstances, type Instances } from '../helpers/instances.ts';

// ServiceAccounts, their tokens (TokenRequest) and the access reviews, against a real server with real kubectl.

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SSRR = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const sa = (ns: string, name = '') => `/api/v1/namespaces/${ns}/serviceaccounts${name ? `/${name}` : ''}`;

let server: TestServer;
let adminToken: string;
let kubectl: Kubectl;
let operator: { token: string };
let viewer: { token: string };

beforeAll(async () => {
  server = await startServer();
  adminToken = await login(server.url);
  kubectl = await kubectlFor(server);
  operator = await userWithToken(server.url, adminToken, 'otto', 'operator');
  viewer = await userWithToken(server.url, adminToken, 'vera', 'viewer');
}, 90_000);
afterAll(async () => {
  await server?.stop();
});

/** kubectl as the holder of `token` (viewers cannot log in through the kubeconfig script: it makes an API token). */
const as = (token: string) => ({
  exec: (...args: string[]) => kubectl.exec('--token', token, ...args),
  run: (...args: string[]) => kubectl.run('--token', token, ...args),
});

/** Mints a token for an account through the TokenRequest API. */
async function mint(token: string, ns: string, name: string, spec: Record<string, unknown> = {}) {
  return client(server.url, token).post(`${sa(ns, name)}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec,
  });
}

describe('the default service account', () => {
  it('appears in every namespace, and is recreated after deletion', async () => {
    for (const ns of ['default', 'kube-system'])
      await until(async () => (await kubectl.exec('get', 'sa', 'default', '-n', ns)).code === 0, `default in ${ns}`);
    await kubectl.run('create', 'namespace', 'sa-new');
    const uidOf = async () => {
      const r = await kubectl.exec(
        'get',
        'serviceaccount',
        'default',
        '-n',
        'sa-new',
        '-o',
        'jsonpath={.metadata.uid}',
      );
      return r.code === 0 ? r.stdout : '';
    };
    const first = await until(uidOf, 'the default account of a new namespace');
    const table = await kubectl.run('get', 'sa', '-n', 'sa-new');
    expect(table).toMatch(/^NAME\s+SECRETS\s+AGE\n/);
    expect(table).toMatch(/^default\s+0\s+\d+s$/m);
    expect(await kubectl.run('delete', 'sa', 'default', '-n', 'sa-new')).toMatch(/deleted/);
    const again = await until(async () => {
      const uid = await uidOf();
      return uid !== first && uid;
    }, 'the recreated default account');
    expect(again).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a name that is not a DNS subdomain and a role annotation that is not a role', async () => {
    const admin = client(server.url, adminToken);
    const badName = await admin.post(sa('default'), { metadata: { name: 'Not_OK' } });
    expect(badName.status).toBe(422);
    expect(badName.body.details.causes[0].field).toBe('metadata.name');
    const badRole = await admin.post(sa('default'), {
      metadata: { name: 'odd', annotations: { 'entroos.io/role': 'root' } },
    });
    expect(badRole.status).toBe(422);
    expect(badRole.body.details.causes[0]).toMatchObject({
      reason: 'FieldValueNotSupported',
      field: 'metadata.annotations[entroos.io/role]',
    });
  });
});

describe('tokens', () => {
  it('kubectl create token: the token reads as the account, which is a viewer by default', async () => {
    expect(await kubectl.run('create', 'serviceaccount', 'robot')).toBe('serviceaccount/robot created\n');
    const token = (await kubectl.run('create', 'token', 'robot', '--duration=10m')).trim();
    expect(token.split('.')).toHaveLength(3);
    const pods = await kubectl.exec('--token', token, 'get', 'pods');
    expect(pods.code, pods.stderr).toBe(0);
    const denied = await kubectl.exec('--token', token, 'create', 'configmap', 'from-robot');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      'configmaps is forbidden: User "system:serviceaccount:default:robot" cannot create resource "configmaps" in API group "" in the namespace "default"',
    );
    const mine = await kubectl.exec('--token', token, 'auth', 'can-i', 'create', 'pods');
    expect(mine.stdout).toMatch(/^no/);
    expect(mine.code).toBe(1);
    expect((await kubectl.run('--token', token, 'auth', 'can-i', 'list', 'pods')).trim()).toBe('yes');
    const denial = await client(server.url, token).post('/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'from-robot' },
    });
    expect(denial.status).toBe(403);
    expect(denial.body.message).toBe(
      'configmaps is forbidden: User "system:serviceaccount:default:robot" cannot create resource "configmaps" in API group "" in the namespace "default"',
    );
  });

  it('answers with status.token and expirationTimestamp; caps the lifetime; refuses less than 10 minutes', async () => {
    const before = Date.now();
    const res = await mint(adminToken, 'default', 'robot', { expirationSeconds: 10 * 365 * 24 * 3600 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 48 * 3600 },
    });
    const expires = Date.parse(res.body.status.expirationTimestamp);
    expect(expires).toBeGreaterThanOrEqual(before - 1000 + 48 * 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 48 * 3600_000);
    const defaults = await mint(adminToken, 'default', 'robot');
    expect(defaults.body.spec.expirationSeconds).toBe(3600);

    const short = await mint(adminToken, 'default', 'robot', { expirationSeconds: 60 });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    expect(short.body.details.causes[0]).toMatchObject({ field: 'spec.expirationSeconds' });
    const viaKubectl = await kubectl.exec('create', 'token', 'robot', '--duration=1m');
    expect(viaKubectl.code).not.toBe(0);
    expect(viaKubectl.stderr).toMatch(/less than 10 minutes/);
    const wrongType = await mint(adminToken, 'default', 'robot', { expirationSeconds: 'soon' });
    expect(wrongType.status).toBe(400);
    const badBound = await mint(adminToken, 'default', 'robot', { boundObjectRef: { kind: 'Node', name: 'n1' } });
    expect(badBound.status).toBe(422);
    expect(badBound.body.details.causes[0]).toMatchObject({ field: 'spec.boundObjectRef.kind' });
    expect((await mint(adminToken, 'default', 'nobody')).status).toBe(404);
    expect((await mint(viewer.token, 'default', 'robot')).status).toBe(403);
  });

  it('a token for another audience does not authenticate to the API server', async () => {
    const res = await mint(adminToken, 'default', 'robot', { audiences: ['vault'] });
    expect(res.status).toBe(201);
    const who = await client(server.url, res.body.status.token).get('/api/v1/namespaces/default/pods');
    expect(who.status).toBe(401);
  });

  it('a bad or tampered token is a 401 Status', async () => {
    const good = (await mint(adminToken, 'default', 'robot')).body.status.token as string;
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('A') ? 'B' : 'A'}A`;
    for (const token of [tampered, `${h}.${Buffer.from('{"sub":"x"}').toString('base64url')}.${s}`, 'a.b.c']) {
      const res = await client(server.url, token).get('/api/v1/namespaces/default/pods');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
  });

  it('deleting the account ends its tokens, also when one of the same name is created again', async () => {
    await kubectl.run('create', 'serviceaccount', 'shortlived');
    const token = (await kubectl.run('create', 'token', 'shortlived')).trim();
    expect((await client(server.url, token).get('/api/v1/namespaces/default/pods')).status).toBe(200);
    await kubectl.run('delete', 'serviceaccount', 'shortlived');
    expect((await client(server.url, token).get('/api/v1/namespaces/default/pods')).status).toBe(401);
    await kubectl.run('create', 'serviceaccount', 'shortlived');
    expect((await client(server.url, token).get('/api/v1/namespaces/default/pods')).status).toBe(401);
  });

  it('a token bound to a pod ends with the pod', async () => {
    const admin = client(server.url, adminToken);
    const pod = await admin.post('/api/v1/namespaces/default/pods', {
      metadata: { name: 'holder' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    expect(pod.status).toBe(201);
    const token = (
      await kubectl.run('create', 'token', 'robot', '--bound-object-kind=Pod', '--bound-object-name=holder')
    ).trim();
    expect((await client(server.url, token).get('/api/v1/namespaces/default/pods')).status).toBe(200);
    const wrongUid = await mint(adminToken, 'default', 'robot', {
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'holder', uid: 'not-its-uid' },
    });
    expect(wrongUid.status).toBe(409);
    await kubectl.run('delete', 'pod', 'holder', '--grace-period=0', '--force');
    await until(
      async () => (await client(server.url, token).get('/api/v1/namespaces/default/pods')).status === 401,
      'the bound token to stop working',
    );
    expect(
      (await mint(adminToken, 'default', 'robot', { boundObjectRef: { kind: 'Pod', name: 'holder' } })).status,
    ).toBe(404);
  });
});

describe('the role annotation', () => {
  it('only admins grant more than viewer; the granted role is what the token may do', async () => {
    const op = client(server.url, operator.token);
    const created = await op.post(sa('default'), { metadata: { name: 'op-made' } });
    expect(created.status).toBe(201);
    const viaKubectl = await kubectl.exec(
      '--token',
      operator.token,
      'annotate',
      'sa',
      'op-made',
      'entroos.io/role=operator',
    );
    expect(viaKubectl.code).not.toBe(0);
    expect(viaKubectl.stderr).toMatch(/only admins may set entroos.io\/role/);
    const createdHigh = await op.post(sa('default'), {
      metadata: { name: 'op-high', annotations: { 'entroos.io/role': 'admin' } },
    });
    expect(createdHigh.status).toBe(403);

    await kubectl.run('annotate', 'sa', 'op-made', 'entroos.io/role=operator');
    // An operator may still relabel the account an admin raised, and mint its tokens (not beyond its own role).
    const relabel = await kubectl.exec('--token', operator.token, 'label', 'sa', 'op-made', 'x=y');
    expect(relabel.code, relabel.stderr).toBe(0);
    const minted = await mint(operator.token, 'default', 'op-made');
    expect(minted.status).toBe(201);
    const asOperator = client(server.url, minted.body.status.token);
    expect(
      (await asOperator.post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'by-sa' }, data: {} }))
        .status,
    ).toBe(201);
    expect((await asOperator.delete('/api/v1/nodes/none')).status).toBe(403);

    await kubectl.run('create', 'sa', 'root-robot');
    await kubectl.run('annotate', 'sa', 'root-robot', 'entroos.io/role=admin');
    expect((await mint(operator.token, 'default', 'root-robot')).status).toBe(403);
    const rootToken = (await mint(adminToken, 'default', 'root-robot')).body.status.token as string;
    expect((await client(server.url, rootToken).delete('/api/v1/nodes/none')).status).toBe(404);
  });
});

describe('a scraper: role "none" bound to entroos:metrics-reader', () => {
  it('reads /metrics and nothing else', async () => {
    const admin = client(server.url, adminToken);
    const account = await admin.post(sa('default'), {
      metadata: { name: 'prometheus', annotations: { 'entroos.io/role': 'none' } },
    });
    expect(account.status).toBe(201);
    const token = (await mint(adminToken, 'default', 'prometheus')).body.status.token as string;
    const scraper = client(server.url, token);
    // Without a binding it may do nothing at all beyond discovery: no built-in role (not even viewer) applies.
    expect((await scraper.get('/metrics')).status).toBe(403);
    expect((await scraper.get('/api/v1/pods')).status).toBe(403);

    const binding = await admin.post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'prometheus-metrics' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'entroos:metrics-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'default' }],
    });
    expect(binding.status).toBe(201);
    await until(async () => (await scraper.get('/metrics')).status === 200, 'the binding to take effect');
    const metrics = await scraper.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('entroos_http_requests_total');
    for (const path of [
      '/api/v1/pods',
      '/api/v1/namespaces/default/configmaps',
      '/api/v1/nodes',
      '/apis/apps/v1/deployments',
      '/apis/entroos.io/v1/users',
    ])
      expect((await scraper.get(path)).status, path).toBe(403);
    expect((await scraper.post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' } })).status).toBe(403);
    // kubectl auth can-i asks the same authorizer the route does.
    expect((await as(token).run('auth', 'can-i', 'get', '/metrics')).trim()).toBe('yes');
    expect((await as(token).exec('auth', 'can-i', 'list', 'pods')).stdout).toMatch(/^no/);
    const role = await admin.get('/apis/rbac.authorization.k8s.io/v1/clusterroles/entroos:metrics-reader');
    expect(role.body.rules).toEqual([{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]);
  });

  it('is a value the role annotation accepts, next to the roles', async () => {
    const bad = await client(server.url, adminToken).post(sa('default'), {
      metadata: { name: 'bad-role', annotations: { 'entroos.io/role': 'nobody' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('supported values: \\"viewer\\", \\"operator\\", \\"admin\\", \\"none\\"');
  });
});

describe('access reviews', () => {
  it('kubectl auth can-i answers for admins, operators and viewers', async () => {
    const asOperator = as(operator.token);
    const asViewer = as(viewer.token);
    expect((await kubectl.run('auth', 'can-i', 'create', 'pods')).trim()).toBe('yes');
    expect((await asOperator.run('auth', 'can-i', 'create', 'pods')).trim()).toBe('yes');
    expect((await asOperator.exec('auth', 'can-i', 'delete', 'nodes')).code).toBe(1);
    const no = await asViewer.exec('auth', 'can-i', 'create', 'pods');
    expect(no.code).toBe(1);
    expect(no.stdout).toMatch(/^no - RBAC: no role bound to User "vera" \(role viewer\) allows create resource "pods"/);
    expect((await asViewer.run('auth', 'can-i', 'list', 'deployments.apps')).trim()).toBe('yes');
    expect((await asViewer.exec('auth', 'can-i', 'get', 'secrets')).stdout).toMatch(/^no/);
    expect((await asViewer.run('auth', 'can-i', 'get', '/api')).trim()).toBe('yes');
    expect((await asViewer.exec('auth', 'can-i', 'get', '/metrics')).stdout).toMatch(/^no/);
    expect((await kubectl.run('auth', 'can-i', 'get', '/metrics')).trim()).toBe('yes');
  });

  it('kubectl auth can-i --list lists what the role may do', async () => {
    const asViewer = as(viewer.token);
    const list = await asViewer.run('auth', 'can-i', '--list');
    expect(list).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(list).toMatch(/^\s*pods\s+\[\]\s+\[\]\s+\[get list watch\]/m);
    expect(list).toMatch(/deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]/);
    expect(list).toMatch(/selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
    expect(list).toMatch(/\[\/api\]\s+\[\]\s+\[get\]/);
    expect(list).not.toMatch(/head/);
    expect(list).not.toMatch(/^\s*users\.entroos\.io/m);
    expect(list).not.toMatch(/create update/);
    const asOperator = as(operator.token);
    expect(await asOperator.run('auth', 'can-i', '--list')).toMatch(
      /^\s*pods\s+\[\]\s+\[\]\s+\[get list watch create update patch delete deletecollection\]/m,
    );
    expect(await kubectl.run('auth', 'can-i', '--list')).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/m);
  });

  it('accepts POST only, validates the spec, and answers any identity about itself', async () => {
    const v = client(server.url, viewer.token);
    expect((await v.get(SSAR)).status).toBe(405);
    expect((await v.get(SSRR)).status).toBe(405);
    expect((await v.delete(SSAR)).status).toBe(405);
    const neither = await v.post(SSAR, { spec: {} });
    expect(neither.status).toBe(422);
    expect(neither.body.details.causes[0].field).toBe('spec.resourceAttributes');
    const both = await v.post(SSAR, {
      spec: {
        resourceAttributes: { verb: 'get', resource: 'pods' },
        nonResourceAttributes: { path: '/api', verb: 'get' },
      },
    });
    expect(both.status).toBe(422);
    expect((await v.post(SSAR, { spec: { resourceAttributes: { resource: 'pods' } } })).status).toBe(422);
    expect((await v.post(SSAR, { spec: { resourceAttributes: 'pods' } })).status).toBe(400);
    const noNs = await v.post(SSRR, { spec: {} });
    expect(noNs.status).toBe(422);
    expect(noNs.body.details.causes[0].field).toBe('spec.namespace');

    const asked = await v.post(SSAR, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'default', verb: 'watch', resource: 'pods' } },
    });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'watch', resource: 'pods' } },
      status: { allowed: true },
    });
    const star = await client(server.url, operator.token).post(SSAR, {
      spec: { resourceAttributes: { verb: '*', resource: 'pods' } },
    });
    expect(star.body.status).toMatchObject({ allowed: true });
    const escalate = await client(server.url, operator.token).post(SSAR, {
      spec: { resourceAttributes: { verb: 'escalate', resource: 'pods' } },
    });
    expect(escalate.body.status).toMatchObject({ allowed: false, denied: true });
  });
});

describe('several instances on one PostgreSQL', () => {
  let instances: Instances | undefined;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    instances = await startTwoInstances();
    ({ a, b } = instances);
  }, 120_000);
  afterAll(async () => {
    await instances?.stop();
  });

  it("verify each other's tokens, and each sees the account deleted", async () => {
    const token = await login(a.url);
    const viaA = client(a.url, token);
    const viaB = client(b.url, token);
    await until(
      async () => (await viaB.post(sa('default'), { metadata: { name: 'shared' } })).status === 201,
      'a write',
    );
    const minted = await until(async () => {
      const res = await viaA.post(`${sa('default', 'shared')}/token`, { spec: {} });
      return res.status === 201 ? (res.body.status.token as string) : '';
    }, 'a token from the first instance');
    for (const url of [a.url, b.url])
      await until(
        async () => (await client(url, minted).get('/api/v1/namespaces/default/pods')).status === 200,
        `the token to work on ${url}`,
      );
    expect((await viaA.delete(sa('default', 'shared'))).status).toBe(200);
    for (const url of [a.url, b.url])
      await until(
        async () => (await client(url, minted).get('/api/v1/namespaces/default/pods')).status === 401,
        `the token to stop working on ${url}`,
      );
  });
});
