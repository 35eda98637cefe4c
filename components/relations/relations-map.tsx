'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { useList } from '@entroos/react';
import type { Deployment, Endpoints, Node, Pod, ReplicaSet, Service } from '@/lib/apimachinery/generated/kinds.ts';
import type { ObjectView } from '@/lib/apimachinery/object.ts';
import { errorText } from '@/lib/client/api.ts';
import { useNamespaceFilter } from '@/lib/client/namespace-scope.ts';
import { useUrlParams } from '@/lib/client/url-state.ts';
import { buildRelations, DEFAULT_MAX_PODS, type RelationGraph, type RelationNode } from '@/lib/client/relations.ts';

// The relations map: a namespace's (or a node's) workloads as boxes and arrows, kept live by the same watches as
// the lists; every box is a link to the object's page, and the same graph is offered as a table.

const COLUMN = 250;
const ROW = 50;
const BOX = { width: 210, height: 40 };
const TOP = 28;
const STROKE: Record<RelationNode['tone'], string> = {
  ok: 'var(--ok)',
  danger: 'var(--danger)',
  muted: 'var(--muted)',
  active: 'var(--accent)',
};
const MARK: Record<RelationNode['tone'], string> = { ok: '✓', danger: '✗', muted: '…', active: '▶' };
const HEADERS = ['Deployments · Services', 'ReplicaSets · Endpoints', 'Pods', 'Nodes'];

const title = (n: RelationNode) => `${n.kind === 'More' ? 'Pods' : n.kind} ${n.name}`;

