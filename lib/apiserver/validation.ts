import type { StatusCause } from '../apimachinery/errors.ts';
import { isQuantity, parseQuantity } from '../apimachinery/quantity.ts';

// Validation as Kubernetes does it: every problem is a cause naming its field.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

type Causes = StatusCause[];
const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });
const bad = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});

export function validateDnsLabel(value: unknown, field: string, causes: Causes) {
  if (typeof value !== 'string' || !value) return causes.push(required(field));
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    causes.push(bad(field, value, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc')"));
  }
}

export function validateDnsSubdomain(value: unknown, field: string, causes: Causes) {
  if (typeof value !== 'string' || !value) return causes.push(required(field));
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    causes.push(bad(field, value, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"));
  }
}

function validateStringMap(map: unknown, field: string, causes: Causes, values: 'label' | 'any') {
  if (map === undefined || map === null) return;
  if (typeof map !== 'object' || Array.isArray(map)) return causes.push(bad(field, map, 'must be a map of string keys to string values'));
  for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
    if (!QUALIFIED_NAME.test(key) || key.length > 316) causes.push(bad(`${field}`, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    if (typeof value !== 'string') causes.push(bad(`${field}.${key}`, value, 'must be a string'));
    else if (values === 'label' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      causes.push(bad(`${field}.${key}`, value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    }
  }
}

export function validateMetadata(obj: any, namespaced: boolean, causes: Causes, nameRule: 'label' | 'subdomain' = 'subdomain') {
  const m = obj.metadata;
  if (!m || typeof m !== 'object') return causes.push(required('metadata'));
  (nameRule === 'label' ? validateDnsLabel : validateDnsSubdomain)(m.name, 'metadata.name', causes);
  if (namespaced) validateDnsLabel(m.namespace, 'metadata.namespace', causes);
  validateStringMap(m.labels, 'metadata.labels', causes, 'label');
  validateStringMap(m.annotations, 'metadata.annotations', causes, 'any');
  if (m.finalizers !== undefined && (!Array.isArray(m.finalizers) || m.finalizers.some((f: unknown) => typeof f !== 'string'))) {
    causes.push(bad('metadata.finalizers', m.finalizers, 'must be a list of strings'));
  }
  if (m.ownerReferences !== undefined) {
    if (!Array.isArray(m.ownerReferences)) causes.push(bad('metadata.ownerReferences', m.ownerReferences, 'must be a list'));
    else
      m.ownerReferences.forEach((r: any, i: number) => {
        for (const f of ['apiVersion', 'kind', 'name', 'uid']) if (!r?.[f]) causes.push(required(`metadata.ownerReferences[${i}].${f}`));
      });
  }
}

function validateResources(resources: any, field: string, causes: Causes) {
  if (resources === undefined || resources === null) return;
  for (const part of ['requests', 'limits'] as const) {
    const map = resources[part];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object') {
      causes.push(bad(`${field}.${part}`, map, 'must be a map of resource names to quantities'));
      continue;
    }
    for (const [name, value] of Object.entries(map)) {
      if (!isQuantity(value)) causes.push(bad(`${field}.${part}.${name}`, value, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      else if (parseQuantity(value) < 0) causes.push(bad(`${field}.${part}.${name}`, value, 'must be greater than or equal to 0'));
    }
  }
  const req = resources.requests ?? {};
  const lim = resources.limits ?? {};
  for (const name of Object.keys(req)) {
    if (lim[name] !== undefined && isQuantity(lim[name]) && isQuantity(req[name]) && parseQuantity(req[name]) > parseQuantity(lim[name])) {
      causes.push(bad(`${field}.requests`, req[name], `must be less than or equal to ${name} limit of ${lim[name]}`));
    }
  }
}

function validateContainers(list: any, field: string, causes: Causes, requireOne: boolean) {
  if (list === undefined && !requireOne) return;
  if (!Array.isArray(list) || (requireOne && list.length === 0)) return causes.push(required(field));
  const names = new Set<string>();
  list.forEach((c: any, i: number) => {
    const f = `${field}[${i}]`;
    validateDnsLabel(c?.name, `${f}.name`, causes);
    if (c?.name && names.has(c.name)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(c.name)}`, field: `${f}.name` });
    names.add(c?.name);
    if (!c?.image || typeof c.image !== 'string') causes.push(required(`${f}.image`));
    validateResources(c?.resources, `${f}.resources`, causes);
    (c?.ports ?? []).forEach((p: any, j: number) => {
      if (!Number.isInteger(p?.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
        causes.push(bad(`${f}.ports[${j}].containerPort`, p?.containerPort, 'must be between 1 and 65535, inclusive'));
      }
    });
    if (c?.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
      causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(c.imagePullPolicy)}: supported values: "Always", "IfNotPresent", "Never"`, field: `${f}.imagePullPolicy` });
    }
  });
}

export function validatePodSpec(spec: any, field: string, causes: Causes) {
  if (!spec || typeof spec !== 'object') return causes.push(required(field));
  validateContainers(spec.containers, `${field}.containers`, causes, true);
  validateContainers(spec.initContainers, `${field}.initContainers`, causes, false);
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.restartPolicy)}: supported values: "Always", "OnFailure", "Never"`, field: `${field}.restartPolicy` });
  }
  if (spec.terminationGracePeriodSeconds !== undefined && (!Number.isInteger(spec.terminationGracePeriodSeconds) || spec.terminationGracePeriodSeconds < 0)) {
    causes.push(bad(`${field}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  validateStringMap(spec.nodeSelector, `${field}.nodeSelector`, causes, 'label');
  if (spec.priority !== undefined && !Number.isInteger(spec.priority)) causes.push(bad(`${field}.priority`, spec.priority, 'must be an integer'));
}

function validateSelectorMatchesTemplate(obj: any, causes: Causes) {
  const selector = obj.spec?.selector;
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) return causes.push(required('spec.selector'));
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) {
      causes.push(bad('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
      break;
    }
  }
}

