'use client';

import { useMemo } from 'react';
import { lineage } from '@/lib/apps/supply-chain/lineage.ts';
import type { Batch, BatchPhase } from '@/lib/apps/supply-chain/types.ts';
import { DagGraph, type DagNode, type DagTone } from '@/components/dag-graph';
import { batchPage } from './links';

// The whole chain around one batch: what it was made from (left) and what was made from it (right), each batch a
// link labelled and coloured by its verdict, so a recall's or a tampering's reach is visible at a glance. The
// "Inputs and outputs" lists beside it say the same in text.

const TONE: Record<BatchPhase, DagTone> = {
  Complete: 'ok',
  BrokenChain: 'danger',
  Tampered: 'danger',
  Recalled: 'danger',
  Pending: 'muted',
};
const WORD: Record<BatchPhase, string> = {
  Complete: 'verified',
  BrokenChain: 'broken chain',
  Tampered: 'tampered',
  Recalled: 'recalled',
  Pending: 'pending',
};

export function ChainGraph({ batches, name }: { batches: readonly Batch[]; name: string }) {
  const graph = useMemo(() => {
    const { nodes, edges, truncated } = lineage(batches, name);
    const namespace = batches.find((b) => b.metadata.name === name)?.metadata.namespace ?? '';
    const drawn = new Map<string, DagNode>(
      nodes.map((n) => {
        const phase = n.phase ?? 'Pending';
        return [
          n.name,
          {
            id: n.name,
            label: n.name,
            column: n.depth,
            row: n.row,
            tone: TONE[phase],
            state: WORD[phase],
            href: batchPage(namespace, n.name),
            current: n.depth === 0,
          },
        ];
      }),
    );
    const links = edges.flatMap((e) => {
      const from = drawn.get(e.from.name);
      const to = drawn.get(e.to.name);
      return from && to ? [{ from, to }] : [];
    });
    return { nodes: [...drawn.values()], edges: links, truncated };
  }, [batches, name]);
  if (graph.nodes.length < 2) return <p className="muted">Nothing was made from this batch, nor it from another.</p>;
  return (
    <>
      <DagGraph
        nodes={graph.nodes}
        edges={graph.edges}
        label={`The chain of ${name}: ${graph.nodes.length} batches`}
        testId="sc-chain-graph"
      />
      {graph.truncated && <p className="muted">The chain is larger than shown (the first 150 batches).</p>}
    </>
  );
}
