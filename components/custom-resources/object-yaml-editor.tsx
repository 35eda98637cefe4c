'use client';

import { useRef, useState } from 'react';
import { parse as parseYaml, parseDocument, stringify, YAMLParseError } from 'yaml';
import { ApiClientError } from '@/lib/client/api.ts';
import {
  useApplyCustomObjectMutation,
  useReplaceCustomObjectMutation,
  type CustomObject,
  type ObjectRef,
} from '@/lib/client/custom-resources.ts';
import { YamlEditor, type EditorHandle } from '@/components/yaml-editor';
import type { Finding } from '@/components/yaml-editor/lint.ts';
import { placeCauses, type PlacedCause } from '@/components/yaml-editor/status-causes.ts';

// Editing one object as YAML: the editor (schema completion and lint), a review of the change as a diff of the
// stored object and the text, and the write — a replace (PUT, guarded by resourceVersion) or a server-side apply
// (field manager entroos-dashboard) — both with fieldValidation=Strict. The API is the validator: its Status is
// shown as a message, and each field it names is marked at its line.

/** The object as `kubectl get -o yaml` shows it: managedFields left out, no anchors. */
export function toYaml(object: CustomObject): string {
  const { managedFields: _managed, ...metadata } = object.metadata;
  return stringify({ ...object, metadata }, { aliasDuplicateObjects: false });
}

type Strategy = 'replace' | 'apply';

type Problem =
  | { kind: 'parse'; message: string }
  | { kind: 'api'; message: string; causes: PlacedCause[] }
  | { kind: 'conflict'; message: string }
  | { kind: 'apply-conflict'; message: string; causes: PlacedCause[] };

const linkButton: React.CSSProperties = {
  background: 'none',
  border: 0,
  padding: 0,
  font: 'inherit',
  color: 'inherit',
  textDecoration: 'underline',
  cursor: 'pointer',
};

/** The text with metadata.resourceVersion set to `rv` (comments and layout kept). */
function withResourceVersion(text: string, rv: string | undefined): string {
  const doc = parseDocument(text);
  if (doc.errors.length || !rv) return text;
  doc.setIn(['metadata', 'resourceVersion'], rv);
  return doc.toString();
}

