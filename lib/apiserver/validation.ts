import type { StatusCause } from '../apimachinery/errors.ts';
import type {
  CustomResourceDefinition,
  Deployment,
  Node,
  PriorityClass,
  Service,
} from '../apimachinery/generated/kinds.ts';
import type { ObjectView } from '../apimachinery/object.ts';
import { isQuantity, parseQuantity } from '../apimachinery/quantity.ts';
import { validateCrd } from './crd/validate-crd.ts';
import { validateCronJob, validateJob } from './kinds/job.ts';
import { validateServiceAccount } from './kinds/service-account.ts';
import { validatePodDisruptionBudget } from './kinds/pdb.ts';
import { validateHpa } from './kinds/hpa.ts';
import { validateSecret } from './kinds/secret.ts';
import { validateAppsObject } from './kinds/apps.ts';
import { pathSegmentNameErrors, RBAC_KINDS, validateRbacObject } from './kinds/rbac.ts';

// Validation as Kubernetes does it: every problem is a cause naming its field.

/**
 * A part of a request body before it is validated: it may hold anything, so
 * each check tests the type of the value it reads. (Reading a field of a
 * string or number gives undefined, as it would at run time.)
 */
type Unchecked = Record<string, unknown> | null | undefined;
const unchecked = (value: unknown) => value as Unchecked;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

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
    causes.push(
      bad(
        field,
        value,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc')",
      ),
    );
  }
}

export function validateDnsSubdomain(value: unknown, field: string, causes: Causes) {
  if (typeof value !== 'string' || !value) return causes.push(required(field));
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    causes.push(
      bad(
        field,
        value,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
      ),
    );
  }
}

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** apimachinery's IsQualifiedName: an optional DNS-subdomain prefix and "/", then a name part of at most 63. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = parts[0];
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (!prefix) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!DNS1123_SUBDOMAIN.test(prefix))
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
      );
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name && !QUALIFIED_NAME_PART.test(name))
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')",
    );
  return errs;
}

/** The most a metadata.annotations map may hold (keys and values), as kube-apiserver counts it. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function validateStringMap(map: unknown, field: string, causes: Causes, values: 'label' | 'any') {
  if (map === undefined || map === null) return;
  if (typeof map !== 'object' || Array.isArray(map))
    return causes.push(bad(field, map, 'must be a map of string keys to string values'));
  let bytes = 0;
  for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
    for (const message of qualifiedNameErrors(key)) causes.push(bad(field, key, message));
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    if (typeof value !== 'string') causes.push(bad(`${field}.${key}`, value, 'must be a string'));
    else if (values === 'label' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      causes.push(
        bad(
          `${field}.${key}`,
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
  }
  if (values === 'any' && bytes > ANNOTATIONS_MAX_BYTES)
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${ANNOTATIONS_MAX_BYTES} bytes`,
      field,
    });
}

/** RBAC objects are named like path segments (`system:controller:x` is a valid ClusterRole name). */
function validatePathSegmentName(name: unknown, causes: Causes) {
  if (typeof name !== 'string' || !name) return causes.push(required('metadata.name'));
  for (const message of pathSegmentNameErrors(name)) causes.push(bad('metadata.name', name, message));
}

export function validateMetadata(
  obj: unknown,
  namespaced: boolean,
  causes: Causes,
  nameRule: 'label' | 'subdomain' | 'path' = 'subdomain',
) {
  const m = unchecked((obj as Record<string, unknown>).metadata);
  if (!m || typeof m !== 'object') return causes.push(required('metadata'));
  if (nameRule === 'path') validatePathSegmentName(m.name, causes);
  else (nameRule === 'label' ? validateDnsLabel : validateDnsSubdomain)(m.name, 'metadata.name', causes);
  if (namespaced) validateDnsLabel(m.namespace, 'metadata.namespace', causes);
  validateStringMap(m.labels, 'metadata.labels', causes, 'label');
  validateStringMap(m.annotations, 'metadata.annotations', causes, 'any');
  if (
    m.finalizers !== undefined &&
    (!Array.isArray(m.finalizers) || m.finalizers.some((f: unknown) => typeof f !== 'string'))
  ) {
    causes.push(bad('metadata.finalizers', m.finalizers, 'must be a list of strings'));
  } else if (Array.isArray(m.finalizers)) {
    (m.finalizers as string[]).forEach((f, i) => {
      for (const message of qualifiedNameErrors(f)) causes.push(bad(`metadata.finalizers[${i}]`, f, message));
    });
  }
  if (m.ownerReferences !== undefined) {
    if (!Array.isArray(m.ownerReferences))
      causes.push(bad('metadata.ownerReferences', m.ownerReferences, 'must be a list'));
    else
      m.ownerReferences.forEach((r: unknown, i: number) => {
        for (const f of ['apiVersion', 'kind', 'name', 'uid'])
          if (!unchecked(r)?.[f]) causes.push(required(`metadata.ownerReferences[${i}].${f}`));
      });
  }
}

