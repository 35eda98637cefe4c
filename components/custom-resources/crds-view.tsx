'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import {
  condition,
  crdName,
  listPage,
  preferredVersion,
  useCrdsQuery,
  useObjectCounts,
  type CustomResourceDefinition,
} from '@/lib/client/custom-resources.ts';
import { FilterField, LoadState } from './common';

interface CrdRow {
  crd: CustomResourceDefinition;
  name: string;
  count: number | undefined;
}

function Established({ crd }: { crd: CustomResourceDefinition }) {
  const c = condition(crd, 'Established');
  if (!c) return <span className="muted">Unknown</span>;
  const text = c.status === 'True' ? 'Yes' : c.status === 'False' ? 'No' : c.status;
  const detail = [c.reason, c.message].filter(Boolean).join(': ');
  return (
    <span className="badge" title={detail || undefined}>
      {text}
      {c.status !== 'True' && detail ? ` (${detail})` : ''}
    </span>
  );
}

const columns: Column<CrdRow>[] = [
  {
    header: 'Kind',
    cell: ({ crd }) => {
      const version = preferredVersion(crd);
      const label = crd.spec.names.kind;
      return version ? (
        <Link href={listPage({ group: crd.spec.group, version: version.name, plural: crd.spec.names.plural })}>
          {label}
        </Link>
      ) : (
        <span title="No version is served">{label}</span>
      );
    },
  },
  { header: 'Group', cell: ({ crd }) => crd.spec.group },
  { header: 'Resource', cell: ({ name }) => <code>{name}</code> },
  { header: 'Scope', cell: ({ crd }) => crd.spec.scope },
  {
    header: 'Versions',
    cell: ({ crd }) =>
      crd.spec.versions.map((v, i) => (
        <span key={v.name}>
          {i > 0 && ', '}
          {v.served ? (
            <Link href={listPage({ group: crd.spec.group, version: v.name, plural: crd.spec.names.plural })}>
              {v.name}
            </Link>
          ) : (
            <span className="muted">{v.name} (not served)</span>
          )}
          {v.storage && ' (storage)'}
          {v.deprecated && ' (deprecated)'}
        </span>
      )),
  },
  { header: 'Established', cell: ({ crd }) => <Established crd={crd} /> },
  { header: 'Objects', cell: ({ count }) => (count === undefined ? <span className="muted">—</span> : count) },
];

/** Every CustomResourceDefinition, with links to its objects. */
export function CrdsView() {
  const crds = useCrdsQuery();
  const [text, setText] = useState('');
  const items = useMemo(
    () => (crds.data ?? []).slice().sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')),
    [crds.data],
  );
  const counts = useObjectCounts(items);
  if (crds.isPending || crds.isError)
    return <LoadState pending={crds.isPending} error={crds.error} what="custom resource definitions" />;
  const needle = text.trim().toLowerCase();
  const rows: CrdRow[] = items
    .map((crd) => {
      const name = crdName({ group: crd.spec.group, plural: crd.spec.names.plural });
      return { crd, name, count: counts.get(name) };
    })
    .filter(
      ({ crd, name }) =>
        !needle ||
        `${name} ${crd.spec.names.kind} ${(crd.spec.names.shortNames ?? []).join(' ')} ${(crd.spec.names.categories ?? []).join(' ')}`
          .toLowerCase()
          .includes(needle),
    );
  return (
    <>
      <FilterField
        id="crd-filter"
        label="Kind, group or short name contains"
        value={text}
        onChange={setText}
        count={`${rows.length} of ${items.length} definitions`}
        countTestId="crds-count"
      />
      <DataTable
        rows={rows}
        columns={columns}
        testId="crds-table"
        empty={
          items.length
            ? 'No definitions match.'
            : 'No custom resource definitions yet. Try: kubectl apply -f my-crd.yaml'
        }
      />
    </>
  );
}
