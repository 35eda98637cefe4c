import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireUser } from '@/lib/auth/current-user.ts';
import { getPlatform } from '@/lib/platform.ts';
import { podDetail } from '@/lib/orchestrator/views.ts';

export const metadata: Metadata = { title: 'Pod' };
export const dynamic = 'force-dynamic';

export default async function PodPage({ params }: { params: Promise<{ namespace: string; name: string }> }) {
  await requireUser();
  const { namespace, name } = await params;
  const platform = getPlatform();
  const pod = podDetail(platform.orchestrator!.api, namespace, name, platform.scheduler?.decisions.forPod(`${namespace}/${name}`));
  if (!pod) notFound();
  return (
    <>
      <h1>
        Pod {pod.namespace}/{pod.name}
      </h1>
      <section className="cards" data-testid="pod-summary">
        {[
          ['Status', pod.status],
          ['Node', pod.node],
          ['Pod IP', pod.ip],
          ['QoS', pod.qos],
          ['Restarts', String(pod.restarts)],
          ['Age', pod.age],
        ].map(([label, value]) => (
          <div className="panel card" key={label}>
            <div className="muted">{label}</div>
            <div className="card-value">{value}</div>
          </div>
        ))}
      </section>
      <section className="panel">
        <h2>Containers</h2>
        <table className="table" data-testid="pod-containers">
          <thead>
            <tr>
              <th>Name</th>
              <th>Image</th>
              <th>State</th>
              <th>Ready</th>
              <th>Restarts</th>
              <th>Last termination</th>
            </tr>
          </thead>
          <tbody>
            {pod.containers.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>
                  <code>{c.image}</code>
                </td>
                <td>{c.state}</td>
                <td>{c.ready ? 'yes' : 'no'}</td>
                <td>{c.restarts}</td>
                <td>{c.lastTermination ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" data-testid="pod-decision">
        <h2>Scheduling decision</h2>
        {!pod.decision ? (
          <p className="muted">No decision recorded for this pod (it may have been scheduled before the server restarted, or by another scheduler).</p>
        ) : (
          <>
            <p>
              {pod.decision.message} — profile <code>{pod.decision.profile}</code>, {pod.decision.feasible}/{pod.decision.nodes} nodes feasible, cluster entropy{' '}
              {pod.decision.entropyBefore.toFixed(1)} → {pod.decision.entropyAfter?.toFixed(1) ?? '—'}, decided in {pod.decision.durationMs.toFixed(2)} ms.
            </p>
            {Object.keys(pod.decision.filterReasons).length > 0 && (
              <p className="muted">Filtered out: {Object.entries(pod.decision.filterReasons).map(([r, n]) => `${n} ${r}`).join(', ')}</p>
            )}
            <table className="table">
              <thead>
                <tr>
                  <th>Top candidates</th>
                  <th>Score</th>
                  <th>Entropy after</th>
                </tr>
              </thead>
              <tbody>
                {pod.decision.top.map((t) => (
                  <tr key={t.node}>
                    <td>{t.node === pod.decision!.node ? <strong>{t.node}</strong> : t.node}</td>
                    <td>{t.score}</td>
                    <td>{t.entropyAfter ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section className="panel">
        <h2>Events</h2>
        {pod.events.length === 0 ? (
          <p className="muted">No events.</p>
        ) : (
          <table className="table" data-testid="pod-events">
            <thead>
              <tr>
                <th>Type</th>
                <th>Reason</th>
                <th>Count</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {pod.events.map((e, i) => (
                <tr key={i}>
                  <td>{e.type}</td>
                  <td>{e.reason}</td>
                  <td>{e.count}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>Logs</h2>
        {pod.logs === undefined ? <p className="muted">No logs: the pod is not running on a simulated node of this server.</p> : <pre data-testid="pod-logs">{pod.logs || '(empty)'}</pre>}
      </section>
    </>
  );
}
