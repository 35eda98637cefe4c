'use client';

import { useMemo, useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { deploymentRow, type DeploymentRow } from '@/lib/apimachinery/rows.ts';
import { useList } from '@entroos/react';
import { ScopeHint } from '@/components/shell/namespace-scope';
import { useScopeNamespace } from '@/lib/client/namespace-scope.ts';
import type { ObjectView } from '@/lib/apimachinery/object.ts';
import type { Deployment } from '@/lib/apimachinery/generated/kinds.ts';
import { errorText } from '@/lib/client/api.ts';
import { SUGGESTED_IMAGES } from '@/lib/kubelet/runtime/known-images.ts';
import {
  parsePairs,
  useDeleteDeploymentMutation,
  useEditDeploymentMutation,
  useScaleDeploymentMutation,
} from '@/lib/client/deployments.ts';

const baseColumns: Column<DeploymentRow>[] = [
  { header: 'Namespace', cell: (r) => r.namespace },
  { header: 'Name', cell: (r) => r.name },
  { header: 'Ready', cell: (r) => r.ready },
  { header: 'Up-to-date', cell: (r) => r.upToDate },
  { header: 'Available', cell: (r) => r.available },
  { header: 'Images', cell: (r) => <code>{r.images}</code> },
  { header: 'Age', cell: (r) => r.age },
];

/** Scale (a number and a button) and delete (after confirmation) for one deployment. */
function Actions({ row, onResult }: { row: DeploymentRow; onResult: (text: string, error?: boolean) => void }) {
  const scale = useScaleDeploymentMutation();
  const editing = useEditDeploymentMutation();
  const [image, setImage] = useState(row.images.split(', ')[0] ?? '');
  const [labels, setLabels] = useState(row.labels);
  const [labelError, setLabelError] = useState('');
  const save = () => {
    const parsed = parsePairs(labels);
    if (typeof parsed === 'string') return setLabelError(parsed);
    setLabelError('');
    void run(
      editing.mutateAsync({ namespace: row.namespace, name: row.name, image: image.trim(), labels: parsed }),
      `Updated ${id}.`,
    );
  };
  const remove = useDeleteDeploymentMutation();
  const [replicas, setReplicas] = useState(row.ready.split('/')[1]);
  const id = `${row.namespace}/${row.name}`;
  const run = (p: Promise<unknown>, done: string) =>
    p.then(() => onResult(done)).catch((err: Error) => onResult(`${id}: ${err.message}`, true));
  return (
    <span className="row">
      <input
        aria-label={`Replicas of ${id}`}
        type="number"
        min={0}
        value={replicas}
        onChange={(e) => setReplicas(e.target.value)}
        style={{ width: 70 }}
      />
      <button
        className="btn"
        type="button"
        disabled={scale.isPending}
        onClick={() =>
          run(
            scale.mutateAsync({ namespace: row.namespace, name: row.name, replicas: Number(replicas) }),
            `Scaled ${id} to ${replicas}.`,
          )
        }
      >
        Scale
      </button>
      <button
        className="btn"
        type="button"
        disabled={remove.isPending}
        onClick={() =>
          window.confirm(`Delete deployment ${id} and its pods?`) &&
          run(remove.mutateAsync({ namespace: row.namespace, name: row.name }), `Deleting ${id}.`)
        }
      >
        Delete
      </button>
      <details className="edit">
        <summary className="btn">Edit</summary>
        <div className="field">
          <label htmlFor={`image-${id}`}>Image</label>
          <input id={`image-${id}`} value={image} onChange={(e) => setImage(e.target.value)} list="images" />
        </div>
        <div className="field">
          <label htmlFor={`labels-${id}`}>Labels (k=v, comma separated)</label>
          <input
            id={`labels-${id}`}
            value={labels}
            onChange={(e) => setLabels(e.target.value)}
            aria-invalid={!!labelError}
            aria-describedby={labelError ? `labels-${id}-error` : undefined}
          />
          {labelError && (
            <span className="field-error" id={`labels-${id}-error`}>
              {labelError}
            </span>
          )}
        </div>
        <button className="btn btn-primary" type="button" disabled={editing.isPending} onClick={save}>
          {editing.isPending ? 'Saving…' : `Save ${row.name}`}
        </button>
      </details>
    </span>
  );
}

export function DeploymentsView({ canWrite }: { canWrite: boolean }) {
  const [namespace] = useScopeNamespace();
  const list = useList<'deployments.apps', ObjectView<Deployment>>('deployments.apps', {
    namespace: namespace || undefined,
  });
  const [result, setResult] = useState<{ text: string; error?: boolean } | null>(null);
  const rows = useMemo(() => {
    // Ages are as of when the rows are built (on mount and at each change of the list), by design.
    // eslint-disable-next-line react-hooks/purity
    const now = Date.now();
    return (list.data ?? []).map((d) => deploymentRow(d, now));
  }, [list.data]);
  const columns = useMemo(
    () =>
      canWrite
        ? [
            ...baseColumns,
            {
              header: 'Actions',
              cell: (r: DeploymentRow) => <Actions row={r} onResult={(text, error) => setResult({ text, error })} />,
            },
          ]
        : baseColumns,
    [canWrite],
  );
  if (!list.data && list.error)
    return (
      <p className="error" role="alert">
        {errorText(list.error)}
      </p>
    );
  if (!list.data) return <p className="muted">Loading deployments…</p>;
  return (
    <>
      {canWrite && (
        <p>
          <a className="btn" href="/deployments/new">
            Create deployment
          </a>
        </p>
      )}
      <ScopeHint what="Deployments" />
      {result && (
        <p role="status" className={result.error ? 'error' : 'muted'} data-testid="deployment-result">
          {result.text}
        </p>
      )}
      <datalist id="images">
        {SUGGESTED_IMAGES.map((i) => (
          <option key={i} value={i} />
        ))}
      </datalist>
      <DataTable
        rows={rows}
        columns={columns}
        testId="deployments-table"
        empty="No deployments yet. Try: kubectl create deployment web --image=nginx:1.27 --replicas=3"
      />
    </>
  );
}
