'use client';

import { useMemo, useState } from 'react';
import { useList } from '@entroos/react';
import { apiFetch, errorText } from '@/lib/client/api.ts';
import { engineFor, formatOf, FORMATS, isFormat, type Format } from '@/lib/apps/convert/engines/formats.ts';
import { RESOURCES, type Conversion, type Workflow } from '@/lib/apps/convert/types.ts';
import { tusUpload } from './upload';
import { WorkflowsTable } from './workflows-table';

// The uploader and the conversions, live: files dropped (or picked) are uploaded with tus (a progress bar each),
// then one Conversion per file is created for the chosen target — or, when a workflow is chosen, one Workflow per
// file with that workflow's steps (the seeded examples, or any workflow already run). The lists follow the
// watch, so phase and progress move as the engines run. Each output can be downloaded and verified.

/** The select's value for a workflow used as a template. */
const WORKFLOW_PREFIX = 'workflow:';
const workflowKey = (w: Workflow) => `${w.metadata.namespace}/${w.metadata.name}`;
const stepsSummary = (w: Workflow) =>
  w.spec.steps.map((s) => `${s.name} → ${s.target}${s.options?.width ? ` ${s.options.width}px` : ''}`).join(', ');

/** Why `file` cannot go through `template`'s steps, or undefined when its first steps take its format. */
function workflowRefusal(file: string, template: Workflow): string | undefined {
  const from = formatOf(file);
  const first = template.spec.steps.filter((s) => s.from === undefined);
  const bad = first.find((s) => !from || !isFormat(s.target) || !engineFor(from, s.target));
  return bad
    ? `${file} cannot go through workflow ${template.metadata.name} (step ${bad.name} makes ${bad.target})`
    : undefined;
}

interface Pending {
  id: string;
  name: string;
  progress: number;
  error?: string;
}

const conversionName = (file: string) =>
  `${
    file
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'file'
  }-${Date.now().toString(36)}`;

