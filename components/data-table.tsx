// A plain server-rendered table for the list pages (live, virtualised tables come with the dashboard work).

export interface Column<Row> {
  header: string;
  cell: (row: Row) => React.ReactNode;
}

export function DataTable<Row>({
  rows,
  columns,
  empty,
  testId,
  limit = 500,
}: {
  rows: Row[];
  columns: Column<Row>[];
  empty: string;
  testId: string;
  limit?: number;
}) {
  if (!rows.length)
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        {empty}
      </p>
    );
  const shown = rows.slice(0, limit);
  return (
    <>
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header}>{c.header}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.header} data-label={c.header}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && (
        <p className="muted">
          Showing {shown.length} of {rows.length}; narrow the list with the filters.
        </p>
      )}
    </>
  );
}
