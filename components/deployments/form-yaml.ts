import type { WorkloadKind } from '@/lib/client/deployments.ts';

// The create form and its YAML mode kept in step both ways. YAML → form reads what the form shows from the
// manifest; form → YAML writes the form's fields over the last manifest, so fields the form has no input for
// (probes, volumes, a second container, …) are kept.

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const asMap = (v: unknown): Json => (isMap(v) ? v : {});
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** The simulated-workload annotations the form edits (`entroos.io/<key>` ↔ the `w-<key>` field). */
export const WORKLOAD_KEYS = ['cpu', 'memory', 'duration', 'exit-code', 'pattern'] as const;

/** The form's field values (by input name) a Deployment or Pod manifest gives, and its kind. */
export function formValuesOf(manifest: unknown): { kind: WorkloadKind; values: Record<string, string> } | string {
  if (!isMap(manifest)) return 'The manifest is not an object.';
  const kind = manifest.kind;
  if (kind !== 'Deployment' && kind !== 'Pod')
    return `The form describes Deployments and Pods; this manifest is ${kind ? `a ${str(kind)}` : 'of no kind'}. Create it from YAML.`;
  const meta = asMap(manifest.metadata);
  const spec = asMap(manifest.spec);
  const template = asMap(spec.template);
  const podMeta = kind === 'Pod' ? meta : asMap(template.metadata);
  const podSpec = kind === 'Pod' ? spec : asMap(template.spec);
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const c0 = asMap(containers[0]);
  const resources = asMap(c0.resources);
  const requests = asMap(resources.requests);
  const limits = asMap(resources.limits);
  const name = str(meta.name);
  const pairs = (m: unknown, skip?: [string, string]) =>
    Object.entries(asMap(m))
      .filter(([k, v]) => !(skip && k === skip[0] && str(v) === skip[1]))
      .map(([k, v]) => `${k}=${str(v)}`)
      .join(', ');
  const tolerations = (Array.isArray(podSpec.tolerations) ? podSpec.tolerations : [])
    .map(asMap)
    .map((t) => {
      if (t.operator === 'Exists' && !t.key) return '*';
      const value = t.operator === 'Exists' ? '' : `=${str(t.value)}`;
      return `${str(t.key)}${value}${t.effect ? `:${str(t.effect)}` : ''}`;
    })
    .join('\n');
  const annotations = asMap(podMeta.annotations);
  const values: Record<string, string> = {
    name,
    namespace: str(meta.namespace) || 'default',
    replicas: spec.replicas === undefined ? '1' : str(spec.replicas),
    image: str(c0.image),
    command: Array.isArray(c0.command) ? c0.command.map(str).join(' ') : '',
    requestsCpu: str(requests.cpu),
    requestsMemory: str(requests.memory),
    limitsCpu: str(limits.cpu),
    limitsMemory: str(limits.memory),
    labels: pairs(meta.labels, ['app', name]),
    nodeSelector: pairs(podSpec.nodeSelector),
    tolerations,
    priorityClassName: str(podSpec.priorityClassName),
  };
  for (const key of WORKLOAD_KEYS) values[`w-${key}`] = str(annotations[`entroos.io/${key}`]);
  return { kind, values };
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isMap(base) && isMap(over)) {
    const out: Json = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over) && over.every(isMap))
    // A second container (which the form has no fields for) stays.
    return [...over.map((item, i) => merge(base[i], item)), ...base.slice(over.length)];
  return over;
}

const getIn = (o: unknown, path: (string | number)[]) =>
  path.reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Json)[k] : undefined), o);

function setIn(o: Json, path: (string | number)[], value: unknown) {
  let node: Json = o;
  for (const k of path.slice(0, -1)) {
    const next = node[k];
    if (!next || typeof next !== 'object') {
      if (value === undefined) return;
      node[k] = {};
    }
    node = node[k] as Json;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/**
 * The form's manifest written over `base` (the last manifest of the YAML mode): what the form has fields for
 * is the form's (an emptied field removes its value), everything else in `base` stays.
 */
export function overlay(base: unknown, generated: Json): Json {
  if (!isMap(base) || base.kind !== generated.kind) return generated;
  const out = structuredClone(merge(base, generated)) as Json;
  const pod = generated.kind === 'Pod' ? [] : ['spec', 'template'];
  const podMeta = generated.kind === 'Pod' ? ['metadata'] : [...pod, 'metadata'];
  const podSpec = generated.kind === 'Pod' ? ['spec'] : [...pod, 'spec'];
  const owned: (string | number)[][] = [
    ['metadata', 'labels'],
    [...podMeta, 'labels'],
    [...podSpec, 'nodeSelector'],
    [...podSpec, 'tolerations'],
    [...podSpec, 'priorityClassName'],
    [...podSpec, 'containers', 0, 'command'],
    [...podSpec, 'containers', 0, 'resources'],
    ...(generated.kind === 'Pod' ? [] : [['spec', 'selector']]),
  ];
  for (const path of owned) setIn(out, path, structuredClone(getIn(generated, path)));
  // The workload annotations are the form's; other annotations are kept.
  const annotations = { ...asMap(getIn(base, [...podMeta, 'annotations'])) };
  for (const key of WORKLOAD_KEYS) delete annotations[`entroos.io/${key}`];
  Object.assign(annotations, asMap(getIn(generated, [...podMeta, 'annotations'])));
  setIn(out, [...podMeta, 'annotations'], Object.keys(annotations).length ? annotations : undefined);
  return out;
}
