'use client';

import { useRef, useState, useSyncExternalStore } from 'react';
import { useRouter } from 'next/navigation';
import { parse as parseYaml, stringify, YAMLParseError } from 'yaml';
import { ApiClientError } from '@/lib/client/api.ts';
import {
  deploymentObject,
  parsePairs,
  parseTolerations,
  useCreateWorkloadMutation,
  type DeploymentInput,
  type Manifest,
  type WorkloadKind,
} from '@/lib/client/deployments.ts';
import { createTarget } from '@/lib/client/create-any.ts';
import { objectPage } from '@/lib/client/custom-resources.ts';
import { YamlEditor } from '@/components/yaml-editor';
import type { Finding } from '@/components/yaml-editor/lint.ts';
import { placeCauses } from '@/components/yaml-editor/status-causes.ts';
import { formValuesOf, overlay } from './form-yaml';
import { SUGGESTED_IMAGES } from '@/lib/kubelet/runtime/known-images.ts';
import { FormField } from '@/components/form-field';

// The create form, for a Deployment or a single Pod, with a YAML mode (the
// schema-aware editor) that creates any kind. Form and YAML stay in step both
// ways (form-yaml.ts): fields the form has no input for are kept. The API is
// the validator (fieldValidation=Strict): its Status causes are shown next to
// the field they name (or listed, in YAML mode); only what the API cannot see
// (a list that is not k=v, YAML that does not parse) is checked here.

const FIELD_OF: [RegExp, string][] = [
  [/^metadata\.name$/, 'name'],
  [/^metadata\.namespace$/, 'namespace'],
  [/containers\[0\]\.image$/, 'image'],
  [/^spec\.replicas$/, 'replicas'],
  [/resources\.requests\.cpu$/, 'requestsCpu'],
  [/resources\.requests\.memory$/, 'requestsMemory'],
  [/resources\.limits\.cpu$/, 'limitsCpu'],
  [/resources\.limits\.memory$/, 'limitsMemory'],
  [/nodeSelector/, 'nodeSelector'],
  [/tolerations/, 'tolerations'],
  [/priorityClassName|priority/, 'priorityClassName'],
  [/labels/, 'labels'],
  [/annotations/, 'annotations'],
];

/** The form's input, or the fields it could not read. */
function readForm(
  form: HTMLFormElement,
  kind: WorkloadKind,
): { input: DeploymentInput } | { errors: Record<string, string> } {
  const f = new FormData(form);
  const get = (k: string) => String(f.get(k) ?? '').trim();
  const labels = parsePairs(get('labels'));
  const nodeSelector = parsePairs(get('nodeSelector'));
  const tolerations = parseTolerations(String(f.get('tolerations') ?? ''));
  const errors: Record<string, string> = {};
  if (typeof labels === 'string') errors.labels = labels;
  if (typeof nodeSelector === 'string') errors.nodeSelector = nodeSelector;
  if (typeof tolerations === 'string') errors.tolerations = tolerations;
  if (Object.keys(errors).length) return { errors };
  const annotations: Record<string, string> = {};
  for (const key of ['cpu', 'memory', 'duration', 'exit-code', 'pattern'])
    if (get(`w-${key}`)) annotations[`entroos.io/${key}`] = get(`w-${key}`);
  return {
    input: {
      kind,
      name: get('name'),
      namespace: get('namespace') || 'default',
      image: get('image'),
      replicas: Number(get('replicas') || 1),
      command: get('command') ? get('command').split(/\s+/) : undefined,
      requests: { cpu: get('requestsCpu'), memory: get('requestsMemory') },
      limits: { cpu: get('limitsCpu'), memory: get('limitsMemory') },
      labels: labels as Record<string, string>,
      annotations,
      nodeSelector: nodeSelector as Record<string, string>,
      tolerations: tolerations as DeploymentInput['tolerations'],
      priorityClassName: get('priorityClassName') || undefined,
    },
  };
}

