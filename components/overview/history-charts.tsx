'use client';

import { useState } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useHistoryQuery } from '@/lib/client/history.ts';
import { WINDOWS, type HistoryWindow, type Point } from '@/lib/history/series.ts';

const COLORS = {
  blue: '#3b82f6',
  green: '#16a34a',
  amber: '#d97706',
  red: '#dc2626',
  gray: '#64748b',
  violet: '#7c3aed',
};
const WINDOW_LABELS: Record<HistoryWindow, string> = { '15m': '15 min', '1h': '1 h', '24h': '24 h' };

interface Series {
  key: keyof Point;
  name: string;
  color: string;
}

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  scale: (v: number) => number;
  series: Series[];
  stacked?: boolean;
}

const cores = (m: number) => Math.round(m / 100) / 10;
const gib = (b: number) => Math.round((b / 2 ** 30) * 10) / 10;
const same = (v: number) => Math.round(v * 10) / 10;

const CHARTS: ChartSpec[] = [
  {
    id: 'nodes',
    title: 'Nodes',
    unit: 'nodes',
    scale: same,
    series: [
      { key: 'nodesTotal', name: 'total', color: COLORS.gray },
      { key: 'nodesReady', name: 'ready', color: COLORS.green },
    ],
  },
  {
    id: 'pods',
    title: 'Pods by phase',
    unit: 'pods',
    scale: same,
    stacked: true,
    series: [
      { key: 'podsRunning', name: 'Running', color: COLORS.green },
      { key: 'podsPending', name: 'Pending', color: COLORS.amber },
      { key: 'podsFailed', name: 'Failed', color: COLORS.red },
      { key: 'podsSucceeded', name: 'Succeeded', color: COLORS.gray },
    ],
  },
  {
    id: 'cpu',
    title: 'CPU',
    unit: 'cores',
    scale: cores,
    series: [
      { key: 'cpuCapacity', name: 'capacity', color: COLORS.gray },
      { key: 'cpuRequested', name: 'requested', color: COLORS.blue },
      { key: 'cpuUsed', name: 'used', color: COLORS.green },
    ],
  },
  {
    id: 'memory',
    title: 'Memory',
    unit: 'GiB',
    scale: gib,
    series: [
      { key: 'memCapacity', name: 'capacity', color: COLORS.gray },
      { key: 'memRequested', name: 'requested', color: COLORS.blue },
      { key: 'memUsed', name: 'used', color: COLORS.green },
    ],
  },
  {
    id: 'entropy',
    title: 'Cluster entropy',
    unit: '/ 100',
    scale: same,
    series: [{ key: 'entropy', name: 'entropy', color: COLORS.violet }],
  },
  {
    id: 'scheduling',
    title: 'Scheduling',
    unit: '',
    scale: same,
    series: [
      { key: 'scheduledPerSecond', name: 'scheduled pods/s', color: COLORS.blue },
      { key: 'queued', name: 'queued pods', color: COLORS.amber },
    ],
  },
  {
    id: 'latency',
    title: 'Scheduling attempt latency',
    unit: 'ms',
    scale: (v) => Math.round(v * 100) / 100,
    series: [{ key: 'attemptP99Ms', name: 'p99', color: COLORS.red }],
  },
];

function timeLabel(t: number, window: HistoryWindow) {
  const d = new Date(t);
  return window === '24h'
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function Chart({ spec, points, window }: { spec: ChartSpec; points: Point[]; window: HistoryWindow }) {
  const data = points.map((p) => {
    const row: Record<string, number | string> = { t: timeLabel(p.t, window) };
    for (const s of spec.series) row[s.name] = spec.scale(p[s.key] as number);
    return row;
  });
  const latest = data.at(-1);
  const summary = latest ? spec.series.map((s) => `${s.name} ${latest[s.name]}`).join(', ') : 'no samples yet';
  const ChartKind = spec.stacked ? AreaChart : LineChart;
  return (
    <figure className="panel chart" data-testid={`chart-${spec.id}`}>
      <figcaption>
        <strong>{spec.title}</strong> <span className="muted">{spec.unit && `(${spec.unit})`}</span>
        <span className="chart-latest muted" data-testid={`chart-${spec.id}-latest`}>
          {summary}
        </span>
      </figcaption>
      <div style={{ width: '100%', height: 180 }}>
        {data.length === 0 ? (
          <p className="muted">Waiting for the first sample…</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <ChartKind
              data={data}
              margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
              title={`${spec.title} over the last ${WINDOW_LABELS[window]}`}
              desc={`Latest: ${summary}`}
            >
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="t" tick={{ fontSize: 11, fill: 'var(--muted)' }} minTickGap={40} />
              <YAxis
                tick={{ fontSize: 11, fill: 'var(--muted)' }}
                allowDecimals={spec.id !== 'nodes' && spec.id !== 'pods'}
              />
              <Tooltip
                contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {spec.series.map((s) =>
                spec.stacked ? (
                  <Area
                    key={s.name}
                    type="monotone"
                    dataKey={s.name}
                    stackId="1"
                    stroke={s.color}
                    fill={s.color}
                    fillOpacity={0.35}
                    isAnimationActive={false}
                  />
                ) : (
                  <Line
                    key={s.name}
                    type="monotone"
                    dataKey={s.name}
                    stroke={s.color}
                    dot={false}
                    strokeWidth={2}
                    isAnimationActive={false}
                  />
                ),
              )}
            </ChartKind>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}

/** The overview's charts, from the history the server keeps, live from the tab's socket. */
export function HistoryCharts({ only, title = 'History' }: { only?: string[]; title?: string }) {
  const [window, setWindow] = useState<HistoryWindow>('15m');
  const history = useHistoryQuery(window);
  return (
    <section aria-labelledby="history-heading">
      <div className="row history-head">
        <h2 id="history-heading">{title}</h2>
        <div role="radiogroup" aria-label="Time window" className="segmented">
          {(Object.keys(WINDOWS) as HistoryWindow[]).map((w) => (
            <button
              key={w}
              type="button"
              role="radio"
              aria-checked={window === w}
              className={`btn${window === w ? ' btn-primary' : ''}`}
              onClick={() => setWindow(w)}
            >
              {WINDOW_LABELS[w]}
            </button>
          ))}
        </div>
      </div>
      {history.isError ? (
        <p className="alert alert-error" role="alert">
          {history.error.message}
        </p>
      ) : (
        <div
          className="charts"
          data-testid="history-charts"
          data-samples={(history.data ?? []).reduce((n, p) => n + p.n, 0)}
        >
          {CHARTS.filter((spec) => !only || only.includes(spec.id)).map((spec) => (
            <Chart key={spec.id} spec={spec} points={history.data ?? []} window={window} />
          ))}
        </div>
      )}
    </section>
  );
}
