import { describe, expect, it } from 'vitest';
import { execute, parse, subscribe, validateSchema, type ExecutionResult } from 'graphql';
import { WatchCache } from '@/lib/store/watch-cache.ts';
import { ObjectApi } from '@/lib/apiserver/object-api.ts';
import { Authorizer } from '@/lib/auth/authorizer.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import type { NodeReads } from '@/lib/apiserver/node-reads.ts';
import {
  customTypesFor,
  registerCustomTypes,
  RESOURCE_TYPES,
  typeByKey,
  unregisterCustomTypes,
} from '@/lib/apimachinery/registry.ts';
import type { CustomResourceDefinition } from '@/lib/apimachinery/generated/kinds.ts';
import { buildSchema, currentSchema } from '@/lib/graphql/schema/index.ts';
import { GraphqlContext } from '@/lib/graphql/context.ts';
import type { EntroosSources, GraphqlDeps } from '@/lib/graphql/deps.ts';
import { prepare, runHttp, type RequestErrors } from '@/lib/graphql/execute.ts';
import { fieldName, rootNames } from '@/lib/graphql/names.ts';
import { resolvePersisted, sha256 } from '@/lib/graphql/limits.ts';
import { formatError } from '@/lib/graphql/errors.ts';

// The GraphQL layer over an in-memory watch cache: the generated schema, relations batched into a bounded number
// of reads, writes with the REST API's errors, subscriptions in order and resumable, and the limits.

const OPTIONS = { historyFields: ['cpuUsed', 'memUsed'] };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token' };
const viewer: Principal = { userId: 'u-viewer', username: 'vera', role: 'viewer', via: 'token' };

function setup(historySize = 10_000) {
  const cache = new WatchCache({ objects: [], resourceVersion: 0 }, { historySize, persist: async () => {} });
  const api = new ObjectApi(cache);
  const sources: EntroosSources = {
    decisions: (pods) => pods.map((p) => ({ pod: p.metadata.name, node: (p.spec as { nodeName?: string }).nodeName })),
    recentDecisions: () => [],
    placements: async (pods) => pods.map((p) => ({ podUid: p.metadata.uid, commitment: `c-${p.metadata.name}` })),
    listPlacements: async () => [],
    proof: async () => null,
    verifyProofs: async () => ({ valid: true, verified: [], invalid: [] }),
    history: () => ({ window: '15m', stepSeconds: 10, points: [] }),
    scheduler: () => ({ nodes: 0 }),
    runLab: async () => ({}),
  };
  const nodes: NodeReads = {
    logs: async () => undefined,
    usage: async () => ({ node: () => ({ cpuMilli: 5, memoryBytes: 7 }), pod: () => undefined }),
  };
  const deps: GraphqlDeps = { api, authorizer: new Authorizer(cache), nodes, sources };
  const ctx = (who: Principal = admin) => new GraphqlContext(deps, who, { transport: 'http' });
  const run = async (query: string, variables?: Record<string, unknown>, who: Principal = admin) => {
    const c = ctx(who);
    const result = (await execute({
      schema: currentSchema(OPTIONS),
      document: parse(query),
      variableValues: variables,
      contextValue: c,
    })) as ExecutionResult;
    return { result, ctx: c, errors: result.errors?.map((e) => formatError(e)) };
  };
  return { cache, api, deps, ctx, run };
}

async function seed(api: ObjectApi) {
  await api.create(typeByKey('namespaces'), undefined, { metadata: { name: 'default' } });
  for (const name of ['n1', 'n2']) await api.create(typeByKey('nodes'), undefined, { metadata: { name } });
}

const pod = (name: string, nodeName?: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] },
});

