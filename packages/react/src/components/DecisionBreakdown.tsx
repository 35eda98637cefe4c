import { useState } from 'react';
import type { NodeDetail, SchedulingDecision } from '@entroos/client';
import { useDecision } from '../hooks.ts';
import { EntropyGauge } from './EntropyGauge.tsx';
import { StatusBadge } from './StatusBadge.tsx';

export interface DecisionBreakdownProps {
  /** The decision to show; or give `pod` ("namespace/name" or uid) to fetch it. */
  decision?: SchedulingDecision;
  pod?: string;
  /** Feasible nodes shown before "Show all". Default 10. */
  limit?: number;
}

const TONE = { Scheduled: 'ok', Unschedulable: 'error', Error: 'error' } as const;

/**
 * Why a pod went where it went: the result, entropy before and after, each feasible node's per-plugin scores
 * (normalised score × weight, summed), and the nodes filtered out with the plugin and reason that did it.
 */
export function DecisionBreakdown({ decision: given, pod, limit = 10 }: DecisionBreakdownProps) {
  const fetched = useDecision(given ? undefined : pod);
  const [all, setAll] = useState(false);
  const decision = given ?? fetched.data;
  if (!decision) {
    if (fetched.error)
      return (
        <p className="eos-error" role="alert">
          No scheduling decision for {pod}: {(fetched.error as Error).message}
        </p>
      );
    return <p className="eos-muted">{pod ? 'Loading the scheduling decision…' : 'No decision to show.'}</p>;
  }
  const detail = decision.detail ?? [];
  const feasible = detail.filter((d) => d.feasible).sort((a, b) => (b.total ?? 0) - (a.total ?? 0));
  const filtered = detail.filter((d) => !d.feasible);
  const plugins = [...new Set(feasible.flatMap((d) => Object.keys(d.scores ?? {})))];
  const shown = all ? feasible : feasible.slice(0, limit);
  const best = Math.max(1e-9, ...feasible.map((d) => d.total ?? 0));
  return (
    <section className="eos-decision" aria-label={`Scheduling decision for ${decision.pod}`}>
      <header className="eos-decision__head">
        <StatusBadge status={decision.result} tone={TONE[decision.result]} />
        <span>
          <strong>{decision.pod}</strong>
          {decision.node ? (
            <>
              {' → '}
              <strong>{decision.node}</strong>
            </>
          ) : null}
        </span>
        <span className="eos-muted">
          profile {decision.profile} · {decision.feasible}/{decision.nodes} nodes feasible ({decision.evaluated}{' '}
          evaluated) · {decision.durationMs.toFixed(1)} ms
        </span>
      </header>
      {decision.message && <p className="eos-decision__message">{decision.message}</p>}
      <div className="eos-decision__gauges">
        <EntropyGauge label="Entropy before" value={decision.entropyBefore} nodes={decision.nodes} size={140} />
        {decision.entropyAfter !== undefined && (
          <EntropyGauge
            label="Entropy after"
            value={decision.entropyAfter}
            before={decision.entropyBefore}
            nodes={decision.nodes}
            size={140}
          />
        )}
      </div>
      {feasible.length > 0 ? (
        <table className="eos-grid-table">
          <caption>Scores of feasible nodes (normalised score × weight)</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              {plugins.map((p) => (
                <th scope="col" key={p}>
                  {p}
                </th>
              ))}
              <th scope="col">Total</th>
              <th scope="col">Entropy after</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => (
              <ScoreRow key={d.node} d={d} plugins={plugins} chosen={d.node === decision.node} best={best} />
            ))}
          </tbody>
        </table>
      ) : (
        decision.top.length > 0 && (
          <table className="eos-grid-table">
            <caption>Best candidates</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Score</th>
                <th scope="col">Entropy after</th>
              </tr>
            </thead>
            <tbody>
              {decision.top.map((c) => (
                <tr key={c.node} className={c.node === decision.node ? 'eos-chosen' : undefined}>
                  <th scope="row">{c.node}</th>
                  <td>{c.score.toFixed(2)}</td>
                  <td>{c.entropyAfter?.toFixed(3) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {feasible.length > limit && (
        <button type="button" className="eos-button eos-button--quiet" onClick={() => setAll(!all)}>
          {all ? `Show the best ${limit}` : `Show all ${feasible.length} feasible nodes`}
        </button>
      )}
      {filtered.length > 0 ? (
        <table className="eos-grid-table">
          <caption>Filtered out ({filtered.length})</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Plugin</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {filtered.map((d) => (
              <tr key={d.node}>
                <th scope="row">{d.node}</th>
                <td>{d.plugin ?? '—'}</td>
                <td>{d.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        Object.keys(decision.filterReasons).length > 0 && (
          <table className="eos-grid-table">
            <caption>Why nodes were filtered out</caption>
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Nodes</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(decision.filterReasons).map(([reason, count]) => (
                <tr key={reason}>
                  <th scope="row">{reason}</th>
                  <td>{count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}

function ScoreRow({ d, plugins, chosen, best }: { d: NodeDetail; plugins: string[]; chosen: boolean; best: number }) {
  return (
    <tr className={chosen ? 'eos-chosen' : undefined} aria-current={chosen ? 'true' : undefined}>
      <th scope="row">
        {d.node}
        {chosen && <span className="eos-muted"> (chosen)</span>}
      </th>
      {plugins.map((p) => {
        const s = d.scores?.[p];
        return (
          <td
            key={p}
            title={s ? `raw ${s.raw.toFixed(3)}, normalised ${s.normalized.toFixed(1)}, weight ${s.weight}` : undefined}
          >
            {s ? (s.normalized * s.weight).toFixed(1) : '—'}
          </td>
        );
      })}
      <td>
        <span
          className="eos-bar"
          style={{ width: `${Math.round(((d.total ?? 0) / best) * 60)}px` }}
          aria-hidden="true"
        />{' '}
        {(d.total ?? 0).toFixed(1)}
      </td>
      <td>{d.entropyAfter?.toFixed(3) ?? '—'}</td>
    </tr>
  );
}
