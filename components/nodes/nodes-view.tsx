'use client';

import { useMemo } from 'react';
import { VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { nodeRows, requestedByNode, type NodeRow } from '@/lib/apimachinery/rows.ts';
import { useList } from '@entroos/react';
import type { ObjectView } from '@/lib/apimachinery/object.ts';
import type { Node } from '@/lib/apimachinery/generated/kinds.ts';
import { errorText } from '@/lib/client/api.ts';
import { usePodRowsQuery } from '@/lib/client/pods.ts';
import { useNodesUsageQuery } from '@/lib/client/history.ts';

type Row = NodeRow & { cpuUsedPct?: number; memoryUsedPct?: number };
// Natural order: node-2 before node-10.
const collator = new Intl.Collator(undefined, { numeric: true });
const byText = (f: (r: Row) => string) => (a: Row, b: Row) => collator.compare(f(a), f(b));
const byNumber = (f: (r: Row) => number) => (a: Row, b: Row) => f(a) - f(b);
const pct = (v: number | undefined) => (v === undefined ? '—' : `${v}%`);

const columns: VirtualColumn<Row>[] = [
  {
    header: 'Name',
    cell: (r) => <a href={`/nodes/${encodeURIComponent(r.name)}`}>{r.name}</a>,
    sort: byText((r) => r.name),
  },
  {
    header: 'Status',
    cell: (r) => (
      <span className={`badge ${r.status.startsWith('Ready') ? 'badge-active' : 'badge-revoked'}`}>{r.status}</span>
    ),
    sort: byText((r) => r.status),
  },
  { header: 'Roles', cell: (r) => r.roles, sort: byText((r) => r.roles) },
  { header: 'Zone', cell: (r) => r.zone, sort: byText((r) => r.zone) },
  { header: 'Instance type', cell: (r) => r.instanceType, sort: byText((r) => r.instanceType) },
  { header: 'CPU', cell: (r) => r.cpuAllocatable, sort: byNumber((r) => r.cpuAllocatableMilli) },
  { header: 'Memory', cell: (r) => r.memoryAllocatable, sort: byNumber((r) => r.memoryAllocatableBytes) },
  { header: 'CPU req.', cell: (r) => `${r.cpuRequestedPct}%`, sort: byNumber((r) => r.cpuRequestedPct) },
  { header: 'Mem req.', cell: (r) => `${r.memoryRequestedPct}%`, sort: byNumber((r) => r.memoryRequestedPct) },
  { header: 'CPU used', cell: (r) => pct(r.cpuUsedPct), sort: byNumber((r) => r.cpuUsedPct ?? -1) },
  { header: 'Mem used', cell: (r) => pct(r.memoryUsedPct), sort: byNumber((r) => r.memoryUsedPct ?? -1) },
  { header: 'Pods', cell: (r) => r.pods, sort: byNumber((r) => r.pods) },
  { header: 'Age', cell: (r) => r.age, sort: byNumber((r) => -r.createdMs) },
];

/** Every node, live and sortable; "used" comes from the latest usage sample (every 10 s). */
export function NodesView() {
  const nodes = useList<'nodes', ObjectView<Node>>('nodes');
  // The pods' compact rows (shared with the pods page), not every full pod: requested % at 100,000 pods.
  const pods = usePodRowsQuery();
  const usage = useNodesUsageQuery();
  const podRows = pods.data?.store.rows;
  const podsVersion = pods.data?.version;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const requested = useMemo(() => requestedByNode(podRows ?? []), [podRows, podsVersion]);
  const rows = useMemo<Row[]>(
    () =>
      nodeRows(nodes.data ?? [], requested).map((r) => {
        const u = usage.data?.get(r.name);
        return {
          ...r,
          cpuUsedPct: u && r.cpuAllocatableMilli ? Math.round((u.cpuUsed / r.cpuAllocatableMilli) * 100) : undefined,
          memoryUsedPct:
            u && r.memoryAllocatableBytes ? Math.round((u.memUsed / r.memoryAllocatableBytes) * 100) : undefined,
        };
      }),
    [nodes.data, requested, usage.data],
  );
  if (!nodes.data && nodes.error)
    return (
      <p className="alert alert-error" role="alert">
        {errorText(nodes.error)}
      </p>
    );
  if (!nodes.data || pods.isPending) return <p className="muted">Loading nodes…</p>;
  if (pods.isError)
    return (
      <p className="alert alert-error" role="alert">
        {pods.error.message}
      </p>
    );
  return (
    <VirtualTable
      rows={rows}
      columns={columns}
      rowKey={(r) => r.name}
      testId="nodes-table"
      empty="No nodes have joined. Start the server with ENTROOS_NODES=8 for simulated nodes."
    />
  );
}
