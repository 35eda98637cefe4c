import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/current-user.ts';
import { getPlatform } from '@/lib/platform.ts';
import { podRows, type PodRow } from '@/lib/orchestrator/views.ts';
import { DataTable, type Column } from '@/components/data-table';

export const metadata: Metadata = { title: 'Pods' };
export const dynamic = 'force-dynamic';

const columns: Column<PodRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace },
  { header: 'Name', cell: (r) => <a href={`/pods/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`}>{r.name}</a> },
  { header: 'Ready', cell: (r) => r.ready },
  { header: 'Status', cell: (r) => r.status },
  { header: 'Restarts', cell: (r) => r.restarts },
  { header: 'Node', cell: (r) => r.node },
  { header: 'IP', cell: (r) => r.ip },
  { header: 'Age', cell: (r) => r.age },
];

export default async function PodsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireUser();
  const { namespace, q } = await searchParams;
  const rows = podRows(getPlatform().orchestrator!.api, { namespace, text: q });
  return (
    <>
      <h1>Pods</h1>
      <section className="panel">
        <form className="row" method="get">
          <div className="field">
            <label htmlFor="namespace">Namespace</label>
            <input id="namespace" name="namespace" defaultValue={namespace ?? ''} placeholder="all" />
          </div>
          <div className="field">
            <label htmlFor="q">Name or node contains</label>
            <input id="q" name="q" defaultValue={q ?? ''} />
          </div>
          <div className="field">
            <button className="btn" type="submit">
              Filter
            </button>
          </div>
        </form>
        <DataTable rows={rows} columns={columns} testId="pods-table" empty="No pods match." />
      </section>
    </>
  );
}
