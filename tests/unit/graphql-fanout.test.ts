import { describe, expect, it } from 'vitest';
import { parse, type ExecutionResult } from 'graphql';
import { WatchCache } from '@/lib/store/watch-cache.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { Authorizer } from '@/lib/auth/authorizer.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import type { NodeReads } from '@/lib/apiserver/node-reads.ts';
import { typeByKey } from '@/lib/apimachinery/registry.ts';
import { currentSchema } from '@/lib/graphql/schema/index.ts';
import { GraphqlContext } from '@/lib/graphql/context.ts';
import type { EntroosSources, GraphqlDeps } from '@/lib/graphql/deps.ts';
import { SharedSubscriptions } from '@/lib/graphql/fanout.ts';

// Subscribers asking the same operation with the same authorization share one execution per change; subscribers
// whose authorization differs never share (a user who may list Secrets but not get them never sees their data
// because an admin asked the same), and each still gets every change once, in order, from its own resume point.

const OPTIONS = { historyFields: [] };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token' };
const admin2: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'session' };
const lister: Principal = { userId: 'lister', username: 'lister', role: 'viewer', via: 'token', unbound: true };

async function setup() {
  const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize: 10_000, persist: async () => {} });
  const api = new ObjectApi(cache);
  const sources = {} as EntroosSources;
  const nodes: NodeReads = {
    logs: async () => undefined,
    usage: async () => ({ node: () => undefined, pod: () => undefined }),
  };
  const deps: GraphqlDeps = { api, authorizer: new Authorizer(cache), nodes, sources };
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  // `lister` may list and watch Secrets, not get them: their values are not for it.
  await api.create(typeByKey('roles.rbac.authorization.k8s.io'), 'default', {
    metadata: { name: 'secret-lister' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] }],
  });
  await api.create(typeByKey('rolebindings.rbac.authorization.k8s.io'), 'default', {
    metadata: { name: 'secret-lister' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-lister' },
    subjects: [{ kind: 'User', name: 'lister', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  const shared = new SharedSubscriptions();
  const open = async (who: Principal, query: string, variables: Record<string, unknown> = {}) => {
    const stream = await shared.subscribe({
      schema: currentSchema(OPTIONS),
      document: parse(query),
      variableValues: variables,
      contextValue: new GraphqlContext(deps, who, { transport: 'websocket' }),
    });
    if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream.errors));
    return stream;
  };
  const take = async (stream: AsyncGenerator<ExecutionResult>, n: number) => {
    const out: ExecutionResult[] = [];
    for (let i = 0; i < n; i++) out.push((await stream.next()).value as ExecutionResult);
    return out;
  };
  return { api, shared, open, take };
}

interface Change {
  type: string;
  object: { metadata: { name: string }; data?: unknown };
}
const change = (r: ExecutionResult, field: string) => (r.data as Record<string, Change>)[field];

const SECRETS = `subscription ($rv: String) { secrets(namespace: "default", resourceVersion: $rv) {
  type resourceVersion object { metadata { name } data } } }`;

describe('shared subscription execution', () => {
  it('executes each change once for subscribers with the same operation and authorization', async () => {
    const s = await setup();
    const a = await s.open(admin, SECRETS);
    const b = await s.open(admin2, SECRETS);
    expect(s.shared.size).toEqual({ groups: 1, members: 2 });
    const secrets = typeByKey('secrets');
    for (let i = 0; i < 5; i++)
      await s.api.create(secrets, 'default', { metadata: { name: `s${i}` }, data: { k: btoa(String(i)) } });
    const [fromA, fromB] = [await s.take(a, 5), await s.take(b, 5)];
    expect(fromB).toEqual(fromA);
    expect(fromA.map((r) => change(r, 'secrets').object.metadata.name)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(s.shared.stats).toEqual({ executions: 5, shared: 5 });
    await a.return(undefined);
    await b.return(undefined);
    expect(s.shared.size).toEqual({ groups: 0, members: 0 });
  });

  it('never shares across authorization: a subscriber who may not get Secrets sees no data', async () => {
    const s = await setup();
    const a = await s.open(admin, SECRETS);
    const l = await s.open(lister, SECRETS);
    expect(s.shared.size).toEqual({ groups: 2, members: 2 });
    await s.api.create(typeByKey('secrets'), 'default', { metadata: { name: 'token' }, data: { k: btoa('hush') } });
    const [[forAdmin], [forLister]] = [await s.take(a, 1), await s.take(l, 1)];
    expect(change(forAdmin, 'secrets').object.data).toEqual({ k: btoa('hush') });
    expect(change(forLister, 'secrets').object).toEqual({ metadata: { name: 'token' }, data: null });
    expect(forLister.errors?.[0].message).toMatch(/forbidden/i);
    expect(s.shared.stats.executions).toBe(2);
    await a.return(undefined);
    await l.return(undefined);
  });

  it('a member resuming from its own resourceVersion gets its replay, then the shared live changes, in order', async () => {
    const s = await setup();
    const cms = typeByKey('configmaps');
    const query = `subscription ($rv: String) { configMaps(namespace: "default", resourceVersion: $rv) {
      type resourceVersion object { metadata { name } } } }`;
    const first = await s.api.create(cms, 'default', { metadata: { name: 'c0' } });
    await s.api.create(cms, 'default', { metadata: { name: 'c1' } });
    const live = await s.open(admin, query);
    const resumed = await s.open(admin, query, { rv: first.metadata.resourceVersion });
    await s.api.create(cms, 'default', { metadata: { name: 'c2' } });
    await s.api.patch(cms, 'default', 'c0', 'merge', { data: { v: '1' } });
    const names = (rs: ExecutionResult[]) =>
      rs.map((r) => `${change(r, 'configMaps').type} ${change(r, 'configMaps').object.metadata.name}`);
    expect(names(await s.take(live, 2))).toEqual(['ADDED c2', 'MODIFIED c0']);
    expect(names(await s.take(resumed, 3))).toEqual(['ADDED c1', 'ADDED c2', 'MODIFIED c0']);
    await live.return(undefined);
    await resumed.return(undefined);
  });
});
