'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useDeferredValue, useMemo, useState } from 'react';
import { VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { Age } from '@/components/age';
import { age } from '@/lib/apimachinery/printers.ts';
import { useList } from '@entroos/react';
import {
  listPage,
  createPage,
  objectPage,
  resourceLabel,
  SECTION_TITLES,
  useCustomResourceTable,
  useDeleteCustomObjectMutation,
  type ResourceRef,
  type Section,
  type TableColumn,
  type TableRow,
} from '@/lib/client/custom-resources.ts';
import { useKindInfo } from '@/lib/client/discovery.ts';
import { useNamespaceFilter } from '@/lib/client/namespace-scope.ts';
import { useUrlParams } from '@/lib/client/url-state.ts';
import { Breadcrumbs, LoadState } from './common';

// A kind's objects as the server prints them: the Table's columns (a CRD's
// additionalPrinterColumns, a built-in kind's kubectl columns, NAME and AGE by
// default), filtered by namespace (on the server) and by text (here),
// re-listed as they change. The same list serves custom resources and the
// built-in kinds; discovery says what the kind is called and how it is scoped.

interface Row {
  key: string;
  name: string;
  namespace?: string;
  /** metadata.creationTimestamp, for an Age column that keeps ticking. */
  created?: string;
  cells: unknown[];
  search: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UNIT_SECONDS: Record<string, number> = { y: 365 * 86_400, d: 86_400, h: 3_600, m: 60, s: 1 };

/** A cell as text: dates as ages (the server may send the timestamp), objects as JSON, nothing as <none>. */
function cellText(value: unknown, column: TableColumn): string {
  if (value === null || value === undefined || value === '') return '<none>';
  if (column.type === 'date' && typeof value === 'string' && RFC3339.test(value)) return age(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Seconds of an age cell (`3d4h`, or a timestamp), for sorting; NaN when it is neither. */
function ageSeconds(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  if (RFC3339.test(value)) return (Date.now() - Date.parse(value)) / 1000;
  const parts = [...value.matchAll(/(\d+)([ydhms])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value) return NaN;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0);
}

function compareBy(column: TableColumn, i: number): ((a: Row, b: Row) => number) | undefined {
  const numeric = (f: (v: unknown) => number) => (a: Row, b: Row) => {
    const x = f(a.cells[i]);
    const y = f(b.cells[i]);
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x - y;
  };
  if (column.type === 'integer' || column.type === 'number')
    return numeric((v) => (v === null || v === undefined || v === '' ? NaN : Number(v)));
  if (column.type === 'date') return numeric(ageSeconds);
  return (a, b) => cellText(a.cells[i], column).localeCompare(cellText(b.cells[i], column));
}

function toRows(rows: TableRow[], columns: TableColumn[]): Row[] {
  const nameAt = columns.findIndex((c) => c.format === 'name' || c.name.toLowerCase() === 'name');
  return rows.map((r, i) => {
    const meta = r.object?.metadata;
    const name = meta?.name ?? String(r.cells[nameAt < 0 ? 0 : nameAt] ?? '');
    const namespace = meta?.namespace;
    const texts = r.cells.map((c, j) => (columns[j] ? cellText(c, columns[j]) : ''));
    return {
      key: meta?.uid ?? (name ? `${namespace ?? ''}/${name}` : String(i)),
      name,
      namespace,
      created: meta?.creationTimestamp,
      cells: r.cells,
      search: `${namespace ?? ''} ${name} ${texts.join(' ')}`.toLowerCase(),
    };
  });
}

function DeleteButton({ resource, row, kind }: { resource: ResourceRef; row: Row; kind: string }) {
  const remove = useDeleteCustomObjectMutation(kind);
  const id = `${row.namespace ? `${row.namespace}/` : ''}${row.name}`;
  return (
    <button
      type="button"
      className="btn btn-danger"
      style={{ padding: '2px 10px' }}
      aria-label={`Delete ${id}`}
      disabled={remove.isPending}
      onClick={() => {
        if (window.confirm(`Delete ${kind} ${id}?`))
          remove.mutate({ ...resource, namespace: row.namespace, name: row.name });
      }}
    >
      {remove.isPending ? 'Deleting…' : 'Delete'}
    </button>
  );
}

export function CustomResourceList({
  group,
  version,
  plural,
  namespace: initialNamespace,
  text: initialText = '',
  canWrite,
  section = 'custom-resources',
}: ResourceRef & { namespace?: string; text?: string; canWrite: boolean; section?: Section }) {
  const ref = useMemo(() => ({ group, version, plural }), [group, version, plural]);
  const router = useRouter();
  const info = useKindInfo(ref);
  const namespaced = info.data?.namespaced ?? true;
  const [namespace, setNamespace] = useNamespaceFilter(initialNamespace);
  const [text, setText] = useState(initialText);
  useUrlParams({ namespace, q: text });
  const [wide, setWide] = useState(false);
  const effectiveNamespace = namespaced && namespace ? namespace : undefined;
  // With a namespace chosen, listed once discovery says whether the kind is namespaced (a cluster-scoped kind has no
  // namespace path); without one the path is the same either way, so the list and discovery go out together.
  const table = useCustomResourceTable(ref, effectiveNamespace, info.isSuccess || info.isError || !namespace);
  const namespaces = useList('namespaces');
  const kind = info.data?.kind ?? plural;
  const versions = info.data?.versions ?? [];
  const deferredText = useDeferredValue(text.trim().toLowerCase());

  const allColumns = table.data?.columnDefinitions;
  const rows = useMemo(() => (table.data ? toRows(table.data.rows, table.data.columnDefinitions) : []), [table.data]);
  const shown = useMemo(
    () => (deferredText ? rows.filter((r) => r.search.includes(deferredText)) : rows),
    [rows, deferredText],
  );
  const hiddenCount = (allColumns ?? []).filter((c) => (c.priority ?? 0) > 0).length;
  const columns = useMemo<VirtualColumn<Row>[]>(() => {
    const out: VirtualColumn<Row>[] = [];
    if (namespaced && !effectiveNamespace)
      out.push({
        header: 'Namespace',
        cell: (r) => r.namespace ?? '',
        sort: (a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? ''),
      });
    (allColumns ?? []).forEach((c, i) => {
      if (!wide && (c.priority ?? 0) > 0) return;
      const isName = c.format === 'name' || (i === 0 && c.name.toLowerCase() === 'name');
      out.push({
        header: c.name,
        sort: compareBy(c, i),
        cell: (r) => {
          const value = cellText(r.cells[i], c);
          if (isName && r.name)
            return <Link href={objectPage({ ...ref, namespace: r.namespace, name: r.name }, section)}>{value}</Link>;
          if (c.type === 'date' && typeof r.cells[i] === 'string' && RFC3339.test(r.cells[i] as string))
            return <Age since={r.cells[i] as string} />;
          // The server prints ages as of its answer: drawn from the creation time, they keep ticking.
          if (c.name.toLowerCase() === 'age' && r.created) return <Age since={r.created} />;
          return value === '<none>' ? <span className="muted">{value}</span> : value;
        },
      });
    });
    if (canWrite)
      out.push({ header: 'Actions', width: '110px', cell: (r) => <DeleteButton resource={ref} row={r} kind={kind} /> });
    return out;
  }, [allColumns, namespaced, effectiveNamespace, wide, canWrite, ref, kind, section]);

  const namespaceNames = useMemo(() => {
    const names = new Set((namespaces.data ?? []).map((n) => n.metadata?.name));
    if (namespace) names.add(namespace);
    return [...names].sort();
  }, [namespaces.data, namespace]);

  return (
    <>
      <h1>
        {info.data ? `${kind} objects` : plural} <span className="muted">({resourceLabel(ref)})</span>
      </h1>
      <Breadcrumbs trail={[[SECTION_TITLES[section], `/${section}`], [resourceLabel(ref)]]} />
      {canWrite && info.data && info.data.verbs.includes('create') && (
        <p>
          <Link className="btn" href={createPage(ref, info.data.kind, effectiveNamespace)}>
            Create {info.data.kind}
          </Link>
        </p>
      )}
      <section className="panel">
        {info.isError && <LoadState pending={false} error={info.error} what="the kind" />}
        <div className="row">
          {versions.length > 1 && (
            <div className="field">
              <label htmlFor="cr-version">Version</label>
              <select
                id="cr-version"
                value={version}
                onChange={(e) => router.push(listPage({ ...ref, version: e.target.value }, section))}
              >
                {versions.map((v) => (
                  <option key={v} value={v}>
                    {v}
                    {v === info.data?.preferredVersion ? ' (preferred)' : ''}
                  </option>
                ))}
              </select>
            </div>
          )}
          {namespaced && (
            <div className="field">
              <label htmlFor="cr-namespace">Namespace</label>
              <select id="cr-namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)}>
                <option value="">All namespaces</option>
                {namespaceNames.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="cr-filter">Contains</label>
            <input
              id="cr-filter"
              type="search"
              data-search
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="name or any column"
            />
          </div>
          {hiddenCount > 0 && (
            <label className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
              <input type="checkbox" checked={wide} onChange={(e) => setWide(e.target.checked)} />
              All columns ({hiddenCount} more)
            </label>
          )}
          <p className="muted" data-testid="cr-count">
            {table.data ? `${shown.length} of ${rows.length} ${plural}` : ''}
          </p>
        </div>
        {!table.data ? (
          <LoadState pending={!table.isError} error={table.error} what={plural} />
        ) : (
          <>
            {table.isError && <LoadState pending={false} error={table.error} what={plural} />}
            <VirtualTable
              rows={shown}
              columns={columns}
              rowKey={(r) => r.key}
              testId="cr-table"
              empty={
                rows.length
                  ? `No ${plural} match.`
                  : `No ${plural} ${effectiveNamespace ? `in ${effectiveNamespace} ` : ''}yet.`
              }
            />
          </>
        )}
      </section>
    </>
  );
}
