import Link from 'next/link';

// A small left-to-right graph of boxes in columns, drawn as SVG: the supply chain's lineage of a batch and a CI run's
// steps. Each box says its state in words (a mark and the aria-label), never only by its colour; a box with an
// href is a link.

export type DagTone = 'ok' | 'danger' | 'muted' | 'active';

export interface DagNode {
  id: string;
  label: string;
  column: number;
  row: number;
  tone: DagTone;
  /** The state in words, for the aria-label and the tooltip. */
  state: string;
  href?: string;
  /** Drawn thicker and bold: the object the page is about. */
  current?: boolean;
}

const COLUMN = 190;
const ROW = 46;
const BOX = { width: 160, height: 32 };
const STROKE: Record<DagTone, string> = {
  ok: 'var(--ok)',
  danger: 'var(--danger)',
  muted: 'var(--muted)',
  active: 'var(--accent)',
};
const MARK: Record<DagTone, string> = { ok: '✓ ', danger: '✗ ', muted: '… ', active: '▶ ' };

export function DagGraph({
  nodes,
  edges,
  label,
  testId,
}: {
  nodes: readonly DagNode[];
  edges: readonly { from: DagNode; to: DagNode }[];
  label: string;
  testId: string;
}) {
  const minColumn = Math.min(...nodes.map((n) => n.column));
  const columns = Math.max(...nodes.map((n) => n.column)) - minColumn;
  const rows = Math.max(...nodes.map((n) => n.row)) + 1;
  const position = (n: DagNode) => ({ x: (n.column - minColumn) * COLUMN + 8, y: n.row * ROW + 8 });
  const width = columns * COLUMN + BOX.width + 16;
  const height = rows * ROW + 8;
  return (
    <div style={{ overflowX: 'auto' }}>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        data-testid={testId}
        aria-label={label}
        role="group"
      >
        {edges.map((e) => {
          const from = position(e.from);
          const to = position(e.to);
          const x1 = from.x + BOX.width;
          const y1 = from.y + BOX.height / 2;
          const y2 = to.y + BOX.height / 2;
          const mid = (x1 + to.x) / 2;
          return (
            <path
              key={`${e.from.id}→${e.to.id}`}
              d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${to.x},${y2}`}
              fill="none"
              stroke="var(--border)"
              strokeWidth={1.5}
            />
          );
        })}
        {nodes.map((n) => {
          const { x, y } = position(n);
          const text = n.label.length > 20 ? `${n.label.slice(0, 19)}…` : n.label;
          const box = (
            <g data-node={n.id} data-state={n.state}>
              <title>{`${n.label} — ${n.state}`}</title>
              <rect
                x={x}
                y={y}
                width={BOX.width}
                height={BOX.height}
                rx={6}
                fill="var(--panel)"
                stroke={STROKE[n.tone]}
                strokeWidth={n.current ? 3 : 1.5}
              />
              <text x={x + 8} y={y + 20} fontSize={12} fill="var(--text)" fontWeight={n.current ? 700 : 400}>
                {MARK[n.tone]}
                {text}
              </text>
            </g>
          );
          return n.href ? (
            <Link key={n.id} href={n.href} aria-label={`${n.label}, ${n.state}`}>
              {box}
            </Link>
          ) : (
            <g key={n.id} role="img" aria-label={`${n.label}, ${n.state}`}>
              {box}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
