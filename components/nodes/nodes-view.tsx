'use client';

import { useMemo } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { nodeRows, type NodeRow } from '@/lib/orchestrator/rows.ts';
import { useResourceList } from '@/lib/client/watch.ts';

const columns: Column<NodeRow>[] = [
  { header: 'Name', cell: (r) => <a href={`/nodes/${encodeURIComponent(r.name)}`}>{r.name}</a> },
  { header: 'Status', cell: (r) => <span className={`badge ${r.status.startsWith('Ready') ? 'badge-active' : 'badge-revoked'}`}>{r.status}</span> },
  { header: 'Zone', cell: (r) => r.zone },
  { header: 'Instance type', cell: (r) => r.instanceType },
  { header: 'CPU requested', cell: (r) => `${r.cpuRequestedPct}%` },
  { header: 'Memory requested', cell: (r) => `${r.memoryRequestedPct}%` },
  { header: 'Pods', cell: (r) => r.pods },
  { header: 'Age', cell: (r) => r.age },
];

export function NodesView() {
  const nodes = useResourceList('nodes');
  const pods = useResourceList('pods');
  const rows = useMemo(() => nodeRows(nodes.data?.items ?? [], pods.data?.items ?? []), [nodes.data, pods.data]);
  if (nodes.isPending || pods.isPending) return <p className="muted">Loading nodes…</p>;
  if (nodes.isError || pods.isError) return <p className="error" role="alert">{(nodes.error ?? pods.error)!.message}</p>;
  return <DataTable rows={rows} columns={columns} testId="nodes-table" empty="No nodes have joined. Start the server with ENTROOS_NODES=8 for simulated nodes." />;
}
