import { describe, expect, it } from 'vitest';
import { buildRelations, type RelationInput } from '@/lib/client/relations.ts';

const owner = (kind: string, name: string) => [
  { apiVersion: 'apps/v1', kind, name, uid: `${name}-uid`, controller: true },
];

function pod(name: string, rs: string | undefined, node?: string, labels: Record<string, string> = {}) {
  return {
    metadata: { name, namespace: 'demo', labels, ...(rs ? { ownerReferences: owner('ReplicaSet', rs) } : {}) },
    spec: { nodeName: node, containers: [{ name: 'c' }] },
    status: {
      phase: node ? 'Running' : 'Pending',
      conditions: node ? [{ type: 'Ready', status: 'True' }] : [],
    },
  } as RelationInput['pods'][number];
}

const demo = (pods: number): RelationInput => ({
  deployments: [
    {
      metadata: { name: 'web', namespace: 'demo' },
      spec: { replicas: pods } as never,
      status: { readyReplicas: pods },
    },
  ],
  replicaSets: [
    {
      metadata: { name: 'web-abc', namespace: 'demo', ownerReferences: owner('Deployment', 'web') },
      spec: { replicas: pods } as never,
      status: { replicas: pods, readyReplicas: pods },
    },
  ],
  pods: Array.from({ length: pods }, (_, i) => pod(`web-abc-${i}`, 'web-abc', `node-${i % 2}`, { app: 'web' })),
  services: [
    { metadata: { name: 'web', namespace: 'demo' }, spec: { selector: { app: 'web' }, clusterIP: '10.0.0.1' } },
  ],
  endpoints: [
    {
      metadata: { name: 'web', namespace: 'demo' },
      subsets: [
        {
          addresses: Array.from({ length: pods }, (_, i) => ({
            ip: `10.1.0.${i}`,
            targetRef: { kind: 'Pod', name: `web-abc-${i}`, namespace: 'demo' },
          })),
        },
      ],
    },
  ],
  nodes: [
    { metadata: { name: 'node-0' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } as never },
    { metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } as never },
  ],
});

const edge = (g: ReturnType<typeof buildRelations>, from: string, to: string) =>
  g.edges.some((e) => e.from === from && e.to === to);

describe('relations map graph', () => {
  it('links deployment → replicaset → pods → nodes and service → endpoints → pods', () => {
    const g = buildRelations(demo(3));
    const ids = g.nodes.map((n) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'Deployment:demo/web',
        'ReplicaSet:demo/web-abc',
        'Pod:demo/web-abc-0',
        'Pod:demo/web-abc-2',
        'Node:node-0',
        'Node:node-1',
        'Service:demo/web',
        'Endpoints:demo/web',
      ]),
    );
    expect(edge(g, 'Deployment:demo/web', 'ReplicaSet:demo/web-abc')).toBe(true);
    expect(edge(g, 'ReplicaSet:demo/web-abc', 'Pod:demo/web-abc-1')).toBe(true);
    expect(edge(g, 'Pod:demo/web-abc-1', 'Node:node-1')).toBe(true);
    expect(edge(g, 'Service:demo/web', 'Endpoints:demo/web')).toBe(true);
    expect(edge(g, 'Endpoints:demo/web', 'Pod:demo/web-abc-2')).toBe(true);
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    expect(byId.get('Pod:demo/web-abc-0')?.href).toBe('/pods/demo/web-abc-0');
    expect(byId.get('Deployment:demo/web')?.href).toBe('/resources/apps/v1/deployments/demo/web');
    expect(byId.get('Node:node-1')).toMatchObject({ tone: 'danger', state: 'NotReady' });
    expect(byId.get('Deployment:demo/web')).toMatchObject({ state: '3/3 ready', tone: 'ok', column: 0 });
    expect(g.collapsed).toBe(0);
  });

  it('gives no two boxes of a column the same row', () => {
    const g = buildRelations(demo(6));
    for (const column of [0, 1, 2, 3]) {
      const rows = g.nodes.filter((n) => n.column === column).map((n) => n.row);
      expect(new Set(rows).size).toBe(rows.length);
    }
  });

  it('folds the pods of a big ReplicaSet into one "+N more" box that keeps their edges', () => {
    const g = buildRelations(demo(500), { maxPodsPerGroup: 5 });
    const pods = g.nodes.filter((n) => n.kind === 'Pod');
    expect(pods).toHaveLength(4);
    const more = g.nodes.find((n) => n.kind === 'More');
    expect(more).toMatchObject({ name: '+496 more', href: '/pods?namespace=demo&q=web-abc' });
    expect(g.collapsed).toBe(496);
    expect(edge(g, 'ReplicaSet:demo/web-abc', more!.id)).toBe(true);
    expect(edge(g, 'Endpoints:demo/web', more!.id)).toBe(true);
    expect(edge(g, more!.id, 'Node:node-0')).toBe(true);
    expect(g.nodes.length).toBeLessThan(15);
  });

  it('links a service without Endpoints to the pods its selector picks', () => {
    const input = { ...demo(2), endpoints: [] };
    const g = buildRelations(input);
    expect(g.nodes.some((n) => n.kind === 'Endpoints')).toBe(false);
    expect(edge(g, 'Service:demo/web', 'Pod:demo/web-abc-0')).toBe(true);
  });

  it('shows owner-less pods, and deployments that have no pods yet', () => {
    const input: RelationInput = {
      deployments: [{ metadata: { name: 'idle', namespace: 'demo' }, spec: { replicas: 0 } as never }],
      pods: [pod('lonely', undefined)],
    };
    const g = buildRelations(input);
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['Deployment:demo/idle', 'Pod:demo/lonely']);
    expect(g.edges).toEqual([]);
  });

  it('centres on a node: marks it, and keeps only services that reach its pods', () => {
    const input = demo(4);
    const onNode = { ...input, pods: input.pods.filter((p) => p.spec?.nodeName === 'node-0') };
    const g = buildRelations(
      { ...onNode, services: [...(input.services ?? []), { metadata: { name: 'other', namespace: 'demo' } }] },
      { focusNode: 'node-0' },
    );
    expect(g.nodes.find((n) => n.id === 'Node:node-0')?.current).toBe(true);
    expect(g.nodes.some((n) => n.id === 'Node:node-1')).toBe(false);
    expect(g.nodes.some((n) => n.id === 'Service:demo/other')).toBe(false);
    expect(g.nodes.filter((n) => n.kind === 'Pod')).toHaveLength(2);
    expect(buildRelations({ pods: [] }, { focusNode: 'empty' }).nodes).toMatchObject([
      { id: 'Node:empty', current: true },
    ]);
  });
});