export function ConvertView({ canWrite }: { canWrite: boolean }) {
  const conversions = useList<string, Conversion>(RESOURCES.conversions);
  const workflows = useList<string, Workflow>(RESOURCES.workflows);
  const [namespace, setNamespace] = useState('default');
  const [choice, setChoice] = useState<string>('webp');
  const template = choice.startsWith(WORKFLOW_PREFIX)
    ? workflows.data?.find((w) => workflowKey(w) === choice.slice(WORKFLOW_PREFIX.length))
    : undefined;
  const target = (template ? undefined : choice) as Format | undefined;
  const [width, setWidth] = useState('');
  const [pending, setPending] = useState<Pending[]>([]);
  const [verdicts, setVerdicts] = useState<Record<string, string>>({});
  const items = useMemo(
    () =>
      [...(conversions.data ?? [])].sort((a, b) =>
        String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
      ),
    [conversions.data],
  );

  async function submit(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const id = `${file.name}-${Math.random()}`;
      const update = (p: Partial<Pending>) => setPending((all) => all.map((x) => (x.id === id ? { ...x, ...p } : x)));
      setPending((all) => [...all, { id, name: file.name, progress: 0 }]);
      try {
        const from = formatOf(file.name);
        if (template) {
          const refusal = workflowRefusal(file.name, template);
          if (refusal) throw new Error(refusal);
        } else if (!from || !target || !engineFor(from, target))
          throw new Error(`${file.name} cannot be converted to ${target}`);
        const digest = await tusUpload(file, (fraction) => update({ progress: fraction }));
        const input = { digest, filename: file.name };
        const metadata = { name: conversionName(file.name) };
        await apiFetch(
          `/apis/convert.entroos.io/v1/namespaces/${namespace}/${template ? 'workflows' : 'conversions'}`,
          {
            method: 'POST',
            body: template
              ? { metadata, spec: { input, steps: template.spec.steps } }
              : { metadata, spec: { input, target, ...(width ? { options: { width: Number(width) } } : {}) } },
          },
        );
        setPending((all) => all.filter((x) => x.id !== id));
      } catch (err) {
        update({ error: errorText(err) });
      }
    }
  }

  async function verify(c: Conversion) {
    const key = `${c.metadata.namespace}/${c.metadata.name}`;
    try {
      const v = await apiFetch<{
        valid: boolean;
        checks: { ok: boolean; name: string; detail: string }[];
        placementProof: { status: string };
      }>(`/apis/entroos.io/v1/namespaces/${c.metadata.namespace}/conversions/${c.metadata.name}/verify`);
      const bad = v.checks.find((x) => !x.ok);
      setVerdicts((all) => ({
        ...all,
        [key]: v.valid
          ? `verified (placement proof: ${v.placementProof.status})`
          : `NOT verified: ${bad?.name}: ${bad?.detail}`,
      }));
    } catch (err) {
      setVerdicts((all) => ({ ...all, [key]: errorText(err) }));
    }
  }

  return (
    <>
      {canWrite && (
        <section
          className="card"
          data-testid="convert-drop"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            void submit(e.dataTransfer.files);
          }}
        >
          <h2>Convert files</h2>
          <p className="muted">Drop files here or pick them; each is uploaded (resumable) and converted on a node.</p>
          <div className="form-row">
            <label>
              Namespace <input value={namespace} onChange={(e) => setNamespace(e.target.value)} />
            </label>
            <label>
              Target{' '}
              <select value={choice} onChange={(e) => setChoice(e.target.value)}>
                <optgroup label="Formats">
                  {FORMATS.filter((to) => FORMATS.some((from) => engineFor(from, to))).map((f) => (
                    <option key={f}>{f}</option>
                  ))}
                </optgroup>
                {workflows.data?.length ? (
                  <optgroup label="Workflows">
                    {workflows.data.map((w) => (
                      <option key={workflowKey(w)} value={`${WORKFLOW_PREFIX}${workflowKey(w)}`}>
                        {`workflow ${workflowKey(w)}: ${stepsSummary(w)}`}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
              </select>
            </label>
            {!template && (
              <label>
                Width (images){' '}
                <input
                  inputMode="numeric"
                  value={width}
                  onChange={(e) => setWidth(e.target.value.replace(/\D/g, ''))}
                />
              </label>
            )}
            <label>
              Files{' '}
              <input
                type="file"
                multiple
                data-testid="convert-files"
                onChange={(e) => e.target.files && void submit(e.target.files)}
              />
            </label>
          </div>
          {pending.map((p) => (
            <div key={p.id} className="form-row">
              <span>{p.name}</span>
              {p.error ? (
                <span className="error" role="status">
                  {p.error}
                </span>
              ) : (
                <progress max={1} value={p.progress} aria-label={`uploading ${p.name}`} />
              )}
            </div>
          ))}
        </section>
      )}
      <WorkflowsTable
        workflows={workflows.data ?? []}
        conversions={conversions.data ?? []}
        verdicts={verdicts}
        onVerify={(c) => void verify(c)}
      />
      <section className="card">
        <h2>Conversions</h2>
        {conversions.error ? <p className="error">{errorText(conversions.error)}</p> : null}
        <table className="table" data-testid="conversions">
          <thead>
            <tr>
              <th>Name</th>
              <th>Input</th>
              <th>Target</th>
              <th>Phase</th>
              <th>Node</th>
              <th>Output</th>
              <th>Verify</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => {
              const key = `${c.metadata.namespace}/${c.metadata.name}`;
              const out = c.status?.output;
              return (
                <tr key={key}>
                  <td>{key}</td>
                  <td>{c.spec.input.filename}</td>
                  <td>{c.spec.target}</td>
                  <td>
                    {c.status?.phase ?? 'Pending'}
                    {c.status?.phase === 'Running' && <progress max={100} value={c.status.progress ?? 0} />}
                    {c.status?.error && (
                      <div className="muted">
                        {c.status.error.reason}: {c.status.error.message}
                      </div>
                    )}
                  </td>
                  <td>{c.status?.node ?? ''}</td>
                  <td>
                    {out && (
                      <>
                        {out.contentType.startsWith('image/') && (
                          // eslint-disable-next-line @next/next/no-img-element -- a stored file, not a static asset
                          <img src={`/apis/entroos.io/v1/files/${out.digest}`} alt={out.filename} height={48} />
                        )}{' '}
                        <a href={`/apis/entroos.io/v1/files/${out.digest}?download=1`}>{out.filename}</a>{' '}
                        <span className="muted">({out.size} bytes)</span>
                      </>
                    )}
                  </td>
                  <td>
                    {out && (
                      <button type="button" className="btn" onClick={() => void verify(c)}>
                        Verify
                      </button>
                    )}
                    {verdicts[key] && <div role="status">{verdicts[key]}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </>
  );
}
