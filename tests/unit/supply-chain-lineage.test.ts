import { describe, expect, it } from 'vitest';
import { lineage } from '@/lib/apps/supply-chain/lineage.ts';
import type { Batch } from '@/lib/apps/supply-chain/types.ts';

const batch = (name: string, inputs: string[] = []): Batch => ({
  metadata: { name, namespace: 'coffee', uid: name, resourceVersion: '1' },
  spec: { product: 'coffee', producer: 'x', quantity: 1, unit: 'kg', inputs },
});

describe('a batch lineage', () => {
  // farm-1, farm-2 → coop-1 → roast-1 → bag-1, bag-2; farm-2 also goes straight into roast-1.
  const all = [
    batch('farm-1'),
    batch('farm-2'),
    batch('coop-1', ['farm-1', 'farm-2']),
    batch('roast-1', ['coop-1', 'farm-2']),
    batch('bag-1', ['roast-1']),
    batch('bag-2', ['roast-1']),
    batch('unrelated'),
  ];

  it('puts inputs left and outputs right, a batch reached twice at its farthest distance', () => {
    const { nodes, edges, truncated } = lineage(all, 'roast-1');
    const at = Object.fromEntries(nodes.map((n) => [n.name, [n.depth, n.row]]));
    expect(at).toEqual({
      'roast-1': [0, 0],
      'coop-1': [-1, 0],
      'farm-1': [-2, 0],
      'farm-2': [-2, 1],
      'bag-1': [1, 0],
      'bag-2': [1, 1],
    });
    expect(edges).toHaveLength(6);
    for (const e of edges) expect(e.from.depth).toBeLessThan(e.to.depth);
    expect(truncated).toBe(false);
  });

  it('stops at the limit and says so, and survives a stored cycle', () => {
    expect(lineage(all, 'farm-2', 3)).toMatchObject({ truncated: true });
    expect(lineage(all, 'farm-2', 3).nodes).toHaveLength(3);
    const cyclic = [batch('a', ['b']), batch('b', ['a'])];
    const { nodes } = lineage(cyclic, 'a', 10);
    expect(nodes.map((n) => n.name).sort()).toEqual(['a', 'b']);
  });
});
