'use client';

import { useMemo } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { deploymentRow, type DeploymentRow } from '@/lib/orchestrator/rows.ts';
import { useResourceList } from '@/lib/client/watch.ts';

const columns: Column<DeploymentRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace },
  { header: 'Name', cell: (r) => r.name },
  { header: 'Ready', cell: (r) => r.ready },
  { header: 'Up-to-date', cell: (r) => r.upToDate },
  { header: 'Available', cell: (r) => r.available },
  { header: 'Images', cell: (r) => <code>{r.images}</code> },
  { header: 'Age', cell: (r) => r.age },
];

export function DeploymentsView() {
  const list = useResourceList('deployments.apps');
  const rows = useMemo(() => {
    const now = Date.now();
    return (list.data?.items ?? []).map((d) => deploymentRow(d, now));
  }, [list.data]);
  if (list.isPending) return <p className="muted">Loading deployments…</p>;
  if (list.isError) return <p className="error" role="alert">{list.error.message}</p>;
  return <DataTable rows={rows} columns={columns} testId="deployments-table" empty="No deployments yet. Try: kubectl create deployment web --image=nginx:1.27 --replicas=3" />;
}
