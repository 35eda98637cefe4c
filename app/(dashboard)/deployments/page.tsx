import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/current-user.ts';
import { getPlatform } from '@/lib/platform.ts';
import { deploymentRows, type DeploymentRow } from '@/lib/orchestrator/views.ts';
import { DataTable, type Column } from '@/components/data-table';

export const metadata: Metadata = { title: 'Deployments' };
export const dynamic = 'force-dynamic';

const columns: Column<DeploymentRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace },
  { header: 'Name', cell: (r) => r.name },
  { header: 'Ready', cell: (r) => r.ready },
  { header: 'Up-to-date', cell: (r) => r.upToDate },
  { header: 'Available', cell: (r) => r.available },
  { header: 'Images', cell: (r) => <code>{r.images}</code> },
  { header: 'Age', cell: (r) => r.age },
];

export default async function DeploymentsPage() {
  await requireUser();
  const rows = deploymentRows(getPlatform().orchestrator!.api);
  return (
    <>
      <h1>Deployments</h1>
      <section className="panel">
        <DataTable rows={rows} columns={columns} testId="deployments-table" empty="No deployments yet. Try: kubectl create deployment web --image=nginx:1.27 --replicas=3" />
      </section>
    </>
  );
}