/** `initialYaml`: start in YAML mode with this manifest (the generic create page of any kind). */
export function DeploymentForm({ initialYaml }: { initialYaml?: string } = {}) {
  const router = useRouter();
  const create = useCreateWorkloadMutation();
  // Until React has hydrated the page a click would submit the form natively, reloading it and losing what was
  // typed: the buttons stay disabled until then (false on the server and while hydrating, true after).
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const form = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState<WorkloadKind>('Deployment');
  const [mode, setMode] = useState<'form' | 'yaml'>(initialYaml ? 'yaml' : 'form');
  const [yaml, setYaml] = useState(initialYaml ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [causes, setCauses] = useState<string[]>([]);
  const [findings, setFindings] = useState<Finding[]>([]);
  // What the form fields start from, and the last YAML manifest (its fields the form has no input for are kept).
  const [values, setValues] = useState<Record<string, string>>({});
  const [base, setBase] = useState<unknown>(undefined);
  const [formKey, setFormKey] = useState(0);

  const send = async (object: Manifest) => {
    setErrors({});
    setMessage('');
    setCauses([]);
    try {
      await create.mutateAsync(object);
      const id = `${object.metadata?.namespace ?? 'default'}/${object.metadata?.name}`;
      if (object.kind === 'Pod' || object.kind === 'Deployment')
        return router.push(object.kind === 'Pod' ? `/pods/${id}` : `/deployments?created=${encodeURIComponent(id)}`);
      router.push(objectPage((await createTarget(object)).ref, 'resources'));
    } catch (err) {
      if (!(err instanceof ApiClientError)) throw err;
      const byField: Record<string, string> = {};
      for (const [path, text] of Object.entries(err.fieldErrors())) {
        const field = FIELD_OF.find(([re]) => re.test(path))?.[1];
        if (field) byField[field] ??= text;
      }
      setErrors(byField);
      setMessage(err.message);
      // In YAML mode each field the Status names (its causes, a strict decoding error's unknown fields) is
      // listed with its line and marked in the editor.
      const placed = placeCauses(mode === 'yaml' ? yaml : '', err.message, err.status);
      setCauses(
        placed.map((c) => (c.field ? `${c.field}${c.at ? ` (line ${c.at.line})` : ''}: ${c.message}` : c.message)),
      );
      setFindings(
        placed.flatMap((c) =>
          c.at?.exact
            ? [{ from: c.at.start, to: c.at.end, severity: 'error' as const, message: `${c.field}: ${c.message}` }]
            : [],
        ),
      );
    }
  };

  const toYamlMode = () => {
    const read = form.current ? readForm(form.current, kind) : undefined;
    if (read && 'errors' in read) return setErrors(read.errors);
    // No anchors (&a1/*a1) for the labels the Deployment repeats: YAML as people write it.
    setYaml(stringify(read ? overlay(base, deploymentObject(read.input)) : {}, { aliasDuplicateObjects: false }));
    setMessage('');
    setCauses([]);
    setMode('yaml');
  };

  const parseManifest = (): { object: unknown } | undefined => {
    try {
      return { object: parseYaml(yaml) };
    } catch (err) {
      const where =
        err instanceof YAMLParseError && err.linePos
          ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})`
          : '';
      setErrors({});
      setCauses([]);
      setMessage(`The YAML does not parse${where}: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };

  const toFormMode = () => {
    const parsed = parseManifest();
    if (!parsed) return;
    const read = formValuesOf(parsed.object);
    if (typeof read === 'string') {
      setCauses([]);
      return setMessage(read);
    }
    setKind(read.kind);
    setValues(read.values);
    setBase(parsed.object);
    setFormKey((k) => k + 1);
    setMessage('');
    setCauses([]);
    setMode('form');
  };

  const submitForm = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const read = readForm(e.currentTarget, kind);
    if ('errors' in read) return setErrors(read.errors);
    void send(overlay(base, deploymentObject(read.input)) as Manifest);
  };

  const submitYaml = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = parseManifest();
    if (!parsed) return;
    const object = parsed.object;
    if (!object || typeof object !== 'object' || Array.isArray(object)) {
      setCauses([]);
      return setMessage('The manifest must be one object with apiVersion and kind (one object per submission).');
    }
    // Any kind: a Deployment or Pod (createPath), or what discovery finds for its apiVersion and kind; the API
    // server checks the rest.
    void send(object as Manifest);
  };

  const field = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <FormField
      id={name}
      name={name}
      label={label}
      error={errors[name]}
      {...props}
      defaultValue={values[name] ?? props.defaultValue}
    />
  );
  const feedback = message && (
    <div className="alert alert-error" role="alert" id="form-error" data-testid="form-error">
      <p>{message}</p>
      {causes.length > 0 && mode === 'yaml' && (
        <ul data-testid="form-causes">
          {causes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
    </div>
  );

  return (
    <>
      <div className="row form-modes">
        <div role="radiogroup" aria-label="What to create" className="segmented">
          {(['Deployment', 'Pod'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={kind === k}
              className={`btn${kind === k ? ' btn-primary' : ''}`}
              onClick={() => setKind(k)}
              disabled={mode === 'yaml'}
            >
              {k}
            </button>
          ))}
        </div>
        <button type="button" className="btn" onClick={mode === 'form' ? toYamlMode : toFormMode}>
          {mode === 'form' ? 'Edit as YAML' : 'Back to the form'}
        </button>
      </div>
      {mode === 'yaml' ? (
        <form className="panel form" onSubmit={submitYaml} noValidate>
          <div className="field">
            <span id="manifest-label">Manifest (YAML)</span>
            <span className="muted">Any kind: Pods and Deployments switch back to the form.</span>
            <YamlEditor
              value={yaml}
              onChange={(t) => {
                setYaml(t);
                if (findings.length) setFindings([]);
              }}
              label="Manifest (YAML)"
              describedBy={message ? 'form-error' : undefined}
              invalid={!!message}
              findings={findings}
              testId="manifest-editor"
            />
          </div>
          {feedback}
          <button className="btn btn-primary" type="submit" disabled={!hydrated || create.isPending}>
            {create.isPending ? 'Creating…' : 'Create from YAML'}
          </button>
        </form>
      ) : (
        <form key={formKey} ref={form} className="panel form" onSubmit={submitForm} noValidate>
          <div className="row">
            {field('name', 'Name', { required: true, placeholder: 'web' })}
            {field('namespace', 'Namespace', { defaultValue: 'default' })}
            {kind === 'Deployment' && field('replicas', 'Replicas', { type: 'number', min: 0, defaultValue: 1 })}
          </div>
          <div className="row">
            {field('image', 'Image', { required: true, list: 'images', placeholder: 'nginx:1.27' })}
            <datalist id="images">
              {SUGGESTED_IMAGES.map((i) => (
                <option key={i} value={i} />
              ))}
            </datalist>
            {field('command', 'Command (optional)', { placeholder: 'sh -c "sleep 3600"' })}
          </div>
          <div className="row">
            {field('requestsCpu', 'CPU request', { placeholder: '250m' })}
            {field('requestsMemory', 'Memory request', { placeholder: '128Mi' })}
            {field('limitsCpu', 'CPU limit', { placeholder: '500m' })}
            {field('limitsMemory', 'Memory limit', { placeholder: '256Mi' })}
          </div>
          {field('labels', 'Labels (key=value, comma separated)', { placeholder: 'tier=frontend' })}
          <fieldset>
            <legend>Placement</legend>
            <div className="row">
              {field('nodeSelector', 'Node selector (key=value, comma separated)', {
                placeholder: 'topology.kubernetes.io/zone=zone-a',
              })}
              {field('priorityClassName', 'Priority class', { placeholder: 'system-cluster-critical' })}
            </div>
            <div className="field">
              <label htmlFor="tolerations">Tolerations (one per line: key=value:Effect, key:Effect or *)</label>
              <textarea
                id="tolerations"
                name="tolerations"
                rows={2}
                defaultValue={values.tolerations}
                placeholder="dedicated=gpu:NoSchedule"
                aria-invalid={!!errors.tolerations}
                aria-describedby={errors.tolerations ? 'tolerations-error' : undefined}
              />
              {errors.tolerations && (
                <span className="field-error" id="tolerations-error">
                  {errors.tolerations}
                </span>
              )}
            </div>
          </fieldset>
          <fieldset>
            <legend>Simulated workload (annotations for the mock runtime)</legend>
            <div className="row">
              {field('w-cpu', 'Uses CPU', { placeholder: '120m' })}
              {field('w-memory', 'Uses memory', { placeholder: '90Mi' })}
              {field('w-duration', 'Runs for (s)', { placeholder: 'forever' })}
              {field('w-exit-code', 'Exit code', { placeholder: '0' })}
              <div className="field">
                <label htmlFor="w-pattern">Usage pattern</label>
                <select id="w-pattern" name="w-pattern" defaultValue={values['w-pattern'] ?? ''}>
                  <option value="">steady</option>
                  <option value="spiky">spiky</option>
                  <option value="ramp">ramp</option>
                </select>
              </div>
            </div>
          </fieldset>
          {feedback}
          <button className="btn btn-primary" type="submit" disabled={!hydrated || create.isPending}>
            {create.isPending ? 'Creating…' : kind === 'Pod' ? 'Create pod' : 'Create deployment'}
          </button>
        </form>
      )}
    </>
  );
}

const noSubscription = () => () => {};
