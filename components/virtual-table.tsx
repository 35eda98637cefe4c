'use client';

import { memo, useCallback, useMemo, useRef, useState } from 'react';

// A table that renders only the rows in view (plus a margin), so 100,000 rows
// cost as much as 40: fixed row height, spacer rows above and below, a
// sticky header. Columns with `sort` can be sorted by clicking their header.

export interface VirtualColumn<Row> {
  header: string;
  cell: (row: Row) => React.ReactNode;
  sort?: (a: Row, b: Row) => number;
  width?: string;
}

const ROW_HEIGHT = 37;
const OVERSCAN = 10;

function VirtualTableView<Row>({
  rows,
  version,
  columns,
  rowKey,
  empty,
  testId,
  height = 'min(70vh, 760px)',
}: {
  rows: readonly Row[];
  /** Set when `rows` is changed in place (a live store): a new value re-sorts. */
  version?: number;
  columns: VirtualColumn<Row>[];
  rowKey: (row: Row) => string;
  empty: string;
  testId: string;
  height?: string;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);
  const [sort, setSort] = useState<{ column: number; descending: boolean } | null>(null);
  const frame = useRef(0);
  const container = useCallback((node: HTMLDivElement | null) => {
    if (node) setViewport(node.clientHeight || 800);
  }, []);
  const sorted = useMemo(() => {
    const compare = sort ? columns[sort.column].sort : undefined;
    if (!compare || !sort) return rows;
    const copy = rows.slice().sort(compare);
    return sort.descending ? copy.reverse() : copy;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, version, columns, sort]);
  if (!rows.length)
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        {empty}
      </p>
    );
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(sorted.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const onScroll = (e: React.UIEvent<HTMLDivElement>) => {
    const top = e.currentTarget.scrollTop;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(top));
  };
  const toggle = (i: number) =>
    setSort((s) =>
      s?.column === i ? (s.descending ? null : { column: i, descending: true }) : { column: i, descending: false },
    );
  return (
    <div
      className="virtual-table"
      style={{ maxHeight: height }}
      ref={container}
      onScroll={onScroll}
      tabIndex={0}
      aria-label={`${sorted.length} rows`}
    >
      <table className="table" data-testid={testId} aria-rowcount={sorted.length + 1}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th
                key={c.header || i}
                style={c.width ? { width: c.width } : undefined}
                aria-sort={sort?.column === i ? (sort.descending ? 'descending' : 'ascending') : undefined}
              >
                {c.sort ? (
                  <button type="button" className="th-sort" onClick={() => toggle(i)}>
                    {c.header}
                    {sort?.column === i ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr aria-hidden="true" style={{ height: first * ROW_HEIGHT }} />}
          {sorted.slice(first, last).map((row, i) => (
            <tr key={rowKey(row)} aria-rowindex={first + i + 2} style={{ height: ROW_HEIGHT }}>
              {columns.map((c, j) => (
                <td key={c.header || j}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
          {last < sorted.length && <tr aria-hidden="true" style={{ height: (sorted.length - last) * ROW_HEIGHT }} />}
        </tbody>
      </table>
    </div>
  );
}

// A filter's keystroke renders its page twice (the input at once, the filtered rows deferred): unchanged props skip
// the rows in the first.
export const VirtualTable = memo(VirtualTableView) as typeof VirtualTableView;