describe('the generated schema', () => {
  it('is valid and has a type, a list and a get for every readable built-in kind', () => {
    const schema = buildSchema(OPTIONS);
    expect(validateSchema(schema)).toEqual([]);
    const query = schema.getQueryType()!.getFields();
    for (const t of RESOURCE_TYPES.filter((r) => r.verbs.includes('list'))) {
      const { one, many } = rootNames(t.kind, t.plural);
      expect(schema.getType(t.kind), t.kind).toBeDefined();
      expect(query[many], many).toBeDefined();
      expect(query[one], one).toBeDefined();
    }
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toContain('pods');
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(
      expect.arrayContaining(['createPod', 'patchDeployment', 'scaleDeployment', 'deleteNode', 'verifyProofs']),
    );
  });

  it('names resources and fields the way GraphQL can spell them', () => {
    expect(rootNames('ReplicaSet', 'replicasets')).toEqual({ one: 'replicaSet', many: 'replicaSets' });
    expect(rootNames('Endpoints', 'endpoints')).toEqual({ one: 'endpoints', many: 'endpointsList' });
    expect(rootNames('PriorityClass', 'priorityclasses')).toEqual({ one: 'priorityClass', many: 'priorityClasses' });
    expect(fieldName('color-name')).toBe('colorName');
    expect(fieldName('x-kubernetes-int-or-string')).toBe('xKubernetesIntOrString');
    expect(fieldName('2fa')).toBe('_2fa');
    expect(fieldName('__proto')).toBe('f__proto');
  });

  it('a custom resource enters the schema with its CRD and leaves with it', () => {
    const crd = {
      metadata: { name: 'gadgets.unit.example.com' },
      spec: {
        group: 'unit.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    } as unknown as CustomResourceDefinition;
    registerCustomTypes('gadgets.unit.example.com', customTypesFor(crd));
    try {
      const schema = currentSchema(OPTIONS);
      expect(schema.getType('Gadget')).toBeDefined();
      expect(schema.getType('GadgetSpec')).toBeDefined();
      expect(schema.getQueryType()!.getFields().gadgets).toBeDefined();
    } finally {
      unregisterCustomTypes('gadgets.unit.example.com');
    }
    expect(currentSchema(OPTIONS).getType('Gadget')).toBeUndefined();
  });
});

describe('queries and relations', () => {
  it('reads 1,000 pods with their node, decision and proof in a bounded number of reads', async () => {
    const { api, run } = setup();
    await seed(api);
    for (let i = 0; i < 1000; i++) await api.create(typeByKey('pods'), 'default', pod(`p${i}`, i % 2 ? 'n1' : 'n2'));
    const query = `query ($limit: Int) { pods(namespace: "default", limit: $limit) { items {
      metadata { name } node { metadata { name } usage { cpuMilli } } decision { node } proof { commitment } } } }`;
    const big = await run(query, { limit: 1000 });
    expect(big.errors).toBeUndefined();
    const items = (big.result.data as any).pods.items;
    expect(items).toHaveLength(1000);
    expect(items[1]).toEqual({
      metadata: { name: 'p1' },
      node: { metadata: { name: 'n1' }, usage: { cpuMilli: 5 } },
      decision: { node: 'n1' },
      proof: { commitment: 'c-p1' },
    });
    expect(big.ctx.reads).toEqual({ list: 1, nodes: 1, usage: 1, decisions: 1, proofs: 1 });
    const small = await run(query, { limit: 3 });
    expect(small.ctx.reads).toEqual(big.ctx.reads);
  });

  it('authorizes each type: a viewer lists pods but not Secrets, and cannot write', async () => {
    const { api, run } = setup();
    await seed(api);
    await api.create(typeByKey('secrets'), 'default', { metadata: { name: 's' }, stringData: { k: 'v' } });
    const read = await run('{ pods { items { metadata { name } } } secrets { items { data } } }', undefined, viewer);
    expect((read.result.data as any).pods.items).toEqual([]);
    expect((read.result.data as any).secrets).toBeNull();
    expect(read.errors?.[0]).toMatchObject({ path: ['secrets'], extensions: { code: 'Forbidden' } });
    const write = await run(
      'mutation { createConfigMap(namespace: "default", body: { metadata: { name: "x" } }) { metadata { name } } }',
      undefined,
      viewer,
    );
    expect(write.errors?.[0].extensions).toMatchObject({ code: 'Forbidden', status: { code: 403 } });
  });

  it('a write refused by validation carries the Status and its causes', async () => {
    const { api, run } = setup();
    await seed(api);
    const bad = await run('mutation ($b: JSON!) { createPod(namespace: "default", body: $b) { metadata { name } } }', {
      b: { metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }] } },
    });
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'Invalid',
      status: { kind: 'Status', code: 422, reason: 'Invalid' },
      causes: [expect.objectContaining({ field: expect.stringContaining('image') })],
    });
  });
});

