import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startServer, ROOT, ADMIN_PASSWORD, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/kubectl.ts';

// ServiceAccounts, TokenRequest and the access reviews through the official JavaScript client, unmodified.

describe('@kubernetes/client-node: service accounts, tokens and access reviews', () => {
  let server: TestServer;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let authz: k8s.AuthorizationV1Api;

  beforeAll(async () => {
    server = await startServer();
    const out = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/kubeconfig.ts', '--server', server.url, '--password', ADMIN_PASSWORD],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    kc = new k8s.KubeConfig();
    kc.loadFromString(out.stdout);
    core = kc.makeApiClient(k8s.CoreV1Api);
    authz = kc.makeApiClient(k8s.AuthorizationV1Api);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A client that authenticates with `token` instead of the admin's credentials. */
  function withToken(token: string) {
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'entroos', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'sa', token }],
      contexts: [{ name: 'sa', cluster: 'entroos', user: 'sa', namespace: 'default' }],
      currentContext: 'sa',
    });
    return config;
  }

  it('lists the default account, mints a token and acts with it', async () => {
    const defaults = await until(
      async () => (await core.listNamespacedServiceAccount({ namespace: 'default' })).items,
      'the default service account',
    );
    expect(defaults.map((a) => a.metadata?.name)).toContain('default');
    await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'js-robot' } } });
    const minted = await core.createNamespacedServiceAccountToken({
      name: 'js-robot',
      namespace: 'default',
      body: { spec: { audiences: [], expirationSeconds: 900 } },
    });
    expect(minted.status?.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(minted.spec.expirationSeconds).toBe(900);
    expect(new Date(minted.status?.expirationTimestamp ?? 0).getTime()).toBeGreaterThan(Date.now() + 800_000);

    const asRobot = withToken(minted.status?.token ?? '');
    const pods = await asRobot.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' });
    expect(Array.isArray(pods.items)).toBe(true);
    const refused = await asRobot
      .makeApiClient(k8s.CoreV1Api)
      .createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'nope' } } })
      .then(
        () => 0,
        (err: { code?: number }) => err.code,
      );
    expect(refused).toBe(403);

    const review = await asRobot.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'configmaps' } } },
    });
    expect(review.status).toMatchObject({ allowed: false, denied: true });

    await core.deleteNamespacedServiceAccount({ name: 'js-robot', namespace: 'default' });
    const gone = await asRobot
      .makeApiClient(k8s.CoreV1Api)
      .listNamespacedPod({ namespace: 'default' })
      .then(
        () => 0,
        (err: { code?: number }) => err.code,
      );
    expect(gone).toBe(401);
  });

  it('answers access and rules reviews for the admin', async () => {
    const review = await authz.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'delete', resource: 'nodes' } } },
    });
    expect(review.status?.allowed).toBe(true);
    const nonResource = await authz.createSelfSubjectAccessReview({
      body: { spec: { nonResourceAttributes: { path: '/metrics', verb: 'get' } } },
    });
    expect(nonResource.status?.allowed).toBe(true);
    const rules = await authz.createSelfSubjectRulesReview({ body: { spec: { namespace: 'default' } } });
    expect(rules.status).toMatchObject({
      incomplete: false,
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    });
  });
});
