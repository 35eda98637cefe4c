'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { listPage, resourceLabel } from '@/lib/client/custom-resources.ts';
import { CORE, useApiResources, type ApiResourceEntry } from '@/lib/client/discovery.ts';
import { FilterField, LoadState } from './common';

// Every kind the server serves (kubectl api-resources), each linking to its
// generic list: the kinds without a page of their own (Jobs, Secrets,
// StatefulSets, …) are reached from here, and custom resources too.

const columns: Column<ApiResourceEntry>[] = [
  {
    header: 'Kind',
    cell: (r) =>
      r.verbs.includes('list') ? <Link href={listPage(r, 'resources')}>{r.kind}</Link> : <span>{r.kind}</span>,
  },
  { header: 'Resource', cell: (r) => resourceLabel(r) },
  { header: 'Short names', cell: (r) => r.shortNames.join(', ') || <span className="muted">—</span> },
  { header: 'Namespaced', cell: (r) => (r.namespaced ? 'Yes' : 'No') },
  { header: 'Verbs', cell: (r) => r.verbs.join(', ') },
];

export function ApiResourcesView() {
  const resources = useApiResources();
  const [text, setText] = useState('');
  const needle = text.trim().toLowerCase();
  const rows = useMemo(
    () =>
      (resources.data ?? []).filter(
        (r) =>
          !needle ||
          `${r.kind} ${r.plural} ${r.group === CORE ? '' : r.group} ${r.shortNames.join(' ')}`
            .toLowerCase()
            .includes(needle),
      ),
    [resources.data, needle],
  );
  if (resources.isPending || resources.isError)
    return <LoadState pending={resources.isPending} error={resources.error} what="the API's resources" />;
  return (
    <>
      <FilterField
        id="resources-filter"
        label="Kind, group or short name contains"
        value={text}
        onChange={setText}
        count={`${rows.length} of ${resources.data.length} kinds`}
        countTestId="resources-count"
      />
      <DataTable rows={rows} columns={columns} testId="resources-table" empty="No kinds match." />
    </>
  );
}