function validateResources(value: unknown, field: string, causes: Causes) {
  const resources = unchecked(value);
  if (resources === undefined || resources === null) return;
  for (const part of ['requests', 'limits'] as const) {
    const map = resources[part];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object') {
      causes.push(bad(`${field}.${part}`, map, 'must be a map of resource names to quantities'));
      continue;
    }
    for (const [name, value] of Object.entries(map)) {
      if (!isQuantity(value))
        causes.push(
          bad(
            `${field}.${part}.${name}`,
            value,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
          ),
        );
      else if (parseQuantity(value) < 0)
        causes.push(bad(`${field}.${part}.${name}`, value, 'must be greater than or equal to 0'));
    }
  }
  const req = (resources.requests ?? {}) as Record<string, unknown>;
  const lim = (resources.limits ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(req)) {
    if (
      lim[name] !== undefined &&
      isQuantity(lim[name]) &&
      isQuantity(req[name]) &&
      parseQuantity(req[name]) > parseQuantity(lim[name])
    ) {
      causes.push(bad(`${field}.requests`, req[name], `must be less than or equal to ${name} limit of ${lim[name]}`));
    }
  }
}

function validateContainers(list: unknown, field: string, causes: Causes, requireOne: boolean) {
  if (list === undefined && !requireOne) return;
  if (!Array.isArray(list) || (requireOne && list.length === 0)) return causes.push(required(field));
  const names = new Set<unknown>();
  list.forEach((container: unknown, i: number) => {
    const c = unchecked(container);
    const f = `${field}[${i}]`;
    validateDnsLabel(c?.name, `${f}.name`, causes);
    if (c?.name && names.has(c.name))
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(c.name)}`,
        field: `${f}.name`,
      });
    names.add(c?.name);
    if (!c?.image || typeof c.image !== 'string') causes.push(required(`${f}.image`));
    validateResources(c?.resources, `${f}.resources`, causes);
    ((c?.ports ?? []) as unknown[]).forEach((port: unknown, j: number) => {
      const containerPort = unchecked(port)?.containerPort;
      if (!Number.isInteger(containerPort) || (containerPort as number) < 1 || (containerPort as number) > 65535) {
        causes.push(bad(`${f}.ports[${j}].containerPort`, containerPort, 'must be between 1 and 65535, inclusive'));
      }
    });
    if (
      c?.imagePullPolicy !== undefined &&
      !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy as string)
    ) {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(c.imagePullPolicy)}: supported values: "Always", "IfNotPresent", "Never"`,
        field: `${f}.imagePullPolicy`,
      });
    }
  });
}

