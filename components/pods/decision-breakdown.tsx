'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DataTable, type Column } from '@/components/data-table';
import type { NodeDetail } from '@/lib/scheduler/decisions.ts';

const COLORS = ['#3b82f6', '#16a34a', '#d97706', '#7c3aed', '#dc2626', '#0891b2'];
const SHOWN = 10;

/**
 * A decision's per-node detail: each feasible node's total as the weighted
 * per-plugin scores that make it up (chart and table), and the filter
 * verdict of every node that was ruled out.
 */
export function DecisionBreakdown({ detail, chosen }: { detail: NodeDetail[]; chosen?: string }) {
  const feasible = detail
    .filter((d) => d.feasible)
    .sort((a, b) => (b.total ?? 0) - (a.total ?? 0))
    .slice(0, SHOWN);
  const plugins = [...new Set(feasible.flatMap((d) => Object.keys(d.scores ?? {})))];
  const data = feasible.map((d) => ({
    node: d.node === chosen ? `${d.node} ✓` : d.node,
    ...Object.fromEntries(
      plugins.map((p) => [p, Math.round((d.scores?.[p]?.normalized ?? 0) * (d.scores?.[p]?.weight ?? 0) * 100) / 100]),
    ),
  }));
  const filtered = detail.filter((d) => !d.feasible);
  type Row = NodeDetail;
  const columns: Column<Row>[] = [
    { header: 'Node', cell: (d) => (d.node === chosen ? <strong>{d.node}</strong> : d.node) },
    { header: 'Verdict', cell: (d) => (d.feasible ? 'feasible' : `filtered by ${d.plugin ?? '?'}: ${d.reason ?? ''}`) },
    ...plugins.map((p) => ({
      header: p,
      cell: (d: Row) => (d.scores?.[p] ? `${d.scores[p].normalized.toFixed(1)} × ${d.scores[p].weight}` : '—'),
    })),
    { header: 'Total', cell: (d) => d.total?.toFixed(1) ?? '—' },
    { header: 'Entropy after', cell: (d) => d.entropyAfter?.toFixed(2) ?? '—' },
  ];
  return (
    <div data-testid="decision-breakdown">
      {feasible.length > 0 && (
        <figure className="chart" style={{ margin: '12px 0' }}>
          <figcaption>
            <strong>Score by plugin</strong>{' '}
            <span className="muted">(normalized × weight, the {feasible.length} best feasible nodes)</span>
          </figcaption>
          <div style={{ width: '100%', height: 220 }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                data={data}
                margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
                title="Weighted plugin scores per node"
              >
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis
                  dataKey="node"
                  tick={{ fontSize: 11, fill: 'var(--muted)' }}
                  interval={0}
                  angle={-20}
                  height={50}
                  textAnchor="end"
                />
                <YAxis tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                <Tooltip
                  contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {plugins.map((p, i) => (
                  <Bar key={p} dataKey={p} stackId="score" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        </figure>
      )}
      <DataTable
        rows={[...feasible, ...filtered]}
        columns={columns}
        testId="decision-nodes"
        empty="No per-node detail."
        limit={60}
      />
    </div>
  );
}
