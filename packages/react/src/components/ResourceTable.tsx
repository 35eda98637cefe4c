import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { KubeObject } from '@entroos/client';
import { useList, type Selection } from '../hooks.ts';
import { age } from '../status.ts';
import { StatusBadge } from './StatusBadge.tsx';

export interface Column<T> {
  id: string;
  header: string;
  cell: (object: T) => ReactNode;
  /** Makes the column sortable by clicking its header. */
  sortValue?: (object: T) => string | number;
  /** A CSS grid track: "2fr", "120px", "minmax(80px, 1fr)". Default 1fr. */
  width?: string;
}

export interface ResourceTableProps<T> extends Selection {
  /** The rows. Or give `resource` (and optionally namespace and selectors) for a live list. */
  items?: readonly T[];
  resource?: string;
  columns?: Column<T>[];
  /** Visible height in px (rows outside it are not rendered). Default 400. */
  height?: number;
  /** Row height in px (fixed, for virtualisation). Default 36. */
  rowHeight?: number;
  getKey?: (object: T) => string;
  onRowClick?: (object: T) => void;
  /** The table's accessible name. */
  label?: string;
  empty?: ReactNode;
}

const NONE: readonly never[] = [];

type Meta = { metadata?: { name?: string; namespace?: string; creationTimestamp?: string; uid?: string } };

const defaultKey = (o: unknown) => {
  const m = (o as Meta).metadata;
  return m?.uid ?? `${m?.namespace ?? ''}/${m?.name ?? ''}`;
};

/** Name, Namespace (when the rows have one), Status and Age: what kubectl get shows for any kind. */
export function defaultColumns<T>(items: readonly T[]): Column<T>[] {
  const meta = (o: T) => (o as Meta).metadata;
  const columns: Column<T>[] = [
    { id: 'name', header: 'Name', cell: (o) => meta(o)?.name, sortValue: (o) => meta(o)?.name ?? '', width: '2fr' },
  ];
  if (items.some((o) => meta(o)?.namespace))
    columns.push({
      id: 'namespace',
      header: 'Namespace',
      cell: (o) => meta(o)?.namespace,
      sortValue: (o) => meta(o)?.namespace ?? '',
    });
  columns.push(
    { id: 'status', header: 'Status', cell: (o) => <StatusBadge object={o as KubeObject} /> },
    {
      id: 'age',
      header: 'Age',
      cell: (o) => age(meta(o)?.creationTimestamp),
      sortValue: (o) => -Date.parse(meta(o)?.creationTimestamp ?? '') || 0,
      width: '80px',
    },
  );
  return columns;
}

/**
 * A table that renders only the rows in view (@tanstack/react-virtual), so 100,000 rows cost as much as 20.
 * With `resource` it lists and watches through the provider (one watch shared with every other user of it).
 */
export function ResourceTable<T = KubeObject>(props: ResourceTableProps<T>) {
  const { resource, namespace, labelSelector, fieldSelector, height = 400, rowHeight = 36 } = props;
  const live = useList<string, T>(resource ?? '', {
    namespace,
    labelSelector,
    fieldSelector,
    enabled: Boolean(resource) && !props.items,
  });
  const items = useMemo(() => props.items ?? live.data ?? NONE, [props.items, live.data]);
  const [sort, setSort] = useState<{ id: string; descending: boolean } | null>(null);
  const columns = useMemo(() => props.columns ?? defaultColumns(items), [props.columns, items]);
  const sorted = useMemo(() => {
    const by = sort && columns.find((c) => c.id === sort.id)?.sortValue;
    if (!by || !sort) return items;
    const direction = sort.descending ? -1 : 1;
    return [...items].sort((a, b) => {
      const x = by(a);
      const y = by(b);
      return x < y ? -direction : x > y ? direction : 0;
    });
  }, [items, columns, sort]);
  const scroller = useRef<HTMLDivElement>(null);
  // React Compiler skips this component (the virtualiser returns fresh functions); it re-renders on scroll anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    // Before the first measurement (and in a hidden tab) assume the given height, so rows show at once.
    initialRect: { width: 800, height },
  });
  const getKey = props.getKey ?? defaultKey;
  const template = columns.map((c) => c.width ?? '1fr').join(' ');
  const rows = virtualizer.getVirtualItems();
  const loading = Boolean(resource) && !props.items && live.isLoading;
  return (
    <div
      className="eos-table"
      role="table"
      aria-label={props.label ?? resource ?? 'Objects'}
      aria-rowcount={sorted.length + 1}
    >
      <div role="rowgroup" className="eos-table__head">
        <div role="row" aria-rowindex={1} className="eos-table__row" style={{ gridTemplateColumns: template }}>
          {columns.map((c) => {
            const active = sort?.id === c.id;
            return (
              <div
                role="columnheader"
                key={c.id}
                className="eos-table__header"
                aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined}
              >
                {c.sortValue ? (
                  <button
                    type="button"
                    className="eos-table__sort"
                    onClick={() =>
                      setSort(
                        active && !sort.descending
                          ? { id: c.id, descending: true }
                          : active
                            ? null
                            : { id: c.id, descending: false },
                      )
                    }
                  >
                    {c.header}
                    <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                ) : (
                  c.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div ref={scroller} className="eos-table__body" style={{ height, overflow: 'auto' }} tabIndex={0} role="rowgroup">
        {sorted.length === 0 ? (
          <div role="row" className="eos-table__empty">
            <div role="cell">
              {loading
                ? 'Loading…'
                : live.error
                  ? `Could not list ${resource}: ${(live.error as Error).message}`
                  : (props.empty ?? 'Nothing here yet.')}
            </div>
          </div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {rows.map((row) => {
              const object = sorted[row.index];
              return (
                <div
                  role="row"
                  key={getKey(object)}
                  aria-rowindex={row.index + 2}
                  className={props.onRowClick ? 'eos-table__row eos-table__row--click' : 'eos-table__row'}
                  style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${row.start}px)` }}
                  tabIndex={props.onRowClick ? 0 : undefined}
                  onClick={props.onRowClick ? () => props.onRowClick?.(object) : undefined}
                  onKeyDown={
                    props.onRowClick
                      ? (e) => {
                          if (e.key === 'Enter') props.onRowClick?.(object);
                        }
                      : undefined
                  }
                >
                  {columns.map((c) => (
                    <div role="cell" key={c.id} className="eos-table__cell">
                      {c.cell(object)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
