import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <>
      <h1>Overview</h1>
      <section className="panel" data-testid="empty-cluster">
        <h2>The cluster is empty</h2>
        <p className="muted">No nodes have joined and no workloads are running yet.</p>
        <p>
          To drive EntroOS from a terminal, create an API token under <a href="/settings/tokens">Settings → API tokens</a> and
          use it as a bearer token:
        </p>
        <pre>curl -H &quot;Authorization: Bearer $ENTROOS_TOKEN&quot; http://localhost:3000/apis/entroos.io/v1/whoami</pre>
      </section>
    </>
  );
}
