import type { ClusterOverview } from '@/lib/apiserver/overview.ts';
import { DataTable, type Column } from '@/components/data-table';

const eventColumns: Column<ClusterOverview['events'][number]>[] = [
  { header: 'Type', cell: (e) => e.type },
  { header: 'Reason', cell: (e) => e.reason },
  { header: 'Object', cell: (e) => <code>{e.object}</code> },
  { header: 'Message', cell: (e) => e.message },
];

const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '—');
const cores = (milli: number) => `${(milli / 1000).toFixed(1)}`;
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Server-rendered cluster cards: counts, capacity vs requested, entropy. */
export function ClusterCards({ overview }: { overview: ClusterOverview }) {
  const { nodes, pods, deployments, capacity, requested } = overview;
  const cards = [
    {
      label: 'Nodes ready',
      value: `${nodes.ready}/${nodes.total}`,
      hint: nodes.cordoned ? `${nodes.cordoned} cordoned` : undefined,
      id: 'nodes',
    },
    {
      label: 'Pods running',
      value: String(pods.Running ?? 0),
      hint: `${pods.Pending ?? 0} pending, ${pods.Failed ?? 0} failed`,
      id: 'pods',
    },
    { label: 'Deployments available', value: `${deployments.available}/${deployments.total}`, id: 'deployments' },
    {
      label: 'CPU requested',
      value: `${cores(requested.cpuMilli)} / ${cores(capacity.cpuMilli)} cores`,
      hint: pct(requested.cpuMilli, capacity.cpuMilli),
      id: 'cpu',
    },
    {
      label: 'Memory requested',
      value: `${gib(requested.memoryBytes)} / ${gib(capacity.memoryBytes)}`,
      hint: pct(requested.memoryBytes, capacity.memoryBytes),
      id: 'memory',
    },
    {
      label: 'Cluster entropy',
      value: overview.entropy === null ? '—' : `${overview.entropy} / 100`,
      hint: 'evenness of utilisation',
      id: 'entropy',
    },
  ];
  return (
    <section className="cards" data-testid="cluster-summary">
      {cards.map((c) => (
        <div className="panel card" key={c.id} data-testid={`card-${c.id}`}>
          <div className="muted">{c.label}</div>
          <div className="card-value">{c.value}</div>
          {c.hint && <div className="muted">{c.hint}</div>}
        </div>
      ))}
    </section>
  );
}

export function LatestEvents({ events }: { events: ClusterOverview['events'] }) {
  return (
    <section className="panel">
      <h2>Latest events</h2>
      <DataTable rows={events} columns={eventColumns} testId="latest-events" empty="No events yet." />
    </section>
  );
}
