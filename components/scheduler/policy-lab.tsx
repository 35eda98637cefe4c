'use client';

import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DataTable, type Column } from '@/components/data-table';
import { FormField } from '@/components/form-field';
import { useLabRunMutation, type LabRun, type LabSample } from '@/lib/client/scheduler.ts';

const COLORS = ['#3b82f6', '#16a34a', '#d97706', '#7c3aed'];
type Row = LabRun['results'][number];

const resultColumns: Column<Row>[] = [
  { header: 'Profile', cell: (r) => <code>{r.profile}</code> },
  { header: 'Final entropy', cell: (r) => r.final.entropy.toFixed(1) },
  { header: 'Utilisation std dev', cell: (r) => r.final.utilisationStdDev.toFixed(3) },
  { header: 'Nodes used', cell: (r) => r.final.nodesUsed },
  { header: 'Scheduled', cell: (r) => r.final.scheduled },
  { header: 'Pending', cell: (r) => r.final.pending },
  { header: 'Pods/s (sandbox)', cell: (r) => Math.round(r.podsPerSecond) },
];

/** One metric over time, a line per profile. */
function CompareChart({ run, metric, title }: { run: LabRun; metric: keyof LabSample; title: string }) {
  const byTime = new Map<number, Record<string, number>>();
  for (const r of run.results)
    for (const s of r.samples)
      byTime.set(s.atMs, {
        ...(byTime.get(s.atMs) ?? { t: s.atMs / 1000 }),
        [r.profile]: Math.round(s[metric] * 1000) / 1000,
      });
  const data = [...byTime.values()].sort((a, b) => a.t - b.t);
  return (
    <figure className="panel chart" data-testid={`lab-chart-${metric}`}>
      <figcaption>
        <strong>{title}</strong> <span className="muted">over the workload (s)</span>
      </figcaption>
      <div style={{ width: '100%', height: 200 }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} title={`${title} by profile`}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="t" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
            <YAxis tick={{ fontSize: 11, fill: 'var(--muted)' }} />
            <Tooltip
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {run.results.map((r, i) => (
              <Line
                key={r.profile}
                type="monotone"
                dataKey={r.profile}
                stroke={COLORS[i % COLORS.length]}
                dot={false}
                strokeWidth={2}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/**
 * The policy laboratory: pick profiles and a generated workload, run it in
 * isolated in-memory clusters (same seed for every profile), compare.
 */
export function PolicyLab({ profiles }: { profiles: string[] }) {
  const run = useLabRunMutation();
  const [chosen, setChosen] = useState<string[]>(profiles.slice(0, 2));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => Number(f.get(k));
    const problems: Record<string, string> = {};
    if (!chosen.length) problems.profiles = 'pick at least one profile';
    for (const [k, min, max] of [
      ['nodes', 1, 2000],
      ['pods', 1, 20000],
      ['duration', 0, 3600],
      ['seed', 0, 2 ** 31 - 1],
    ] as const) {
      const v = num(k);
      if (!Number.isFinite(v) || v < min || v > max || !Number.isInteger(v))
        problems[k] = `a whole number from ${min} to ${max}`;
    }
    setErrors(problems);
    if (Object.keys(problems).length) return;
    const durationMs = num('duration') * 1000;
    run.mutate({
      profiles: chosen,
      seed: num('seed'),
      generateNodes: { count: num('nodes') },
      generateWorkload: { pods: num('pods'), durationMs },
      sampleEveryMs: Math.max(100, Math.round(durationMs / 60)),
    });
  };
  return (
    <section className="panel" data-testid="policy-lab">
      <h2>Policy laboratory</h2>
      <p className="muted">
        Replays one generated workload under each profile in its own in-memory cluster (the real cluster is untouched),
        with the same seed, and compares how they place it.
      </p>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Profiles to compare</legend>
          <div className="row">
            {profiles.map((p) => (
              <label key={p}>
                <input
                  type="checkbox"
                  checked={chosen.includes(p)}
                  onChange={(e) =>
                    setChosen((c) => (e.target.checked ? [...c, p].slice(-4) : c.filter((x) => x !== p)))
                  }
                />{' '}
                {p}
              </label>
            ))}
          </div>
          {errors.profiles && <span className="field-error">{errors.profiles}</span>}
        </fieldset>
        <div className="row">
          <FormField id="lab-nodes" name="nodes" label="Nodes" type="number" defaultValue={50} error={errors.nodes} />
          <FormField id="lab-pods" name="pods" label="Pods" type="number" defaultValue={500} error={errors.pods} />
          <FormField
            id="lab-duration"
            name="duration"
            label="Arriving over (s)"
            type="number"
            defaultValue={60}
            error={errors.duration}
          />
          <FormField id="lab-seed" name="seed" label="Seed" type="number" defaultValue={1} error={errors.seed} />
        </div>
        <button className="btn btn-primary" type="submit" disabled={run.isPending}>
          {run.isPending ? 'Running…' : 'Run'}
        </button>
      </form>
      {run.data && (
        <div data-testid="lab-results">
          <DataTable rows={run.data.results} columns={resultColumns} testId="lab-table" empty="No results." />
          <div className="charts">
            <CompareChart run={run.data} metric="entropy" title="Cluster entropy" />
            <CompareChart run={run.data} metric="utilisationStdDev" title="Utilisation spread (std dev)" />
            <CompareChart run={run.data} metric="nodesUsed" title="Nodes used" />
            <CompareChart run={run.data} metric="pending" title="Pending pods" />
          </div>
        </div>
      )}
    </section>
  );
}
