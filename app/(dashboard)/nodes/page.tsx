import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/current-user.ts';
import { getPlatform } from '@/lib/platform.ts';
import { nodeRows, type NodeRow } from '@/lib/orchestrator/views.ts';
import { DataTable, type Column } from '@/components/data-table';

export const metadata: Metadata = { title: 'Nodes' };
export const dynamic = 'force-dynamic';

const columns: Column<NodeRow>[] = [
  { header: 'Name', cell: (r) => r.name },
  { header: 'Status', cell: (r) => <span className={`badge ${r.status.startsWith('Ready') ? 'badge-active' : 'badge-revoked'}`}>{r.status}</span> },
  { header: 'Zone', cell: (r) => r.zone },
  { header: 'Instance type', cell: (r) => r.instanceType },
  { header: 'CPU requested', cell: (r) => `${r.cpuRequestedPct}%` },
  { header: 'Memory requested', cell: (r) => `${r.memoryRequestedPct}%` },
  { header: 'Pods', cell: (r) => r.pods },
  { header: 'Age', cell: (r) => r.age },
];

export default async function NodesPage() {
  await requireUser();
  const rows = nodeRows(getPlatform().orchestrator!.api);
  return (
    <>
      <h1>Nodes</h1>
      <section className="panel">
        <DataTable rows={rows} columns={columns} testId="nodes-table" empty="No nodes have joined. Start the server with ENTROOS_NODES=8 for simulated nodes." />
      </section>
    </>
  );
}
