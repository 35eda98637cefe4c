/** The row of label/value cards at the top of an object's page. */
export function SummaryCards({ items, testId }: { items: [label: string, value: string][]; testId: string }) {
  return (
    <section className="cards" data-testid={testId}>
      {items.map(([label, value]) => (
        <div className="panel card" key={label}>
          <div className="muted">{label}</div>
          <div className="card-value">{value}</div>
        </div>
      ))}
    </section>
  );
}
