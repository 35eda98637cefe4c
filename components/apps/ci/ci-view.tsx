'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useEntroos, useList } from '@entroos/react';
import { errorText } from '@/lib/client/api.ts';
import { RESOURCES, type Pipeline, type PipelineRun } from '@/lib/apps/ci/types.ts';
import { PhaseBadge } from './phase';
import { runPage } from './links';

// Pipelines and their runs, live: a run's phase moves as its steps' Jobs run; "Run" starts one by hand (a
// PipelineRun with a manual trigger), exactly what `entroos ci run` and the webhook create.

type NewRun = Pick<PipelineRun, 'spec'> & { metadata: { generateName?: string; name?: string; namespace?: string } };

const since = (time: string | undefined) => (time ? new Date(time).toISOString().replace('T', ' ').slice(0, 19) : '');
const duration = (run: PipelineRun) => {
  const { startTime, completionTime } = run.status ?? {};
  if (!startTime) return '';
  const ms = (completionTime ? Date.parse(completionTime) : Date.now()) - Date.parse(startTime);
  return `${Math.max(0, Math.round(ms / 1000))} s`;
};

export function CiView({ canWrite }: { canWrite: boolean }) {
  const pipelines = useList<string, Pipeline>(RESOURCES.pipelines);
  const runs = useList<string, PipelineRun>(RESOURCES.runs);
  const { client } = useEntroos();
  const [error, setError] = useState('');
  const [started, setStarted] = useState<{ namespace: string; name: string } | null>(null);
  const newest = useMemo(
    () =>
      [...(runs.data ?? [])].sort((a, b) =>
        String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')),
      ),
    [runs.data],
  );

  const start = async (p: Pipeline) => {
    setError('');
    setStarted(null);
    try {
      const run = await client.resource<NewRun>(RESOURCES.runs).create(
        {
          metadata: { generateName: `${p.metadata.name}-` },
          spec: { pipeline: p.metadata.name, trigger: { type: 'manual' } },
        },
        { namespace: p.metadata.namespace },
      );
      setStarted({ namespace: p.metadata.namespace ?? '', name: run.metadata.name ?? '' });
    } catch (err) {
      setError(`Could not start ${p.metadata.name}: ${errorText(err)}`);
    }
  };

  return (
    <>
      <section className="panel" aria-labelledby="ci-pipelines">
        <h2 id="ci-pipelines">Pipelines</h2>
        {pipelines.error != null && <p className="alert alert-error">{errorText(pipelines.error)}</p>}
        {error && (
          <p className="alert alert-error" data-testid="ci-error">
            {error}
          </p>
        )}
        {started && (
          <p className="alert alert-ok" data-testid="ci-started">
            Started{' '}
            <Link href={runPage(started.namespace, started.name)}>
              {started.namespace}/{started.name}
            </Link>
            .
          </p>
        )}
        <table className="table" data-testid="ci-pipelines">
          <thead>
            <tr>
              <th>Pipeline</th>
              <th>Namespace</th>
              <th>Steps</th>
              <th>Description</th>
              {canWrite && <th>Run</th>}
            </tr>
          </thead>
          <tbody>
            {(pipelines.data ?? []).map((p) => (
              <tr key={`${p.metadata.namespace}/${p.metadata.name}`}>
                <td data-label="Pipeline">{p.metadata.name}</td>
                <td data-label="Namespace">{p.metadata.namespace}</td>
                <td data-label="Steps">{p.spec.steps.map((s) => s.name).join(' → ')}</td>
                <td data-label="Description">{p.spec.description ?? ''}</td>
                {canWrite && (
                  <td>
                    <button type="button" className="btn" onClick={() => void start(p)}>
                      Run {p.metadata.name}
                    </button>
                  </td>
                )}
              </tr>
            ))}
            {pipelines.data && !pipelines.data.length && (
              <tr>
                <td colSpan={5} className="muted">
                  No pipelines yet: apply one (examples/ci/pipeline.yaml) with kubectl.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="ci-runs">
        <h2 id="ci-runs">Runs</h2>
        {runs.error != null && <p className="alert alert-error">{errorText(runs.error)}</p>}
        <table className="table" data-testid="ci-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Pipeline</th>
              <th>Phase</th>
              <th>Trigger</th>
              <th>Started</th>
              <th>Took</th>
            </tr>
          </thead>
          <tbody>
            {newest.slice(0, 200).map((r) => (
              <tr key={`${r.metadata.namespace}/${r.metadata.name}`}>
                <td data-label="Run">
                  <Link href={runPage(r.metadata.namespace ?? '', r.metadata.name)}>{r.metadata.name}</Link>
                </td>
                <td data-label="Pipeline">{r.spec.pipeline}</td>
                <td data-label="Phase">
                  <PhaseBadge phase={r.status?.phase} />
                </td>
                <td data-label="Trigger">{r.spec.trigger?.type ?? 'api'}</td>
                <td data-label="Started">{since(r.status?.startTime)}</td>
                <td data-label="Took">{duration(r)}</td>
              </tr>
            ))}
            {runs.data && !runs.data.length && (
              <tr>
                <td colSpan={6} className="muted">
                  No runs yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {newest.length > 200 && <p className="muted">The newest 200 of {newest.length} runs.</p>}
      </section>
    </>
  );
}
