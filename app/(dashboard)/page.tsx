import type { Metadata } from 'next';
import { requireUser } from '@/lib/http/current-user.ts';
import { getPlatform } from '@/lib/platform.ts';
import { clusterOverview } from '@/lib/apiserver/overview.ts';
import { ClusterCards, LatestEvents } from '@/components/overview/cluster-summary';
import { HistoryCharts } from '@/components/overview/history-charts';
import { RefreshOnSample } from '@/components/overview/refresh-on-sample';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  await requireUser();
  const platform = getPlatform();
  const scheduler = platform.leader?.scheduler;
  const overview = clusterOverview(platform.api, scheduler ? () => scheduler.clusterEntropy() : null);
  const empty = overview.nodes.total === 0 && Object.values(overview.pods).every((n) => n === 0);
  return (
    <>
      <h1>Overview</h1>
      {empty ? (
        <section className="panel" data-testid="empty-cluster">
          <h2>The cluster is empty</h2>
          <p className="muted">
            No nodes have joined and no workloads are running yet. Start the server with ENTROOS_NODES=8 for simulated
            nodes.
          </p>
          <p>
            To drive EntroOS from a terminal, create an API token under{' '}
            <a href="/settings/tokens">Settings → API tokens</a> (or download a kubeconfig there) and use kubectl:
          </p>
          <pre>kubectl create deployment web --image=nginx:1.27 --replicas=3</pre>
        </section>
      ) : (
        <>
          <ClusterCards overview={overview} />
          <HistoryCharts />
          <LatestEvents events={overview.events} />
        </>
      )}
      <RefreshOnSample />
    </>
  );
}
