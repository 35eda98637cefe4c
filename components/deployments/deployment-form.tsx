'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { ApiClientError } from '@/lib/client/api.ts';
import { useCreateDeploymentMutation, type DeploymentInput } from '@/lib/client/deployments.ts';
import { SUGGESTED_IMAGES } from '@/lib/runtime/known-images.ts';
import { FormField } from '@/components/form-field';

// The create form. The API is the validator: its Status causes are shown
// next to the field they name; only what the API cannot see (a label list
// that is not k=v) is checked here.

const FIELD_OF: [RegExp, string][] = [
  [/^metadata\.name$/, 'name'],
  [/^metadata\.namespace$/, 'namespace'],
  [/containers\[0\]\.image$/, 'image'],
  [/^spec\.replicas$/, 'replicas'],
  [/resources\.requests\.cpu$/, 'requestsCpu'],
  [/resources\.requests\.memory$/, 'requestsMemory'],
  [/resources\.limits\.cpu$/, 'limitsCpu'],
  [/resources\.limits\.memory$/, 'limitsMemory'],
  [/labels/, 'labels'],
  [/annotations/, 'annotations'],
];

function parsePairs(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) return `"${part}" is not key=value`;
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

export function DeploymentForm() {
  const router = useRouter();
  const create = useCreateDeploymentMutation();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? '').trim();
    const labels = parsePairs(get('labels'));
    const annotations: Record<string, string> = {};
    for (const key of ['cpu', 'memory', 'duration', 'exit-code', 'pattern']) if (get(`w-${key}`)) annotations[`entroos.io/${key}`] = get(`w-${key}`);
    if (typeof labels === 'string') {
      setErrors({ labels });
      return;
    }
    const input: DeploymentInput = {
      name: get('name'),
      namespace: get('namespace') || 'default',
      image: get('image'),
      replicas: Number(get('replicas') || 1),
      command: get('command') ? get('command').split(/\s+/) : undefined,
      requests: { cpu: get('requestsCpu'), memory: get('requestsMemory') },
      limits: { cpu: get('limitsCpu'), memory: get('limitsMemory') },
      labels,
      annotations,
    };
    setErrors({});
    setMessage('');
    try {
      await create.mutateAsync(input);
      router.push(`/deployments?created=${encodeURIComponent(`${input.namespace}/${input.name}`)}`);
    } catch (err) {
      if (!(err instanceof ApiClientError)) throw err;
      const byField: Record<string, string> = {};
      for (const [path, text] of Object.entries(err.fieldErrors())) {
        const field = FIELD_OF.find(([re]) => re.test(path))?.[1];
        if (field) byField[field] ??= text;
      }
      setErrors(byField);
      setMessage(err.message);
    }
  };

  const field = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => <FormField id={name} name={name} label={label} error={errors[name]} {...props} />;

  return (
    <form className="panel form" onSubmit={submit} noValidate>
      <div className="row">
        {field('name', 'Name', { required: true, placeholder: 'web' })}
        {field('namespace', 'Namespace', { defaultValue: 'default' })}
        {field('replicas', 'Replicas', { type: 'number', min: 0, defaultValue: 1 })}
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
        <legend>Simulated workload (annotations for the mock runtime)</legend>
        <div className="row">
          {field('w-cpu', 'Uses CPU', { placeholder: '120m' })}
          {field('w-memory', 'Uses memory', { placeholder: '90Mi' })}
          {field('w-duration', 'Runs for (s)', { placeholder: 'forever' })}
          {field('w-exit-code', 'Exit code', { placeholder: '0' })}
          <div className="field">
            <label htmlFor="w-pattern">Usage pattern</label>
            <select id="w-pattern" name="w-pattern" defaultValue="">
              <option value="">steady</option>
              <option value="spiky">spiky</option>
              <option value="ramp">ramp</option>
            </select>
          </div>
        </div>
      </fieldset>
      {message && (
        <p className="error" role="alert" data-testid="form-error">
          {message}
        </p>
      )}
      <button className="btn" type="submit" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create deployment'}
      </button>
    </form>
  );
}
