import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  parsePolicy,
  PolicyError,
  PolicyEvaluator,
  type PolicyAttributes,
} from '@/lib/audit/policy.ts';
import { requestInfo } from '@/lib/audit/request-info.ts';

const attrs = (over: Partial<PolicyAttributes>): PolicyAttributes => ({
  user: 'alice',
  groups: ['system:authenticated'],
  verb: 'get',
  path: '/api/v1/namespaces/default/pods/p',
  resource: { group: '', resource: 'pods', namespace: 'default', name: 'p' },
  ...over,
});

const policy = new PolicyEvaluator(
  parsePolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: [system:kube-proxy]
  - level: None
    nonResourceURLs: [/healthz*]
  - level: RequestResponse
    resources:
      - group: ""
        resources: [pods/log, "*/scale"]
  - level: Request
    userGroups: [auditors]
    verbs: [create]
    namespaces: [prod]
  - level: Metadata
    resources:
      - group: apps
        resources: [deployments]
        resourceNames: [web]
    omitStages: [ResponseStarted]
  - level: Metadata
    omitManagedFields: true
`),
);

describe('audit policy', () => {
  it('takes the first rule that matches', () => {
    expect(policy.evaluate(attrs({ user: 'system:kube-proxy' })).level).toBe('None');
    expect(policy.evaluate(attrs({})).level).toBe('Metadata');
    expect(policy.evaluate(attrs({})).omitManagedFields).toBe(true);
  });

  it('matches non-resource URLs with a trailing wildcard, never resource requests', () => {
    expect(policy.evaluate(attrs({ resource: undefined, path: '/healthz/ready' })).level).toBe('None');
    expect(policy.evaluate(attrs({ resource: undefined, path: '/version' })).level).toBe('Metadata');
  });

  it('matches subresources, */scale, groups, namespaces, user groups and resource names', () => {
    const log = attrs({ resource: { group: '', resource: 'pods', subresource: 'log', namespace: 'a', name: 'p' } });
    expect(policy.evaluate(log).level).toBe('RequestResponse');
    const scale = attrs({ resource: { group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'a' } });
    expect(policy.evaluate(scale).level).toBe('Metadata'); // "*/scale" is in the core group rule only
    const coreScale = attrs({
      resource: { group: '', resource: 'replicationcontrollers', subresource: 'scale', namespace: 'a' },
    });
    expect(policy.evaluate(coreScale).level).toBe('RequestResponse');
    const create = { verb: 'create', resource: { group: '', resource: 'configmaps', namespace: 'prod' } };
    expect(policy.evaluate(attrs({ ...create, groups: ['auditors'] })).level).toBe('Request');
    expect(policy.evaluate(attrs({ ...create })).level).toBe('Metadata');
    const web = attrs({ resource: { group: 'apps', resource: 'deployments', namespace: 'a', name: 'web' } });
    expect([...policy.evaluate(web).omitStages].sort()).toEqual(['RequestReceived', 'ResponseStarted']);
  });

  it('is None when no rule matches', () => {
    const p = new PolicyEvaluator(
      parsePolicy('{"apiVersion":"audit.k8s.io/v1","kind":"Policy","rules":[{"level":"Metadata","verbs":["delete"]}]}'),
    );
    expect(p.evaluate(attrs({})).level).toBe('None');
    expect(p.evaluate(attrs({ verb: 'delete' })).level).toBe('Metadata');
  });

  it('knows before authentication whether a body may be needed', () => {
    expect(policy.maxLevel).toBe('RequestResponse');
    expect(
      policy.levelBeforeAuth({
        verb: 'create',
        path: '/x',
        resource: { group: '', resource: 'configmaps', namespace: 'prod' },
      }),
    ).toBe('Request');
    expect(
      policy.levelBeforeAuth({
        verb: 'get',
        path: '/x',
        resource: { group: '', resource: 'configmaps', namespace: 'dev' },
      }),
    ).toBe('Metadata');
  });

  it('refuses malformed policies with the reason', () => {
    expect(() => parsePolicy('kind: Policy\napiVersion: audit.k8s.io/v1\nrules: []')).toThrow(PolicyError);
    expect(() => parsePolicy('kind: Policy\napiVersion: audit.k8s.io/v1\nrules: [{level: Loud}]')).toThrow(
      /rules\.0\.level/,
    );
    expect(() =>
      parsePolicy(
        'kind: Policy\napiVersion: audit.k8s.io/v1\nrules: [{level: None, nonResourceURLs: [/x], namespaces: [a]}]',
      ),
    ).toThrow(/not both/);
    expect(() => parsePolicy('{')).toThrow(/not valid YAML or JSON/);
  });

  it('the default policy records every API request at Metadata, user changes with the request, and no probes', () => {
    const p = new PolicyEvaluator(DEFAULT_POLICY);
    expect(p.evaluate(attrs({ verb: 'create' })).level).toBe('Metadata');
    expect(p.evaluate(attrs({ resource: undefined, path: '/healthz' })).level).toBe('None');
    expect(p.evaluate(attrs({ resource: undefined, path: '/api/login', verb: 'login' })).level).toBe('Metadata');
    const users = { group: 'entroos.io', resource: 'users', namespace: '' };
    expect(p.evaluate(attrs({ verb: 'patch', resource: users })).level).toBe('Request');
    const secret = { group: '', resource: 'secrets', namespace: 'a', name: 's' };
    expect(p.evaluate(attrs({ verb: 'create', resource: secret })).level).toBe('Metadata');
  });
});

describe('request info', () => {
  it('reads Kubernetes paths like kube-apiserver', () => {
    expect(requestInfo('GET', '/api/v1/namespaces/default/pods/web-1/log')).toEqual({
      verb: 'get',
      objectRef: { resource: 'pods', namespace: 'default', name: 'web-1', subresource: 'log', apiVersion: 'v1' },
    });
    expect(requestInfo('POST', '/apis/apps/v1/namespaces/x/deployments').objectRef).toEqual({
      resource: 'deployments',
      namespace: 'x',
      apiGroup: 'apps',
      apiVersion: 'v1',
    });
    expect(requestInfo('GET', '/api/v1/pods', true).verb).toBe('watch');
    expect(requestInfo('DELETE', '/api/v1/namespaces/a/pods').verb).toBe('deletecollection');
    expect(requestInfo('PUT', '/api/v1/namespaces/a/finalize').objectRef).toMatchObject({
      resource: 'namespaces',
      name: 'a',
      subresource: 'finalize',
    });
    expect(requestInfo('GET', '/apis/entroos.io/v1/users/u1').objectRef).toMatchObject({
      resource: 'users',
      name: 'u1',
      apiGroup: 'entroos.io',
    });
    expect(requestInfo('GET', '/apis/apps/v1')).toEqual({ verb: 'get' });
    expect(requestInfo('POST', '/api/login')).toEqual({ verb: 'post' });
  });
});