function Graph({ graph, label }: { graph: RelationGraph; label: string }) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const rows = Math.max(0, ...graph.nodes.map((n) => n.row)) + 1;
  const position = (n: RelationNode) => ({ x: n.column * COLUMN + 8, y: TOP + n.row * ROW });
  const width = 3 * COLUMN + BOX.width + 16;
  const height = TOP + rows * ROW;
  return (
    <div style={{ overflow: 'auto', maxHeight: '75vh' }}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-label={label}>
        {HEADERS.map((h, i) => (
          <text key={h} x={i * COLUMN + 8} y={16} fontSize={12} fill="var(--muted)" aria-hidden="true">
            {h}
          </text>
        ))}
        {graph.edges.map((e) => {
          const a = byId.get(e.from);
          const b = byId.get(e.to);
          if (!a || !b) return null;
          const from = position(a);
          const to = position(b);
          const x1 = from.x + BOX.width;
          const y1 = from.y + BOX.height / 2;
          const y2 = to.y + BOX.height / 2;
          const mid = (x1 + to.x) / 2;
          return (
            <path
              key={`${e.from}→${e.to}`}
              d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${to.x},${y2}`}
              fill="none"
              stroke="var(--border)"
              strokeWidth={1.5}
              data-edge={`${e.from}→${e.to}`}
            />
          );
        })}
        {graph.nodes.map((n) => {
          const { x, y } = position(n);
          const name = n.name.length > 28 ? `${n.name.slice(0, 27)}…` : n.name;
          const box = (
            <g data-node={n.id} data-state={n.state}>
              <title>{`${title(n)}${n.namespace ? ` in ${n.namespace}` : ''} — ${n.state}`}</title>
              <rect
                x={x}
                y={y}
                width={BOX.width}
                height={BOX.height}
                rx={6}
                fill="var(--panel)"
                stroke={STROKE[n.tone]}
                strokeWidth={n.current ? 3 : 1.5}
              />
              <text x={x + 8} y={y + 15} fontSize={11} fill="var(--muted)">
                {`${MARK[n.tone]} ${n.kind === 'More' ? 'Pods' : n.kind} · ${n.state}`.slice(0, 36)}
              </text>
              <text x={x + 8} y={y + 32} fontSize={12} fill="var(--text)" fontWeight={n.current ? 700 : 400}>
                {name}
              </text>
            </g>
          );
          const aria = `${title(n)}, ${n.state}`;
          return n.href ? (
            <Link key={n.id} href={n.href} aria-label={aria}>
              {box}
            </Link>
          ) : (
            <g key={n.id} role="img" aria-label={aria}>
              {box}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** The graph as a table: each object, its state, and what it points to. */
function GraphTable({ graph }: { graph: RelationGraph }) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { relation: string; to: RelationNode }[]>();
  for (const e of graph.edges) {
    const to = byId.get(e.to);
    if (to) out.set(e.from, [...(out.get(e.from) ?? []), { relation: e.relation, to }]);
  }
  const ordered = [...graph.nodes].sort((a, b) => a.column - b.column || a.row - b.row);
  return (
    <details style={{ marginTop: 12 }}>
      <summary>The map as a table ({graph.nodes.length} objects)</summary>
      <table className="table" data-testid="relations-table">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Points to</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((n) => (
            <tr key={n.id}>
              <td>{n.kind === 'More' ? 'Pods' : n.kind}</td>
              <td>{n.href ? <Link href={n.href}>{n.name}</Link> : n.name}</td>
              <td>{n.state}</td>
              <td>
                {(out.get(n.id) ?? []).map(({ relation, to }, i) => (
                  <span key={to.id}>
                    {i > 0 && ', '}
                    {relation} {title(to)}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/**
 * A namespace's map (deployments, their ReplicaSets and pods, the nodes they run on, services and their
 * endpoints), or a node's: the pods on it and what owns and serves them.
 */
export function RelationsMap({ namespace, node }: { namespace?: string; node?: string }) {
  const namespaces = useList<'namespaces'>('namespaces', { enabled: !node });
  const names = useMemo(() => (namespaces.data ?? []).map((n) => n.metadata?.name ?? '').sort(), [namespaces.data]);
  // The dashboard's current namespace; without one, the demo's if there is one, else default.
  const [current, setCurrent] = useNamespaceFilter(namespace);
  const chosen = node
    ? undefined
    : current || (namespaces.data ? (names.includes('demo') ? 'demo' : 'default') : undefined);
  useUrlParams(node ? {} : { namespace: current || undefined });
  const ready = Boolean(node || chosen);
  const scope = node ? { enabled: ready } : { namespace: chosen, enabled: ready };
  const pods = useList<'pods', ObjectView<Pod>>('pods', {
    ...(node ? { fieldSelector: `spec.nodeName=${node}` } : { namespace: chosen }),
    enabled: ready,
  });
  const replicaSets = useList<'replicasets', ObjectView<ReplicaSet>>('replicasets', scope);
  const deployments = useList<'deployments', ObjectView<Deployment>>('deployments', scope);
  const services = useList<'services', ObjectView<Service>>('services', scope);
  const endpoints = useList<'endpoints', ObjectView<Endpoints>>('endpoints', scope);
  const nodes = useList<'nodes', ObjectView<Node>>('nodes', {
    ...(node ? { fieldSelector: `metadata.name=${node}` } : {}),
    enabled: ready,
  });
  const lists = [pods, replicaSets, deployments, services, endpoints, nodes];
  const error = lists.find((l) => l.error)?.error;
  const loaded = lists.every((l) => l.data);
  const graph = useMemo(
    () =>
      loaded
        ? buildRelations(
            {
              pods: pods.data ?? [],
              replicaSets: replicaSets.data,
              deployments: deployments.data,
              services: services.data,
              endpoints: endpoints.data,
              nodes: nodes.data,
            },
            { focusNode: node, maxPodsPerGroup: DEFAULT_MAX_PODS },
          )
        : undefined,
    [loaded, pods.data, replicaSets.data, deployments.data, services.data, endpoints.data, nodes.data, node],
  );
  const podCount = pods.data?.length ?? 0;
  const where = node ? `node ${node}` : `namespace ${chosen ?? '…'}`;
  return (
    <section className="panel" data-testid="relations-map">
      <div className="row">
        {!node && (
          <div className="field">
            <label htmlFor="map-namespace">Namespace</label>
            <select id="map-namespace" value={chosen ?? ''} onChange={(e) => setCurrent(e.target.value)}>
              {[...new Set([...(chosen ? [chosen] : []), ...names])].sort().map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        )}
        {node && (
          <p>
            Centred on <Link href={`/nodes/${encodeURIComponent(node)}`}>node {node}</Link>.
          </p>
        )}
        <p className="muted" data-testid="relations-summary" aria-live="polite">
          {graph
            ? `${podCount} ${podCount === 1 ? 'pod' : 'pods'}, ${graph.nodes.length} boxes${graph.collapsed ? `; ${graph.collapsed} pods folded into “+N more” boxes (over ${DEFAULT_MAX_PODS} per ReplicaSet)` : ''}. Live.`
            : ''}
        </p>
      </div>
      {error ? (
        <p className="alert alert-error" role="alert">
          {errorText(error)}
        </p>
      ) : !graph ? (
        <p className="muted">Loading the map of {where}…</p>
      ) : graph.nodes.length === 0 ? (
        <p className="muted" data-testid="relations-empty">
          Nothing runs in {where} yet.
        </p>
      ) : (
        <>
          <Graph graph={graph} label={`Relations in ${where}: ${graph.nodes.length} objects, each a link`} />
          <GraphTable graph={graph} />
        </>
      )}
    </section>
  );
}