function validateReplicas(value: unknown, causes: Causes) {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) causes.push(bad('spec.replicas', value, 'must be greater than or equal to 0'));
}

/** Kind-specific validation of a full object; returns the causes (empty when valid). */
export function validateObject(kind: string, obj: any, namespaced: boolean): Causes {
  const causes: Causes = [];
  validateMetadata(obj, namespaced, causes, kind === 'Namespace' || kind === 'Service' ? 'label' : 'subdomain');
  switch (kind) {
    case 'Pod':
      validatePodSpec(obj.spec, 'spec', causes);
      break;
    case 'Deployment':
    case 'ReplicaSet':
      validateReplicas(obj.spec?.replicas, causes);
      validateSelectorMatchesTemplate(obj, causes);
      validatePodSpec(obj.spec?.template?.spec, 'spec.template.spec', causes);
      break;
    case 'Service': {
      const ports = obj.spec?.ports;
      if (obj.spec?.type !== 'ExternalName' && (!Array.isArray(ports) || !ports.length)) causes.push(required('spec.ports'));
      (ports ?? []).forEach((p: any, i: number) => {
        if (!Number.isInteger(p?.port) || p.port < 1 || p.port > 65535) causes.push(bad(`spec.ports[${i}].port`, p?.port, 'must be between 1 and 65535, inclusive'));
      });
      if (obj.spec?.type && !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(obj.spec.type)) {
        causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(obj.spec.type)}`, field: 'spec.type' });
      }
      break;
    }
    case 'ConfigMap':
      validateStringMap(obj.data, 'data', causes, 'any');
      break;
    case 'PriorityClass':
      if (!Number.isInteger(obj.value)) causes.push(obj.value === undefined ? required('value') : bad('value', obj.value, 'must be an integer'));
      else if (obj.value > 1_000_000_000) causes.push(bad('value', obj.value, 'must be at most 1000000000 (higher values are reserved for system classes)'));
      if (obj.preemptionPolicy !== undefined && !['PreemptLowerPriority', 'Never'].includes(obj.preemptionPolicy)) {
        causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(obj.preemptionPolicy)}: supported values: "Never", "PreemptLowerPriority"`, field: 'preemptionPolicy' });
      }
      break;
    case 'Node':
      for (const part of ['capacity', 'allocatable']) for (const [k, v] of Object.entries(obj.status?.[part] ?? {})) if (!isQuantity(v)) causes.push(bad(`status.${part}.${k}`, v, 'must be a quantity'));
      break;
  }
  return causes;
}
