'use client';

import { useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { SummaryCards } from '@/components/summary-cards';
import {
  useRecentDecisionsQuery,
  useSaveSchedulerConfigMutation,
  useSchedulerStatusQuery,
  type RecentDecision,
} from '@/lib/client/scheduler.ts';
import type { SchedulerConfig } from '@/lib/scheduler/profiles.ts';
import { HistoryCharts } from '@/components/overview/history-charts';
import { PolicyLab } from '@/components/scheduler/policy-lab';

const decisionColumns: Column<RecentDecision>[] = [
  { header: 'Pod', cell: (d) => <a href={`/pods/${d.pod.split('/').map(encodeURIComponent).join('/')}`}>{d.pod}</a> },
  {
    header: 'Result',
    cell: (d) => (
      <span className={`badge ${d.result === 'Scheduled' ? 'badge-active' : 'badge-revoked'}`}>{d.result}</span>
    ),
  },
  { header: 'Node', cell: (d) => d.node ?? '—' },
  { header: 'Profile', cell: (d) => d.profile },
  { header: 'Message', cell: (d) => d.message },
];

/** The profiles' score weights; admins edit and save them (applied at once). */
function Profiles({
  config,
  canEdit,
  save,
}: {
  config: SchedulerConfig;
  canEdit: boolean;
  save: ReturnType<typeof useSaveSchedulerConfigMutation>;
}) {
  const [draft, setDraft] = useState(config);
  const setWeight = (profile: number, score: number, weight: number) =>
    setDraft((d) => ({
      ...d,
      profiles: d.profiles.map((p, i) =>
        i !== profile ? p : { ...p, scores: p.scores.map((s, j) => (j !== score ? s : { ...s, weight })) },
      ),
    }));
  return (
    <section className="panel" data-testid="scheduler-profiles">
      <h2>Profiles</h2>
      <p className="muted">
        Default profile <code>{draft.defaultProfile}</code>; pods pick another with the{' '}
        <code>entroos.io/scheduler-profile</code> annotation.
      </p>
      {draft.profiles.map((profile, i) => (
        <div key={profile.name}>
          <h3>{profile.name}</h3>
          <p className="muted">Filters: {profile.filters.join(', ')}</p>
          <div className="row">
            {profile.scores.map((score, j) => (
              <div className="field" key={score.name}>
                <label htmlFor={`w-${profile.name}-${score.name}`}>{score.name}</label>
                <input
                  id={`w-${profile.name}-${score.name}`}
                  data-profile={profile.name}
                  data-plugin={score.name}
                  type="number"
                  min={0}
                  max={100}
                  value={score.weight}
                  disabled={!canEdit}
                  onChange={(e) => setWeight(i, j, Number(e.target.value))}
                  style={{ width: 80 }}
                />
              </div>
            ))}
          </div>
        </div>
      ))}
      {canEdit && (
        <div className="row">
          <button className="btn" type="button" disabled={save.isPending} onClick={() => save.mutate(draft)}>
            {save.isPending ? 'Saving…' : 'Save weights'}
          </button>
          <span role="status" className={save.isError ? 'error' : 'muted'} data-testid="scheduler-save">
            {save.isError
              ? save.error.message
              : save.isSuccess
                ? 'Saved; the scheduler uses these weights from the next pod on.'
                : ''}
          </span>
        </div>
      )}
    </section>
  );
}

export function SchedulerView({ canEdit }: { canEdit: boolean }) {
  const status = useSchedulerStatusQuery();
  const decisions = useRecentDecisionsQuery();
  // Here, not in Profiles: a saved config remounts Profiles, and the result must survive that.
  const save = useSaveSchedulerConfigMutation();
  if (status.isPending) return <p className="muted">Loading the scheduler…</p>;
  if (status.isError)
    return (
      <p className="error" role="alert">
        {status.error.message}
      </p>
    );
  const s = status.data;
  return (
    <>
      <SummaryCards
        testId="scheduler-summary"
        items={[
          ['Nodes', String(s.nodes)],
          ['Cluster entropy', s.clusterEntropy.toFixed(2)],
          [
            'Queued',
            Object.entries(s.queue)
              .map(([q, n]) => `${n} ${q}`)
              .join(' · '),
          ],
          ['Scheduled', String(s.totals.scheduled)],
          ['Unschedulable', String(s.totals.unschedulable)],
          [
            'Attempt p50 / p99',
            `${s.attemptLatencyMs.p50?.toFixed?.(2) ?? '—'} / ${s.attemptLatencyMs.p99?.toFixed?.(2) ?? '—'} ms`,
          ],
        ]}
      />
      <HistoryCharts only={['scheduling', 'latency']} title="Throughput and latency" />
      <Profiles config={s.config} canEdit={canEdit} save={save} key={JSON.stringify(s.config)} />
      <section className="panel">
        <h2>Recent decisions (live)</h2>
        <DataTable
          rows={decisions.data ?? []}
          columns={decisionColumns}
          testId="scheduler-decisions"
          empty="No decisions yet."
        />
      </section>
      {canEdit ? (
        <PolicyLab profiles={s.config.profiles.map((p) => p.name)} />
      ) : (
        <p className="muted">Admins can compare profiles in the policy laboratory.</p>
      )}
    </>
  );
}