export function validatePodSpec(value: unknown, field: string, causes: Causes) {
  const spec = unchecked(value);
  if (!spec || typeof spec !== 'object') return causes.push(required(field));
  validateContainers(spec.containers, `${field}.containers`, causes, true);
  validateContainers(spec.initContainers, `${field}.initContainers`, causes, false);
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy as string)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.restartPolicy)}: supported values: "Always", "OnFailure", "Never"`,
      field: `${field}.restartPolicy`,
    });
  }
  if (
    spec.terminationGracePeriodSeconds !== undefined &&
    (!Number.isInteger(spec.terminationGracePeriodSeconds) || (spec.terminationGracePeriodSeconds as number) < 0)
  ) {
    causes.push(
      bad(
        `${field}.terminationGracePeriodSeconds`,
        spec.terminationGracePeriodSeconds,
        'must be greater than or equal to 0',
      ),
    );
  }
  validateStringMap(spec.nodeSelector, `${field}.nodeSelector`, causes, 'label');
  if (spec.priority !== undefined && !Number.isInteger(spec.priority))
    causes.push(bad(`${field}.priority`, spec.priority, 'must be an integer'));
}

function validateSelectorMatchesTemplate(obj: ObjectView<Deployment>, causes: Causes) {
  const selector = obj.spec?.selector;
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) return causes.push(required('spec.selector'));
  const labels: Record<string, string> = obj.spec?.template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) {
      causes.push(bad('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
      break;
    }
  }
}

function validateReplicas(value: unknown, causes: Causes) {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0))
    causes.push(bad('spec.replicas', value, 'must be greater than or equal to 0'));
}

/**
 * Kind-specific validation of a full object; returns the causes (empty when valid).
 * The object is read as the kind it claims to be, but every check tests the
 * type of the value it reads: nothing here trusts the claim.
 */
export function validateObject(kind: string, obj: unknown, namespaced: boolean, old?: unknown): Causes {
  const causes: Causes = [];
  if (kind === 'CustomResourceDefinition') {
    // validateCrd checks the name itself (plural.group); the rest of the metadata is checked here.
    validateMetadata(obj, namespaced, causes);
    const crdCauses = validateCrd(obj as CustomResourceDefinition, old as CustomResourceDefinition | undefined);
    return [...causes.filter((c) => c.field !== 'metadata.name'), ...crdCauses];
  }
  validateMetadata(
    obj,
    namespaced,
    causes,
    kind === 'Namespace' || kind === 'Service' ? 'label' : RBAC_KINDS.has(kind) ? 'path' : 'subdomain',
  );
  switch (kind) {
    case 'Role':
    case 'ClusterRole':
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      validateRbacObject(kind, obj, old, causes);
      break;
    case 'Pod':
      validatePodSpec((obj as Record<string, unknown>).spec, 'spec', causes);
      break;
    case 'Deployment':
    case 'ReplicaSet': {
      const workload = obj as ObjectView<Deployment>;
      validateReplicas(workload.spec?.replicas, causes);
      validateSelectorMatchesTemplate(workload, causes);
      validatePodSpec(workload.spec?.template?.spec, 'spec.template.spec', causes);
      break;
    }
    case 'Service': {
      const service = obj as ObjectView<Service>;
      const ports: unknown = service.spec?.ports;
      if (service.spec?.type !== 'ExternalName' && (!Array.isArray(ports) || !ports.length))
        causes.push(required('spec.ports'));
      ((ports ?? []) as unknown[]).forEach((p: unknown, i: number) => {
        const port = unchecked(p)?.port;
        if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
          causes.push(bad(`spec.ports[${i}].port`, port, 'must be between 1 and 65535, inclusive'));
      });
      if (
        service.spec?.type &&
        !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(service.spec.type)
      ) {
        causes.push({
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${JSON.stringify(service.spec.type)}`,
          field: 'spec.type',
        });
      }
      break;
    }
    case 'StatefulSet':
    case 'DaemonSet':
      validatePodSpec(
        unchecked(unchecked((obj as Record<string, unknown>).spec)?.template)?.spec,
        'spec.template.spec',
        causes,
      );
      validateAppsObject(kind, obj, old, causes);
      break;
    case 'ControllerRevision':
      validateAppsObject(kind, obj, old, causes);
      break;
    case 'Secret':
      validateSecret(obj as Record<string, unknown>, old as Record<string, unknown> | undefined, causes);
      break;
    case 'PodDisruptionBudget':
      validatePodDisruptionBudget(obj, causes);
      break;
    case 'HorizontalPodAutoscaler':
      validateHpa(obj, causes);
      break;
    case 'ServiceAccount':
      validateServiceAccount(obj, causes);
      break;
    case 'Job': {
      const spec = unchecked(unchecked(obj)?.spec);
      validateJob(obj, old, causes);
      if (unchecked(spec?.template)) validatePodSpec(unchecked(spec?.template)?.spec, 'spec.template.spec', causes);
      break;
    }
    case 'CronJob': {
      const jobSpec = unchecked(unchecked(unchecked(unchecked(obj)?.spec)?.jobTemplate)?.spec);
      validateCronJob(obj, causes);
      if (unchecked(jobSpec?.template))
        validatePodSpec(unchecked(jobSpec?.template)?.spec, 'spec.jobTemplate.spec.template.spec', causes);
      break;
    }
    case 'ConfigMap':
      validateStringMap((obj as Record<string, unknown>).data, 'data', causes, 'any');
      break;
    case 'PriorityClass': {
      const pc = obj as ObjectView<PriorityClass>;
      if (!Number.isInteger(pc.value))
        causes.push(pc.value === undefined ? required('value') : bad('value', pc.value, 'must be an integer'));
      else if ((pc.value as number) > 1_000_000_000)
        causes.push(
          bad('value', pc.value, 'must be at most 1000000000 (higher values are reserved for system classes)'),
        );
      if (pc.preemptionPolicy !== undefined && !['PreemptLowerPriority', 'Never'].includes(pc.preemptionPolicy)) {
        causes.push({
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${JSON.stringify(pc.preemptionPolicy)}: supported values: "Never", "PreemptLowerPriority"`,
          field: 'preemptionPolicy',
        });
      }
      break;
    }
    case 'Node': {
      const status = (obj as ObjectView<Node>).status;
      for (const part of ['capacity', 'allocatable'] as const)
        for (const [k, v] of Object.entries(status?.[part] ?? {}))
          if (!isQuantity(v)) causes.push(bad(`status.${part}.${k}`, v, 'must be a quantity'));
      break;
    }
  }
  return causes;
}
