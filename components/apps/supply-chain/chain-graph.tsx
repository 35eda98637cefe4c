'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { lineage, type LineageNode } from '@/lib/apps/supply-chain/lineage.ts';
import type { Batch, BatchPhase } from '@/lib/apps/supply-chain/types.ts';
import { batchPage } from './links';

// The whole chain around one batch: what it was made from (left) and what was made from it (right), each batch a
// link coloured and labelled by its verdict, so a recall's or a tampering's reach is visible at a glance. The
// "Inputs and outputs" lists beside it say the same in text.

const COLUMN = 190;
const ROW = 46;
const BOX = { width: 160, height: 32 };
const STROKE: Record<BatchPhase, string> = {
  Complete: 'var(--ok)',
  BrokenChain: 'var(--danger)',
  Tampered: 'var(--danger)',
  Recalled: 'var(--danger)',
  Pending: 'var(--muted)',
};
const WORD: Record<BatchPhase, string> = {
  Complete: 'verified',
  BrokenChain: 'broken chain',
  Tampered: 'tampered',
  Recalled: 'recalled',
  Pending: 'pending',
};

export function ChainGraph({ batches, name }: { batches: readonly Batch[]; name: string }) {
  const graph = useMemo(() => lineage(batches, name), [batches, name]);
  const namespace = batches.find((b) => b.metadata.name === name)?.metadata.namespace ?? '';
  if (graph.nodes.length < 2) return <p className="muted">Nothing was made from this batch, nor it from another.</p>;
  const minDepth = Math.min(...graph.nodes.map((n) => n.depth));
  const maxDepth = Math.max(...graph.nodes.map((n) => n.depth));
  const rows = Math.max(...graph.nodes.map((n) => n.row)) + 1;
  const position = (n: LineageNode) => ({ x: (n.depth - minDepth) * COLUMN + 8, y: n.row * ROW + 8 });
  const width = (maxDepth - minDepth) * COLUMN + BOX.width + 16;
  const height = rows * ROW + 8;
  return (
    <div style={{ overflowX: 'auto' }}>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        data-testid="sc-chain-graph"
        aria-label={`The chain of ${name}: ${graph.nodes.length} batches`}
        role="group"
      >
        {graph.edges.map((e) => {
          const from = position(e.from);
          const to = position(e.to);
          const x1 = from.x + BOX.width;
          const y1 = from.y + BOX.height / 2;
          const x2 = to.x;
          const y2 = to.y + BOX.height / 2;
          const mid = (x1 + x2) / 2;
          return (
            <path
              key={`${e.from.name}→${e.to.name}`}
              d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
              fill="none"
              stroke="var(--border)"
              strokeWidth={1.5}
            />
          );
        })}
        {graph.nodes.map((n) => {
          const { x, y } = position(n);
          const phase = n.phase ?? 'Pending';
          const label = n.name.length > 20 ? `${n.name.slice(0, 19)}…` : n.name;
          return (
            <Link key={n.name} href={batchPage(namespace, n.name)} aria-label={`${n.name}, ${WORD[phase]}`}>
              <g data-batch={n.name} data-phase={phase}>
                <title>{`${n.name} — ${WORD[phase]}`}</title>
                <rect
                  x={x}
                  y={y}
                  width={BOX.width}
                  height={BOX.height}
                  rx={6}
                  fill="var(--panel)"
                  stroke={STROKE[phase]}
                  strokeWidth={n.depth === 0 ? 3 : 1.5}
                />
                <text x={x + 8} y={y + 20} fontSize={12} fill="var(--text)" fontWeight={n.depth === 0 ? 700 : 400}>
                  {phase === 'Complete' ? '✓ ' : phase === 'Pending' ? '… ' : '✗ '}
                  {label}
                </text>
              </g>
            </Link>
          );
        })}
      </svg>
      {graph.truncated && <p className="muted">The chain is larger than shown (the first 150 batches).</p>}
    </div>
  );
}