describe('subscriptions', () => {
  const SUB =
    'subscription ($rv: String) { configMaps(namespace: "default", labelSelector: "w=y", resourceVersion: $rv) { type resourceVersion object { metadata { name } } } }';

  async function open(setupResult: ReturnType<typeof setup>, rv?: string) {
    const iterator = (await subscribe({
      schema: currentSchema(OPTIONS),
      document: parse(SUB),
      variableValues: { rv },
      contextValue: setupResult.ctx(),
    })) as AsyncIterableIterator<ExecutionResult> | ExecutionResult;
    return iterator;
  }

  it('delivers every change once, in order, and resumes from a resourceVersion without missing any', async () => {
    const s = setup();
    await seed(s.api);
    const cms = typeByKey('configmaps');
    const stream = (await open(s)) as AsyncIterableIterator<ExecutionResult>;
    await s.api.create(cms, 'default', { metadata: { name: 'a', labels: { w: 'y' } } });
    await s.api.create(cms, 'default', { metadata: { name: 'other', labels: { w: 'n' } } });
    await s.api.patch(cms, 'default', 'a', 'merge', { data: { k: '1' } });
    await s.api.patch(cms, 'default', 'a', 'merge', { metadata: { labels: { w: 'n' } } });
    const got: any[] = [];
    for (let i = 0; i < 3; i++) got.push(((await stream.next()).value as ExecutionResult).data!.configMaps);
    expect(got.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
    await stream.return?.();
    // The listener is gone once the client leaves.
    expect((await stream.next()).done).toBe(true);

    await s.api.create(cms, 'default', { metadata: { name: 'b', labels: { w: 'y' } } });
    const resumed = (await open(s, got[0].resourceVersion)) as AsyncIterableIterator<ExecutionResult>;
    const replay: any[] = [];
    for (let i = 0; i < 3; i++) replay.push(((await resumed.next()).value as ExecutionResult).data!.configMaps);
    expect(replay.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['MODIFIED a', 'DELETED a', 'ADDED b']);
    expect(replay.map((e) => e.resourceVersion)).toEqual([
      got[1].resourceVersion,
      got[2].resourceVersion,
      expect.any(String),
    ]);
    await resumed.return?.();
  });

  it('a resume older than the history is an Expired error telling the client to relist', async () => {
    const s = setup(100);
    await seed(s.api);
    for (let i = 0; i < 150; i++)
      await s.api.create(typeByKey('configmaps'), 'default', { metadata: { name: `f${i}` } });
    const result = (await open(s, '1')) as ExecutionResult;
    const error = formatError(result.errors![0]);
    expect(error.extensions).toMatchObject({ code: 'Expired', status: { code: 410 } });
    expect(error.message).toMatch(/list again/);
  });
});

describe('limits', () => {
  const schema = buildSchema(OPTIONS);
  const status = (query: string) => {
    try {
      prepare(schema, { query });
      return 200;
    } catch (err) {
      return (err as RequestErrors).status;
    }
  };

  it('refuses malformed, too deep, too complex and too long operations before running them', () => {
    expect(status('{ pods { items { metadata { name } } } }')).toBe(200);
    expect(status('{ pods {')).toBe(400);
    let deep = 'metadata { name }';
    for (let i = 0; i < 8; i++) deep = `node { pods { ${deep} } }`;
    expect(status(`{ pods { items { ${deep} } } }`)).toBe(400);
    expect(status('{ pods(limit: 100000) { items { metadata { name } node { metadata { name } } } } }')).toBe(400);
    expect(status(`{ pods { resourceVersion } }${' '.repeat(100_001)}`)).toBe(413);
  });

  it('runs persisted operations by hash, and refuses a hash that does not match its query', () => {
    const query = '{ pods { resourceVersion } }';
    const hash = sha256(query);
    expect(() => resolvePersisted(undefined, { version: 1, sha256Hash: hash })).toThrow('PersistedQueryNotFound');
    expect(resolvePersisted(query, { version: 1, sha256Hash: hash })).toBe(query);
    expect(resolvePersisted(undefined, { version: 1, sha256Hash: hash })).toBe(query);
    expect(() => resolvePersisted('{ nodes { resourceVersion } }', { version: 1, sha256Hash: hash })).toThrow(
      /does not match/,
    );
  });

  it('answers a subscription over HTTP and a mutation over GET with a clear refusal', async () => {
    const { ctx } = setup();
    const sub = await runHttp(schema, { query: 'subscription { pods { type } }' }, 'POST', ctx());
    expect(sub.status).toBe(400);
    const get = await runHttp(schema, { query: 'mutation { verifyProofs { valid } }' }, 'GET', ctx());
    expect(get.status).toBe(405);
  });
});