function CauseList({ causes, goTo }: { causes: PlacedCause[]; goTo: (c: PlacedCause) => void }) {
  return (
    <ul data-testid="save-causes" style={{ margin: '8px 0 0' }}>
      {causes.map((c, i) => (
        <li key={`${c.field}-${i}`}>
          {c.field && c.at ? (
            <>
              <button
                type="button"
                style={linkButton}
                onClick={() => goTo(c)}
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
  );
}

export function ObjectYamlEditor({
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
  /** The kind has a status subresource: a write of the object leaves `status` as it is. */
  statusSubresource: boolean;
  reload: () => Promise<CustomObject | undefined>;
  onDone: () => void;
}) {
  const [stored, setStored] = useState(() => toYaml(object));
  const [text, setText] = useState(stored);
  const [reviewing, setReviewing] = useState(false);
  const [strategy, setStrategy] = useState<Strategy>('replace');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [findings, setFindings] = useState<Finding[]>([]);
  const editor = useRef<EditorHandle | null>(null);
  const replace = useReplaceCustomObjectMutation(objectRef, kind);
  const apply = useApplyCustomObjectMutation(objectRef, kind);
  const pending = replace.isPending || apply.isPending;
  const id = `yaml-${objectRef.namespace ?? ''}-${objectRef.name}`;
  const errorId = `${id}-problem`;
  const label = `YAML of ${kind} ${objectRef.namespace ? `${objectRef.namespace}/` : ''}${objectRef.name}`;

  const goTo = (c: PlacedCause) => {
    if (!c.at) return;
    setReviewing(false);
    // The editor is back after the review's diff is gone: select once it has rendered.
    requestAnimationFrame(() => c.at && editor.current?.select(c.at.start, c.at.end));
  };

  const refused = (err: ApiClientError, force: boolean) => {
    const causes = placeCauses(text, err.message, err.status);
    setFindings(
      causes
        .filter((c) => c.at?.exact)
        .map((c) => ({
          from: c.at?.start ?? 0,
          to: c.at?.end ?? 0,
          severity: 'error' as const,
          message: `${c.field}: ${c.message}`,
          field: c.field,
        })),
    );
    if (err.code === 409 && strategy === 'replace')
      return setProblem({
        kind: 'conflict',
        message: `${kind} ${objectRef.name} was changed since you opened the editor, so your save was refused (${err.message}). Reload the current version and make your change again, or keep your edits on top of it; until then your text stays here.`,
      });
    if (err.code === 409 && !force)
      return setProblem({
        kind: 'apply-conflict',
        message: `Other field managers own fields this apply changes: ${err.message.split('\n')[0]}`,
        causes,
      });
    setProblem({ kind: 'api', message: err.message, causes });
    setReviewing(false);
  };

  const save = async (force = false) => {
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      const where =
        err instanceof YAMLParseError && err.linePos
          ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})`
          : '';
      setReviewing(false);
      return setProblem({
        kind: 'parse',
        message: `The YAML does not parse${where}: ${(err as Error).message.split('\n')[0]}`,
      });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return setProblem({ kind: 'parse', message: `The YAML must be one ${kind} object (a mapping).` });
    setProblem(null);
    setFindings([]);
    try {
      if (strategy === 'replace') await replace.mutateAsync(parsed);
      else await apply.mutateAsync({ yaml: text, force });
      onDone();
    } catch (err) {
      if (!(err instanceof ApiClientError)) throw err;
      refused(err, force);
    }
  };

  const reloadLatest = async (keepEdits: boolean) => {
    const latest = await reload();
    if (!latest) return;
    const latestYaml = toYaml(latest);
    setStored(latestYaml);
    setText(keepEdits ? withResourceVersion(text, latest.metadata.resourceVersion) : latestYaml);
    setProblem(null);
    setFindings([]);
    // Keeping the edits: show what the others changed against them before saving again.
    setReviewing(keepEdits);
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void save();
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`Edit ${kind} ${objectRef.name}`}>
      <div className="field">
        {reviewing ? (
          <>
            <h3 id={`${id}-diff-title`} style={{ margin: '0 0 4px', fontSize: '1rem' }}>
              Changes to apply (stored → yours)
            </h3>
            <YamlEditor
              key="diff"
              value={text}
              original={stored}
              label={`Changes to ${kind} ${objectRef.name}: stored version and your edits`}
              testId="yaml-diff"
            />
          </>
        ) : (
          <YamlEditor
            key="edit"
            value={text}
            onChange={(t) => {
              setText(t);
              // The server's marks were for the text it refused; the editor's own lint follows the edits.
              if (findings.length) setFindings([]);
            }}
            label={label}
            describedBy={problem ? errorId : undefined}
            invalid={!!problem && problem.kind !== 'conflict'}
            findings={findings}
            editorRef={editor}
            testId="yaml-editor"
          />
        )}
        {statusSubresource && (
          <span className="muted">
            {kind} has a status subresource: saving here changes everything but <code>status</code>.
          </span>
        )}
      </div>
      <fieldset className="row" style={{ border: 0, padding: 0, margin: '0 0 8px' }}>
        <legend className="muted" style={{ padding: 0 }}>
          How to save
        </legend>
        <label>
          <input
            type="radio"
            name={`${id}-strategy`}
            checked={strategy === 'replace'}
            onChange={() => setStrategy('replace')}
          />{' '}
          Replace (PUT, refused if changed meanwhile)
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-strategy`}
            checked={strategy === 'apply'}
            onChange={() => setStrategy('apply')}
          />{' '}
          Server-side apply (as entroos-dashboard)
        </label>
      </fieldset>
      {problem && (
        <div className="alert alert-error" role="alert" id={errorId} data-testid="save-error">
          <p style={{ margin: 0 }}>{problem.message}</p>
          {(problem.kind === 'api' || problem.kind === 'apply-conflict') && problem.causes.length > 0 && (
            <CauseList causes={problem.causes} goTo={goTo} />
          )}
          {problem.kind === 'conflict' && (
            <p className="row" style={{ margin: '8px 0 0' }}>
              <button type="button" className="btn" onClick={() => void reloadLatest(true)}>
                Reload latest, keep my edits
              </button>
              <button type="button" className="btn" onClick={() => void reloadLatest(false)}>
                Reload the current version
              </button>
            </p>
          )}
          {problem.kind === 'apply-conflict' && (
            <p style={{ margin: '8px 0 0' }}>
              <button type="button" className="btn btn-danger" onClick={() => void save(true)} disabled={pending}>
                Apply anyway (force: take these fields over)
              </button>
            </p>
          )}
        </div>
      )}
      <div className="row">
        <button className="btn btn-primary" type="submit" disabled={pending}>
          {pending ? 'Saving…' : reviewing ? 'Apply' : 'Save'}
        </button>
        {reviewing ? (
          <button className="btn" type="button" onClick={() => setReviewing(false)} disabled={pending}>
            Back to editing
          </button>
        ) : (
          <button className="btn" type="button" onClick={() => setReviewing(true)} disabled={pending}>
            Review changes
          </button>
        )}
        <button className="btn" type="button" onClick={onDone} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
