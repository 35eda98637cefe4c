'use client';

import { useMemo } from 'react';
import { Age } from '@/components/age';
import { DataTable, type Column } from '@/components/data-table';
import { SummaryCards } from '@/components/summary-cards';
import { nodeRows, podRow, requestedByNode, type PodRow } from '@/lib/apimachinery/rows.ts';
import { useList } from '@entroos/react';
import type { ObjectView } from '@/lib/apimachinery/object.ts';
import { errorText } from '@/lib/client/api.ts';
import { NodeUsageChart } from '@/components/nodes/node-usage-chart';
import { milliCpu, parseQuantity } from '@/lib/apimachinery/quantity.ts';
import { useCordonMutation, useDrainMutation, useNodeFaultMutation, type NodeFault } from '@/lib/client/nodes.ts';
import type { Node, NodeCondition, Pod } from '@/lib/apimachinery/generated/kinds.ts';

const podColumns: Column<PodRow>[] = [
  {
    header: 'Pod',
    cell: (r) => (
      <a
        href={`/pods/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`}
      >{`${r.namespace}/${r.name}`}</a>
    ),
  },
  { header: 'Status', cell: (r) => r.status },
  { header: 'Restarts', cell: (r) => r.restarts },
  { header: 'IP', cell: (r) => r.ip },
  { header: 'Age', cell: (r) => <Age since={r.createdMs || undefined} /> },
];

const conditionColumns: Column<NodeCondition>[] = [
  { header: 'Condition', cell: (c) => c.type },
  { header: 'Status', cell: (c) => c.status },
  { header: 'Reason', cell: (c) => c.reason ?? '—' },
  { header: 'Message', cell: (c) => c.message ?? '—' },
  { header: 'Last heartbeat', cell: (c) => c.lastHeartbeatTime ?? '—' },
];

function Feedback({ pending, error, done }: { pending: boolean; error: Error | null; done?: string }) {
  if (pending) return <span className="muted">Working…</span>;
  if (error)
    return (
      <span className="error" role="alert">
        {error.message}
      </span>
    );
  return done ? <span className="muted">{done}</span> : null;
}

/** One node, live: status, conditions, taints, labels, its pods; admins get cordon, drain and chaos faults. */
export function NodeView({ name, canManage }: { name: string; canManage: boolean }) {
  const nodes = useList<'nodes', ObjectView<Node>>('nodes', { fieldSelector: `metadata.name=${name}` });
  const pods = useList<'pods', ObjectView<Pod>>('pods', { fieldSelector: `spec.nodeName=${name}` });
  const cordon = useCordonMutation(name);
  const drain = useDrainMutation(name);
  const fault = useNodeFaultMutation(name);
  const node = nodes.data?.[0];
  const podList = useMemo(() => (pods.data ?? []).map((p) => podRow(p)), [pods.data]);
  const row = useMemo(() => (node ? nodeRows([node], requestedByNode(podList))[0] : undefined), [node, podList]);
  if (!nodes.data && nodes.error)
    return (
      <p className="error" role="alert">
        {errorText(nodes.error)}
      </p>
    );
  if (!nodes.data || !pods.data) return <p className="muted">Loading node…</p>;
  if (!node || !row)
    return (
      <p className="error" role="alert">
        Node {name} does not exist (any more).
      </p>
    );
  const labels = Object.entries((node.metadata.labels as Record<string, string>) ?? {});
  const taints = node.spec?.taints ?? [];
  const runFault = (action: NodeFault, question: string) => {
    if (window.confirm(question)) fault.mutate(action);
  };
  return (
    <>
      <SummaryCards
        testId="node-summary"
        items={[
          ['Status', row.status],
          ['Zone', row.zone],
          ['Instance type', row.instanceType],
          ['CPU requested', `${row.cpuRequestedPct}%`],
          ['Memory requested', `${row.memoryRequestedPct}%`],
          ['Pods', String(row.pods)],
        ]}
      />
      {canManage && (
        <section className="panel" data-testid="node-actions">
          <h2>Actions</h2>
          <div className="row">
            {node.spec?.unschedulable ? (
              <button className="btn" type="button" disabled={cordon.isPending} onClick={() => cordon.mutate(false)}>
                Uncordon
              </button>
            ) : (
              <button className="btn" type="button" disabled={cordon.isPending} onClick={() => cordon.mutate(true)}>
                Cordon
              </button>
            )}
            <button
              className="btn"
              type="button"
              disabled={drain.isPending}
              onClick={() =>
                window.confirm(`Drain ${name}? It is cordoned and its ${podList.length} pods are evicted.`) &&
                drain.mutate()
              }
            >
              Drain
            </button>
            <Feedback
              pending={cordon.isPending || drain.isPending}
              error={cordon.error ?? drain.error}
              done={drain.data ? `Evicted ${drain.data.evicted} pods.` : undefined}
            />
          </div>
          <h3>Chaos</h3>
          <div className="row">
            <button
              className="btn"
              type="button"
              onClick={() =>
                runFault(
                  'stop-heartbeats',
                  `Kill ${name}? It stops heartbeating and its containers stop; after the grace period it turns NotReady and its pods move.`,
                )
              }
            >
              Kill node
            </button>
            <button className="btn" type="button" onClick={() => fault.mutate('restore')}>
              Restore
            </button>
            <button
              className="btn"
              type="button"
              onClick={() =>
                runFault(
                  'partition',
                  `Partition ${name}? Its heartbeats stop reaching the API while its containers keep running.`,
                )
              }
            >
              Partition
            </button>
            <button className="btn" type="button" onClick={() => fault.mutate('heal')}>
              Heal
            </button>
            <Feedback
              pending={fault.isPending}
              error={fault.error}
              done={fault.isSuccess ? `Fault applied: ${fault.variables}.` : undefined}
            />
          </div>
        </section>
      )}
      <NodeUsageChart
        name={name}
        allocatableCpuMilli={milliCpu(node.status?.allocatable?.cpu ?? '0') || 0}
        allocatableMemoryBytes={parseQuantity(node.status?.allocatable?.memory ?? '0') || 0}
      />
      <section className="panel">
        <h2>Conditions</h2>
        <DataTable
          rows={node.status?.conditions ?? []}
          columns={conditionColumns}
          testId="node-conditions"
          empty="No conditions reported."
        />
      </section>
      <section className="panel">
        <h2>Taints and labels</h2>
        <p data-testid="node-taints">
          {taints.length
            ? taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ')
            : 'No taints.'}
        </p>
        <p className="muted">{labels.map(([k, v]) => `${k}=${v}`).join('  ·  ')}</p>
      </section>
      <section className="panel">
        <h2>Pods on this node</h2>
        <DataTable rows={podList} columns={podColumns} testId="node-pods" empty="No pods on this node." />
      </section>
    </>
  );
}
