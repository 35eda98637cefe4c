import Link from 'next/link';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireUser } from '@/lib/http/current-user.ts';
import { getPlatform } from '@/lib/platform.ts';
import { podDetail, type PodDetail } from '@/lib/apiserver/views.ts';
import { DataTable, type Column } from '@/components/data-table';
import { SummaryCards } from '@/components/summary-cards';
import { VerifyInBrowser } from '@/components/proofs/verify-in-browser';
import { PodLogs } from '@/components/pods/pod-logs';
import { PodTerminal } from '@/components/pods/pod-terminal';
import { subjectOf } from '@/lib/auth/authorizer.ts';
import { requestFor } from '@/lib/auth/policy-rules.ts';
import { DecisionBreakdown } from '@/components/pods/decision-breakdown';
import type { NodeDetail } from '@/lib/scheduler/decisions.ts';

export const dynamic = 'force-dynamic';

const containerColumns: Column<PodDetail['containers'][number]>[] = [
  { header: 'Name', cell: (c) => c.name },
  { header: 'Image', cell: (c) => <code>{c.image}</code> },
  { header: 'State', cell: (c) => c.state },
  { header: 'Ready', cell: (c) => (c.ready ? 'yes' : 'no') },
  { header: 'Restarts', cell: (c) => c.restarts },
  { header: 'Last termination', cell: (c) => c.lastTermination ?? '—' },
];

const candidateColumns: Column<{ node: string; score: number; entropyAfter?: number; chosen: boolean }>[] = [
  { header: 'Top candidates', cell: (t) => (t.chosen ? <strong>{t.node}</strong> : t.node) },
  { header: 'Score', cell: (t) => t.score },
  { header: 'Entropy after', cell: (t) => t.entropyAfter ?? '—' },
];

const eventColumns: Column<PodDetail['events'][number]>[] = [
  {
    header: 'Last seen',
    cell: (e) => (
      <time dateTime={new Date(e.lastSeenAt).toISOString()} title={new Date(e.lastSeenAt).toISOString()}>
        {e.lastSeen}
      </time>
    ),
  },
  { header: 'Type', cell: (e) => e.type },
  { header: 'Reason', cell: (e) => e.reason },
  { header: 'Count', cell: (e) => e.count },
  { header: 'Message', cell: (e) => e.message },
];

/** What the page sends of a decision's per-node detail (thousands of nodes would bloat it): the best feasible nodes and the first filtered ones. */
function shownDetail(detail: NodeDetail[]): NodeDetail[] {
  const feasible = detail.filter((d) => d.feasible).sort((a, b) => (b.total ?? 0) - (a.total ?? 0));
  return [...feasible.slice(0, 10), ...detail.filter((d) => !d.feasible).slice(0, 50)];
}

export async function generateMetadata({
  params,
}: {
  params: Promise<{ namespace: string; name: string }>;
}): Promise<Metadata> {
  const { namespace, name } = await params;
  return { title: `Pod ${decodeURIComponent(namespace)}/${decodeURIComponent(name)}` };
}

export default async function PodPage({ params }: { params: Promise<{ namespace: string; name: string }> }) {
  const user = await requireUser();
  const { namespace, name } = await params;
  const platform = getPlatform();
  // The terminal is offered to those the exec endpoint would let in (it checks again itself).
  const canExec = platform.authorizer.authorize(
    subjectOf(user),
    requestFor('create', 'pods', { namespace, name, subresource: 'exec' }),
  ).allowed;
  const pod = podDetail(
    platform.api,
    namespace,
    name,
    platform.leader?.scheduler.decisions.forPod(`${namespace}/${name}`),
  );
  if (!pod) notFound();
  const [placement] = await platform.store.proofs.listPlacements({ namespace, name, limit: 1 });
  return (
    <>
      <h1>
        Pod {pod.namespace}/{pod.name}
      </h1>
      <p className="row">
        <Link href={`/resources/core/v1/pods/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}`}>
          YAML, owners and events
        </Link>
        <Link href={`/map?namespace=${encodeURIComponent(pod.namespace)}`}>Relations map of {pod.namespace}</Link>
      </p>
      <SummaryCards
        testId="pod-summary"
        items={[
          ['Status', pod.status],
          ['Node', pod.node],
          ['Pod IP', pod.ip],
          ['QoS', pod.qos],
          ['Restarts', String(pod.restarts)],
          ['Age', pod.age],
        ]}
      />
      <section className="panel">
        <h2>Containers</h2>
        <DataTable rows={pod.containers} columns={containerColumns} testId="pod-containers" empty="No containers." />
      </section>
      <section className="panel" data-testid="pod-decision">
        <h2>Scheduling decision</h2>
        {!pod.decision ? (
          <p className="muted">
            No decision recorded for this pod (it may have been scheduled before the server restarted, or by another
            scheduler).
          </p>
        ) : (
          <>
            <p>
              {pod.decision.message} — profile <code>{pod.decision.profile}</code>, {pod.decision.feasible}/
              {pod.decision.nodes} nodes feasible, cluster entropy {pod.decision.entropyBefore.toFixed(1)} →{' '}
              {pod.decision.entropyAfter?.toFixed(1) ?? '—'}, decided in {pod.decision.durationMs.toFixed(2)} ms.
            </p>
            {Object.keys(pod.decision.filterReasons).length > 0 && (
              <p className="muted">
                Filtered out:{' '}
                {Object.entries(pod.decision.filterReasons)
                  .map(([r, n]) => `${n} ${r}`)
                  .join(', ')}
              </p>
            )}
            {'detail' in pod.decision && Array.isArray(pod.decision.detail) ? (
              <DecisionBreakdown detail={shownDetail(pod.decision.detail as NodeDetail[])} chosen={pod.decision.node} />
            ) : (
              <DataTable
                rows={pod.decision.top.map((t) => ({ ...t, chosen: t.node === pod.decision?.node }))}
                columns={candidateColumns}
                testId="pod-candidates"
                empty="No candidates."
              />
            )}
          </>
        )}
      </section>
      <section className="panel" data-testid="pod-proof">
        <h2>Placement proof</h2>
        {!placement ? (
          <p className="muted">
            {pod.node === '—'
              ? 'The pod is not bound yet.'
              : 'No proof yet: bindings are proved in batches a few seconds after scheduling (or proving is off: ENTROOS_PROVERS=0).'}
          </p>
        ) : (
          <>
            <p>
              Groth16 proof <code>{placement.batch.id}</code> ({placement.batch.circuit}, slot {placement.slot}, proved
              in {placement.batch.proveMs} ms, status <strong>{placement.batch.status}</strong>) that the pod&apos;s
              requests fit node <code>{placement.node}</code>&apos;s free capacity, committed as{' '}
              <code title={placement.commitment}>{placement.commitment.slice(0, 16)}…</code>.
            </p>
            <VerifyInBrowser proofId={placement.batch.id} />
          </>
        )}
      </section>
      <section className="panel">
        <h2>Events</h2>
        <DataTable rows={pod.events} columns={eventColumns} testId="pod-events" empty="No events." />
      </section>
      <section className="panel">
        <h2>Logs</h2>
        <PodLogs namespace={pod.namespace} name={pod.name} containers={pod.containers.map((c) => c.name)} />
      </section>
      <section className="panel" data-testid="pod-terminal-section">
        <h2>Terminal</h2>
        <PodTerminal
          namespace={pod.namespace}
          name={pod.name}
          containers={pod.containers.map((c) => ({ name: c.name, running: c.state.startsWith('Running') }))}
          canExec={canExec}
        />
      </section>
    </>
  );
}
