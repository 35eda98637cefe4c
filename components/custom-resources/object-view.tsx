'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { DataTable, type Column } from '@/components/data-table';
import { SummaryCards } from '@/components/summary-cards';
import { age } from '@/lib/apimachinery/printers.ts';
import {
  listPage,
  resourceLabel,
  SECTION_TITLES,
  useCustomObjectQuery,
  useDeleteCustomObjectMutation,
  type CustomObject,
  type ObjectRef,
  type Section,
} from '@/lib/client/custom-resources.ts';
import { useKindInfo } from '@/lib/client/discovery.ts';
import { YamlEditor } from '@/components/yaml-editor';
import { Breadcrumbs, LoadState } from './common';
import { ObjectRelations } from './object-relations';
import { ObjectYamlEditor, toYaml } from './object-yaml-editor';

// One object of any kind: a summary, its conditions, the object as YAML (the
// read-only editor) and, for writers, the YAML editor (object-yaml-editor.tsx).

interface ConditionRow {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function conditionsOf(object: CustomObject | undefined): ConditionRow[] | undefined {
  const list = object?.status?.conditions;
  if (!Array.isArray(list)) return undefined;
  return list
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    .map((c) => ({
      type: str(c.type),
      status: str(c.status),
      reason: str(c.reason),
      message: str(c.message),
      lastTransitionTime: typeof c.lastTransitionTime === 'string' ? c.lastTransitionTime : undefined,
    }));
}

const conditionColumns: Column<ConditionRow>[] = [
  { header: 'Type', cell: (c) => c.type },
  { header: 'Status', cell: (c) => c.status },
  { header: 'Reason', cell: (c) => c.reason || '—' },
  { header: 'Message', cell: (c) => c.message || '—' },
  {
    header: 'Last transition',
    cell: (c) =>
      c.lastTransitionTime ? <span title={c.lastTransitionTime}>{age(c.lastTransitionTime)} ago</span> : '—',
  },
];

export function CustomObjectView({
  objectRef,
  canWrite,
  section = 'custom-resources',
}: {
  objectRef: ObjectRef;
  canWrite: boolean;
  section?: Section;
}) {
  const router = useRouter();
  const info = useKindInfo(objectRef);
  const object = useCustomObjectQuery(objectRef);
  const kind = info.data?.kind ?? object.data?.kind ?? objectRef.plural;
  const remove = useDeleteCustomObjectMutation(kind);
  const [editing, setEditing] = useState(false);
  const id = `${objectRef.namespace ? `${objectRef.namespace}/` : ''}${objectRef.name}`;
  const yaml = useMemo(() => (object.data ? toYaml(object.data) : ''), [object.data]);
  const conditions = conditionsOf(object.data);
  const meta = object.data?.metadata;

  const del = () => {
    if (!window.confirm(`Delete ${kind} ${id}?`)) return;
    remove.mutate(objectRef, { onSuccess: () => router.push(listPage(objectRef, section)) });
  };

  return (
    <>
      <h1>
        {kind} {id}
      </h1>
      <Breadcrumbs
        trail={[
          [SECTION_TITLES[section], `/${section}`],
          [resourceLabel(objectRef), listPage(objectRef, section)],
          [id],
        ]}
      />
      {objectRef.plural === 'namespaces' && (objectRef.group === 'core' || objectRef.group === '') && (
        <p>
          <Link href={`/map?namespace=${encodeURIComponent(objectRef.name)}`}>Relations map of this namespace</Link>
        </p>
      )}
      {object.isPending || object.isError ? (
        <LoadState pending={object.isPending} error={object.error} what={`${kind} ${id}`} />
      ) : (
        <>
          <SummaryCards
            testId="cr-summary"
            items={[
              ['Kind', object.data.kind ?? kind],
              ...(meta?.namespace ? ([['Namespace', meta.namespace]] as [string, string][]) : []),
              ['Name', meta?.name ?? objectRef.name],
              ['Age', age(meta?.creationTimestamp)],
              ...(meta?.deletionTimestamp
                ? ([['Deleting since', age(meta.deletionTimestamp)]] as [string, string][])
                : []),
            ]}
          />
          {conditions && (
            <section className="panel" aria-labelledby="cr-conditions">
              <h2 id="cr-conditions">Conditions</h2>
              <DataTable rows={conditions} columns={conditionColumns} testId="cr-conditions" empty="No conditions." />
            </section>
          )}
          <ObjectRelations object={object.data} />
          <section className="panel" aria-labelledby="cr-yaml">
            <div className="row form-modes">
              <h2 id="cr-yaml" style={{ margin: 0 }}>
                YAML
              </h2>
              {canWrite && !editing && (
                <div className="row">
                  <button type="button" className="btn" onClick={() => setEditing(true)}>
                    Edit
                  </button>
                  <button type="button" className="btn btn-danger" onClick={del} disabled={remove.isPending}>
                    {remove.isPending ? 'Deleting…' : 'Delete'}
                  </button>
                </div>
              )}
            </div>
            {editing ? (
              <ObjectYamlEditor
                key={meta?.uid ?? id}
                object={object.data}
                objectRef={objectRef}
                kind={kind}
                statusSubresource={!!info.data?.statusSubresource}
                reload={async () => (await object.refetch()).data}
                onDone={() => setEditing(false)}
              />
            ) : (
              <YamlEditor value={yaml} readOnly label={`YAML of ${kind} ${id}`} testId="cr-yaml" />
            )}
          </section>
        </>
      )}
    </>
  );
}
