'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useNodeHistoryQuery } from '@/lib/client/history.ts';

/** A node's cpu and memory use over the last 15 minutes, against what it can allocate. */
export function NodeUsageChart({
  name,
  allocatableCpuMilli,
  allocatableMemoryBytes,
}: {
  name: string;
  allocatableCpuMilli: number;
  allocatableMemoryBytes: number;
}) {
  const history = useNodeHistoryQuery(name);
  const data = (history.data ?? []).map((p) => ({
    t: new Date(p.t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    'cpu %': allocatableCpuMilli ? Math.round((p.cpuUsed / allocatableCpuMilli) * 1000) / 10 : 0,
    'memory %': allocatableMemoryBytes ? Math.round((p.memUsed / allocatableMemoryBytes) * 1000) / 10 : 0,
  }));
  const latest = data.at(-1);
  return (
    <section className="panel" data-testid="node-usage">
      <h2>Usage, last 15 minutes</h2>
      {history.isError ? (
        <p className="alert alert-error" role="alert">
          {history.error.message}
        </p>
      ) : !latest ? (
        <p className="muted">No samples yet: usage is sampled every 10 s while the node runs.</p>
      ) : (
        <figure className="chart" style={{ margin: 0 }}>
          <figcaption className="muted" data-testid="node-usage-latest">
            Latest: cpu {latest['cpu %']}% · memory {latest['memory %']}% of allocatable
          </figcaption>
          <div style={{ width: '100%', height: 200 }}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart
                data={data}
                margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
                title={`Usage of ${name} (% of allocatable)`}
              >
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="t" tick={{ fontSize: 11, fill: 'var(--muted)' }} minTickGap={40} />
                <YAxis tick={{ fontSize: 11, fill: 'var(--muted)' }} domain={[0, 100]} unit="%" />
                <ReferenceLine y={100} stroke="var(--danger)" strokeDasharray="4 4" />
                <Tooltip
                  contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Line
                  type="monotone"
                  dataKey="cpu %"
                  stroke="#3b82f6"
                  dot={false}
                  strokeWidth={2}
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="memory %"
                  stroke="#16a34a"
                  dot={false}
                  strokeWidth={2}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </figure>
      )}
    </section>
  );
}
