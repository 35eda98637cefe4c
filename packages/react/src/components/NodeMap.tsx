import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Node } from '@entroos/client';
import { useEntroos } from '../provider.tsx';
import { useList } from '../hooks.ts';
import { parseQuantity } from '../status.ts';

export interface NodeCell {
  name: string;
  /** Utilisation from 0 to 1 (may exceed 1 when over-committed). */
  cpu?: number;
  memory?: number;
  ready?: boolean;
  unschedulable?: boolean;
  pods?: number;
}

export type NodeMetric = 'cpu' | 'memory';

export interface NodeMapProps {
  nodes: readonly NodeCell[];
  metric?: NodeMetric;
  onSelect?: (node: NodeCell) => void;
  /** Cell size in px. Default 28. */
  cellSize?: number;
  label?: string;
}

const BUCKETS = 5;
const bucket = (u: number | undefined) =>
  u === undefined || Number.isNaN(u) ? -1 : Math.min(BUCKETS - 1, Math.floor(Math.max(0, u) * BUCKETS));
const percent = (u: number | undefined) =>
  u === undefined || Number.isNaN(u) ? 'no data' : `${Math.round(u * 100)} %`;

function describe(n: NodeCell) {
  const state = n.ready === false ? 'not ready' : n.unschedulable ? 'cordoned' : 'ready';
  return `${n.name}: CPU ${percent(n.cpu)}, memory ${percent(n.memory)}, ${state}${n.pods !== undefined ? `, ${n.pods} pods` : ''}`;
}

/**
 * Nodes as a heat-map of utilisation: one cell per node, its colour the chosen metric in five steps (the legend
 * says which); a node that is not ready is crossed out, a cordoned one outlined.
 */
export function NodeMap({
  nodes,
  metric = 'cpu',
  onSelect,
  cellSize = 28,
  label = 'Nodes by utilisation',
}: NodeMapProps) {
  return (
    <figure className="eos-nodemap">
      <div
        className="eos-nodemap__grid"
        role="list"
        aria-label={label}
        style={{ gridTemplateColumns: `repeat(auto-fill, ${cellSize}px)` }}
      >
        {nodes.map((n) => {
          const level = bucket(n[metric]);
          const className = `eos-nodemap__cell eos-heat-${level < 0 ? 'none' : level}${n.ready === false ? ' eos-nodemap__cell--down' : ''}${n.unschedulable ? ' eos-nodemap__cell--cordoned' : ''}`;
          const text = describe(n);
          return (
            <div
              role="listitem"
              key={n.name}
              style={{ width: cellSize, height: cellSize }}
              className="eos-nodemap__slot"
            >
              {onSelect ? (
                <button
                  type="button"
                  className={className}
                  title={text}
                  aria-label={text}
                  onClick={() => onSelect(n)}
                />
              ) : (
                <span className={className} title={text} role="img" aria-label={text} />
              )}
            </div>
          );
        })}
      </div>
      <figcaption className="eos-nodemap__legend">
        <span>{metric === 'cpu' ? 'CPU' : 'Memory'} used:</span>
        {Array.from({ length: BUCKETS }, (_, i) => (
          <span key={i} className="eos-nodemap__key">
            <span className={`eos-nodemap__swatch eos-heat-${i}`} aria-hidden="true" />
            {i * 20}–{i === BUCKETS - 1 ? '100+' : (i + 1) * 20} %
          </span>
        ))}
        <span className="eos-nodemap__key">
          <span className="eos-nodemap__swatch eos-nodemap__cell--down" aria-hidden="true" />
          not ready
        </span>
      </figcaption>
    </figure>
  );
}

interface NodeMetricsList {
  items: { metadata?: { name?: string }; usage?: { cpu?: string; memory?: string } }[];
}

/** Nodes and their utilisation (metrics.k8s.io usage over allocatable): nodes watched, usage polled. */
export function useNodeUtilisation(options: { refreshMs?: number } = {}): { nodes: NodeCell[]; error: unknown } {
  const { client } = useEntroos();
  const nodes = useList('nodes');
  const metrics = useQuery({
    queryKey: ['entroos', 'metrics.k8s.io', 'nodes'],
    queryFn: ({ signal }) => client.request<NodeMetricsList>({ path: '/apis/metrics.k8s.io/v1beta1/nodes', signal }),
    refetchInterval: options.refreshMs ?? 5000,
  });
  const cells = useMemo(() => {
    const usage = new Map((metrics.data?.items ?? []).map((m) => [m.metadata?.name ?? '', m.usage]));
    return (nodes.data ?? []).map((node: Node): NodeCell => {
      const name = node.metadata?.name ?? '';
      const allocatable = node.status?.allocatable ?? {};
      const used = usage.get(name);
      return {
        name,
        cpu: used ? parseQuantity(used.cpu) / parseQuantity(allocatable.cpu) : undefined,
        memory: used ? parseQuantity(used.memory) / parseQuantity(allocatable.memory) : undefined,
        ready: node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
        unschedulable: node.spec?.unschedulable ?? false,
      };
    });
  }, [nodes.data, metrics.data]);
  return { nodes: cells, error: nodes.error ?? metrics.error };
}

/** NodeMap of the cluster's nodes, live: nodes come and go through a watch, utilisation refreshes every few seconds. */
export function LiveNodeMap(props: Omit<NodeMapProps, 'nodes'> & { refreshMs?: number }) {
  const { nodes, error } = useNodeUtilisation({ refreshMs: props.refreshMs });
  return (
    <>
      {Boolean(error) && (
        <p className="eos-error" role="alert">
          Could not read the nodes: {(error as Error).message}
        </p>
      )}
      <NodeMap {...props} nodes={nodes} />
    </>
  );
}
