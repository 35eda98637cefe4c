'use client';

import { useMemo, useState } from 'react';
import { useList } from '@entroos/react';
import { apiFetch, errorText } from '@/lib/client/api.ts';
import { engineFor, formatOf, FORMATS, type Format } from '@/lib/apps/convert/engines/formats.ts';
import { RESOURCES, type Conversion } from '@/lib/apps/convert/types.ts';
import { tusUpload } from './upload';

// The uploader and the conversions, live: files dropped (or picked) are uploaded with tus (a progress bar each),
// then one Conversion per file is created for the chosen target; the list follows the conversions' watch, so
// phase and progress move as the engines run. Each output can be downloaded and verified.

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
  const [namespace, setNamespace] = useState('default');
  const [target, setTarget] = useState<Format>('webp');
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
        if (!from || !engineFor(from, target)) throw new Error(`${file.name} cannot be converted to ${target}`);
        const digest = await tusUpload(file, (fraction) => update({ progress: fraction }));
        await apiFetch(`/apis/convert.entroos.io/v1/namespaces/${namespace}/conversions`, {
          method: 'POST',
          body: {
            metadata: { name: conversionName(file.name) },
            spec: {
              input: { digest, filename: file.name },
              target,
              ...(width ? { options: { width: Number(width) } } : {}),
            },
          },
        });
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
              <select value={target} onChange={(e) => setTarget(e.target.value as Format)}>
                {FORMATS.filter((to) => FORMATS.some((from) => engineFor(from, to))).map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
            <label>
              Width (images){' '}
              <input inputMode="numeric" value={width} onChange={(e) => setWidth(e.target.value.replace(/\D/g, ''))} />
            </label>
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
