'use client';

import { useMemo, useState } from 'react';
import { useEntroos, useGet, useList } from '@entroos/react';
import { errorText } from '@/lib/client/api.ts';
import { runLayout } from '@/lib/apps/ci/run-layout.ts';
import { LABELS, RESOURCES, type Artifact, type Pipeline, type PipelineRun } from '@/lib/apps/ci/types.ts';
import { DagGraph, type DagNode } from '@/components/dag-graph';
import { PhaseBadge, PHASE_TONE } from './phase';
import { verifyArtifact } from './verify-artifact';

// One run, live: its steps as a graph turning green (or red) as their Jobs finish, each step's attempts, exit code,
// node and log (kept in the run after the pod is gone), and the artifacts it produced — downloadable, and checked
// in this browser against the cluster's key. Cancelling sets spec.cancelled; the controller stops what runs.

type Signer = { publicKey: string; keyid: string };

export function RunView({ namespace, name, canWrite }: { namespace: string; name: string; canWrite: boolean }) {
  const run = useGet<string, PipelineRun>(RESOURCES.runs, name, { namespace });
  const pipeline = useGet<string, Pipeline>(RESOURCES.pipelines, run.data?.spec.pipeline, { namespace });
  const artifacts = useList<string, Artifact>(RESOURCES.artifacts, {
    namespace,
    labelSelector: `${LABELS.run}=${name}`,
  });
  const { client } = useEntroos();
  const [shownLog, setShownLog] = useState<string>('');
  const [error, setError] = useState('');
  const statuses = useMemo(() => run.data?.status?.steps ?? [], [run.data]);
  const graph = useMemo(() => {
    const layout = runLayout(pipeline.data?.spec.steps ?? [], statuses);
    const drawn = new Map<string, DagNode>(
      layout.nodes.map((n) => {
        const phase = n.status?.phase ?? 'Pending';
        return [
          n.name,
          { id: n.name, label: n.name, column: n.column, row: n.row, tone: PHASE_TONE[phase], state: phase },
        ];
      }),
    );
    const edges = layout.edges.flatMap((e) => {
      const from = drawn.get(e.from.name);
      const to = drawn.get(e.to.name);
      return from && to ? [{ from, to }] : [];
    });
    return { nodes: [...drawn.values()], edges };
  }, [pipeline.data, statuses]);

  if (run.error != null) return <p className="alert alert-error">{errorText(run.error)}</p>;
  if (!run.data) return <p className="muted">Loading…</p>;
  const r = run.data;
  const finished = ['Succeeded', 'Failed', 'Cancelled'].includes(r.status?.phase ?? '');
  const cancel = async () => {
    setError('');
    try {
      await client.resource<PipelineRun>(RESOURCES.runs).patch(name, { spec: { cancelled: true } }, { namespace });
    } catch (err) {
      setError(`Could not cancel: ${errorText(err)}`);
    }
  };
  const log = statuses.find((s) => s.name === shownLog)?.log;

  return (
    <>
      <section className="panel" aria-label="Run">
        <div className="row" style={{ alignItems: 'center', gap: 12 }}>
          <PhaseBadge phase={r.status?.phase} />
          <span data-testid="ci-run-message">{r.status?.message ?? ''}</span>
          {canWrite && !finished && !r.spec.cancelled && (
            <button type="button" className="btn btn-danger" onClick={() => void cancel()}>
              Cancel run
            </button>
          )}
        </div>
        {error && <p className="alert alert-error">{error}</p>}
        <p className="muted">
          Pipeline {r.spec.pipeline}, triggered {r.spec.trigger?.type ?? 'by the API'}
          {r.spec.trigger?.ref
            ? ` (${r.spec.trigger.ref}${r.spec.trigger.sha ? ` @ ${r.spec.trigger.sha.slice(0, 7)}` : ''})`
            : ''}
          .
        </p>
        {graph.nodes.length > 0 && (
          <DagGraph nodes={graph.nodes} edges={graph.edges} label={`The steps of ${name}`} testId="ci-run-graph" />
        )}
      </section>

      <section className="panel" aria-labelledby="ci-steps">
        <h2 id="ci-steps">Steps</h2>
        <table className="table" data-testid="ci-steps">
          <thead>
            <tr>
              <th>Step</th>
              <th>Phase</th>
              <th>Attempts</th>
              <th>Exit code</th>
              <th>Node</th>
              <th>Message</th>
              <th>Log</th>
            </tr>
          </thead>
          <tbody>
            {statuses.map((s) => (
              <tr key={s.name}>
                <td data-label="Step">{s.name}</td>
                <td data-label="Phase">
                  <PhaseBadge phase={s.phase} />
                </td>
                <td data-label="Attempts">{s.attempts}</td>
                <td data-label="Exit code">{s.exitCode ?? ''}</td>
                <td data-label="Node">{s.node ?? ''}</td>
                <td data-label="Message">{s.message ?? ''}</td>
                <td data-label="Log">
                  {s.log !== undefined && (
                    <button type="button" className="btn" onClick={() => setShownLog(s.name)}>
                      Log of {s.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shownLog && (
          <>
            <h3 style={{ fontSize: 15 }}>Log of {shownLog}</h3>
            <pre className="logs" data-testid="ci-step-log" tabIndex={0}>
              {log || '(empty)'}
            </pre>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="ci-artifacts">
        <h2 id="ci-artifacts">Artifacts</h2>
        {artifacts.error != null && <p className="alert alert-error">{errorText(artifacts.error)}</p>}
        {(artifacts.data ?? []).length === 0 ? (
          <p className="muted">{finished ? 'This run produced no artifacts.' : 'None yet.'}</p>
        ) : (
          <table className="table" data-testid="ci-artifacts">
            <thead>
              <tr>
                <th>Artifact</th>
                <th>Step</th>
                <th>Digest</th>
                <th>Size</th>
                <th>Provenance</th>
              </tr>
            </thead>
            <tbody>
              {(artifacts.data ?? []).map((a) => (
                <ArtifactRow key={a.metadata.name} artifact={a} namespace={namespace} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

let signer: Promise<Signer> | undefined;
const fetchSigner = () =>
  (signer ??= fetch('/apis/ci.entroos.io/v1/signer').then(async (res) => {
    if (!res.ok) throw new Error(`the cluster key could not be read (${res.status})`);
    return (await res.json()) as Signer;
  }));

function ArtifactRow({ artifact, namespace }: { artifact: Artifact; namespace: string }) {
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string } | null>(null);
  const href = `/apis/ci.entroos.io/v1/namespaces/${encodeURIComponent(namespace)}/artifacts/${encodeURIComponent(artifact.metadata.name)}/content`;
  const check = async () => {
    setVerdict(null);
    try {
      const res = await fetch(href);
      if (!res.ok) throw new Error(`the content could not be downloaded (${res.status})`);
      const problem = await verifyArtifact(
        await res.arrayBuffer(),
        artifact.spec.digest,
        artifact.spec.provenance.envelope,
        await fetchSigner(),
      );
      setVerdict(
        problem
          ? { ok: false, text: `✗ ${problem}` }
          : { ok: true, text: '✓ Content and provenance verified in this browser against the cluster key.' },
      );
    } catch (err) {
      signer = undefined;
      setVerdict({ ok: false, text: `Could not verify: ${errorText(err)}` });
    }
  };
  return (
    <tr>
      <td data-label="Artifact">
        <a href={href} download={artifact.metadata.name}>
          {artifact.spec.output}
        </a>
      </td>
      <td data-label="Step">{artifact.spec.step}</td>
      <td data-label="Digest">
        <code title={artifact.spec.digest}>{artifact.spec.digest.slice(0, 19)}…</code>
      </td>
      <td data-label="Size">{artifact.spec.size} B</td>
      <td data-label="Provenance">
        <button type="button" className="btn" onClick={() => void check()}>
          Verify {artifact.spec.output}
        </button>
        {verdict && (
          <p data-testid="ci-artifact-verdict" style={{ color: verdict.ok ? 'var(--ok)' : 'var(--danger)' }}>
            {verdict.text}
          </p>
        )}
      </td>
    </tr>
  );
}
