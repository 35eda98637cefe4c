'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState } from 'react';
import { parse as parseYaml, stringify, YAMLParseError } from 'yaml';
import { DataTable, type Column } from '@/components/data-table';
import { SummaryCards } from '@/components/summary-cards';
import { age } from '@/lib/apimachinery/printers.ts';
import { ApiClientError } from '@/lib/client/api.ts';
import {
  listPage,
  locateField,
  resourceLabel,
  SECTION_TITLES,
  useCustomObjectQuery,
  useDeleteCustomObjectMutation,
  useReplaceCustomObjectMutation,
  type CustomObject,
  type FieldLocation,
  type ObjectRef,
  type Section,
} from '@/lib/client/custom-resources.ts';
import { useKindInfo } from '@/lib/client/discovery.ts';
import { Breadcrumbs, LoadState } from './common';

// One custom object: a summary, its conditions, the object as YAML and, for
// writers, an editor that PUTs it back. The API is the validator: its Status
// message is shown with each cause next to the line of the field it names;
// a stale resourceVersion (409) offers to reload.

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

/** The object as `kubectl get -o yaml` shows it: managedFields left out, no anchors. */
function toYaml(object: CustomObject): string {
  const { managedFields: _managed, ...metadata } = object.metadata;
  return stringify({ ...object, metadata }, { aliasDuplicateObjects: false });
}

interface Cause {
  field?: string;
  message: string;
  at?: FieldLocation;
}

type Problem =
  | { kind: 'parse'; message: string }
  | { kind: 'api'; message: string; code: number; causes: Cause[] }
  | { kind: 'conflict'; message: string };

const linkButton: React.CSSProperties = {
  background: 'none',
  border: 0,
  padding: 0,
  font: 'inherit',
  color: 'inherit',
  textDecoration: 'underline',
  cursor: 'pointer',
};

function Editor({
  object,
  objectRef,
  kind,
  statusSubresource,
  reload,
  onDone,
}: {
  object: CustomObject;
  objectRef: ObjectRef;
  kind: string;
  /** The kind has a status subresource: a PUT of the object leaves `status` as it is. */
  statusSubresource: boolean;
  reload: () => Promise<CustomObject | undefined>;
  onDone: () => void;
}) {
  const [text, setText] = useState(() => toYaml(object));
  const [problem, setProblem] = useState<Problem | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const save = useReplaceCustomObjectMutation(objectRef, kind);
  const id = `yaml-${objectRef.namespace ?? ''}-${objectRef.name}`;

  const goTo = (at: FieldLocation) => {
    const el = area.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(at.start, at.end);
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (at.line - 3) * lineHeight);
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      const where =
        err instanceof YAMLParseError && err.linePos
          ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})`
          : '';
      return setProblem({
        kind: 'parse',
        message: `The YAML does not parse${where}: ${(err as Error).message.split('\n')[0]}`,
      });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return setProblem({ kind: 'parse', message: `The YAML must be one ${kind} object (a mapping).` });
    setProblem(null);
    try {
      await save.mutateAsync(parsed);
      onDone();
    } catch (err) {
      if (!(err instanceof ApiClientError)) throw err;
      if (err.code === 409)
        return setProblem({
          kind: 'conflict',
          message: `${kind} ${objectRef.name} was changed since you opened the editor, so your save was refused (${err.message}). Reload the current version and make your change again; until then your text stays here.`,
        });
      setProblem({
        kind: 'api',
        code: err.code,
        message: err.message,
        causes: (err.status?.details?.causes ?? []).map((c) => ({
          field: c.field,
          message: c.message,
          at: c.field ? locateField(text, c.field) : undefined,
        })),
      });
    }
  };

  const reloadLatest = async () => {
    const latest = await reload();
    if (latest) setText(toYaml(latest));
    setProblem(null);
  };

  const errorId = `${id}-problem`;
  return (
    <form onSubmit={submit} noValidate aria-label={`Edit ${kind} ${objectRef.name}`}>
      <div className="field">
        <label htmlFor={id}>
          YAML of {kind} {objectRef.namespace ? `${objectRef.namespace}/` : ''}
          {objectRef.name}
        </label>
        <textarea
          id={id}
          ref={area}
          className="yaml"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={Math.min(40, Math.max(12, text.split('\n').length + 1))}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          aria-invalid={problem && problem.kind !== 'conflict' ? true : undefined}
          aria-describedby={problem ? errorId : undefined}
          data-testid="yaml-editor"
        />
        {statusSubresource && (
          <span className="muted">
            {kind} has a status subresource: saving here changes everything but <code>status</code>.
          </span>
        )}
      </div>
      {problem && (
        <div className="alert alert-error" role="alert" id={errorId} data-testid="save-error">
          <p style={{ margin: 0 }}>{problem.message}</p>
          {problem.kind === 'api' && problem.causes.length > 0 && (
            <ul data-testid="save-causes" style={{ margin: '8px 0 0' }}>
              {problem.causes.map((c, i) => (
                <li key={`${c.field}-${i}`}>
                  {c.field && c.at ? (
                    <>
                      <button
                        type="button"
                        style={linkButton}
                        onClick={() => c.at && goTo(c.at)}
                        aria-label={`Go to ${c.field} (line ${c.at.line})`}
                      >
                        <code>{c.field}</code>
                      </button>{' '}
                      (line {c.at.line}
                      {c.at.exact ? '' : ', where it belongs'}):{' '}
                    </>
                  ) : c.field ? (
                    <>
                      <code>{c.field}</code>:{' '}
                    </>
                  ) : null}
                  {c.message}
                </li>
              ))}
            </ul>
          )}
          {problem.kind === 'conflict' && (
            <p style={{ margin: '8px 0 0' }}>
              <button type="button" className="btn" onClick={() => void reloadLatest()}>
                Reload the current version
              </button>
            </p>
          )}
        </div>
      )}
      <div className="row">
        <button className="btn btn-primary" type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <button className="btn" type="button" onClick={onDone} disabled={save.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

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
              <Editor
                key={meta?.uid ?? id}
                object={object.data}
                objectRef={objectRef}
                kind={kind}
                statusSubresource={!!info.data?.statusSubresource}
                reload={async () => (await object.refetch()).data}
                onDone={() => setEditing(false)}
              />
            ) : (
              <pre
                tabIndex={0}
                role="region"
                aria-label={`YAML of ${kind} ${id}`}
                data-testid="cr-yaml"
                style={{ maxHeight: '70vh', overflow: 'auto' }}
              >
                {yaml}
              </pre>
            )}
          </section>
        </>
      )}
    </>
  );
}
