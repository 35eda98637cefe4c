import type { StatusCause } from '../../apimachinery/errors.ts';
import type { IntOrString, PodDisruptionBudget } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { age } from '../../apimachinery/printers.ts';
import { selectorFromObject } from '../../apimachinery/selectors.ts';

// policy/v1 PodDisruptionBudget: validation as kube-apiserver's
// ValidatePodDisruptionBudgetSpec, and the columns `kubectl get pdb` prints.

type Unchecked = Record<string, unknown> | null | undefined;
const unchecked = (value: unknown) => value as Unchecked;

const bad = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});

const PERCENT = /^[0-9]+%$/;

/** validation.ValidatePositiveIntOrPercent and IsNotMoreThan100Percent, for an IntOrString field. */
export function validateIntOrPercent(value: unknown, field: string, causes: StatusCause[]) {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) causes.push(bad(field, value, 'must be an integer'));
    else if (value < 0) causes.push(bad(field, value, 'must be greater than or equal to 0'));
    return;
  }
  if (typeof value !== 'string' || !PERCENT.test(value)) {
    causes.push(
      bad(
        field,
        value,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    );
    return;
  }
  if (Number(value.slice(0, -1)) > 100) causes.push(bad(field, value, 'must not be greater than 100%'));
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** metav1validation.ValidateLabelSelector: operators and the values each one takes. */
export function validateLabelSelector(value: unknown, field: string, causes: StatusCause[]) {
  if (value === undefined || value === null) return;
  const selector = unchecked(value);
  if (typeof selector !== 'object' || Array.isArray(selector))
    return causes.push(bad(field, value, 'must be a label selector'));
  const labels = selector?.matchLabels;
  if (labels !== undefined && labels !== null) {
    if (typeof labels !== 'object' || Array.isArray(labels))
      causes.push(bad(`${field}.matchLabels`, labels, 'must be a map of strings'));
    else
      for (const [k, v] of Object.entries(labels))
        if (typeof v !== 'string') causes.push(bad(`${field}.matchLabels.${k}`, v, 'must be a string'));
  }
  const expressions = selector?.matchExpressions;
  if (expressions === undefined || expressions === null) return;
  if (!Array.isArray(expressions)) return causes.push(bad(`${field}.matchExpressions`, expressions, 'must be a list'));
  expressions.forEach((e: unknown, i: number) => {
    const f = `${field}.matchExpressions[${i}]`;
    const expr = unchecked(e);
    if (typeof expr?.key !== 'string' || !expr.key)
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${f}.key` });
    const op = expr?.operator;
    const values = expr?.values;
    const count = Array.isArray(values) ? values.length : 0;
    if (op === 'In' || op === 'NotIn') {
      if (!count)
        causes.push({
          reason: 'FieldValueRequired',
          message: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
          field: `${f}.values`,
        });
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (count)
        causes.push({
          reason: 'FieldValueForbidden',
          message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          field: `${f}.values`,
        });
    } else
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(op)}: supported values: ${SELECTOR_OPERATORS.map((o) => `"${o}"`).join(', ')}`,
        field: `${f}.operator`,
      });
  });
}

export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudget(obj: unknown, causes: StatusCause[]) {
  const spec = unchecked(unchecked(obj)?.spec);
  if (spec === undefined || spec === null) return;
  const { minAvailable, maxUnavailable } = spec;
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(minAvailable) && has(maxUnavailable))
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "": minAvailable and maxUnavailable cannot be both set',
      field: 'spec',
    });
  if (has(minAvailable)) validateIntOrPercent(minAvailable, 'spec.minAvailable', causes);
  if (has(maxUnavailable)) validateIntOrPercent(maxUnavailable, 'spec.maxUnavailable', causes);
  validateLabelSelector(spec.selector, 'spec.selector', causes);
  const policy = spec.unhealthyPodEvictionPolicy;
  if (has(policy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy as string))
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "AlwaysAllow", "IfHealthyBudget"`,
      field: 'spec.unhealthyPodEvictionPolicy',
    });
}

const intOrStringCell = (v: IntOrString | undefined) => (v === undefined || v === null ? 'N/A' : String(v));

type Pdb = PodDisruptionBudget & KubeObject;

/** kubectl's printPodDisruptionBudget columns. */
export const PDB_COLUMNS = [
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
    cell: (o: KubeObject) => o.metadata.name,
  },
  {
    name: 'Min Available',
    type: 'string',
    description: 'The minimum number of pods that must be available.',
    priority: 0,
    cell: (o: KubeObject) => intOrStringCell((o as Pdb).spec?.minAvailable),
  },
  {
    name: 'Max Unavailable',
    type: 'string',
    description: 'The maximum number of pods that may be unavailable.',
    priority: 0,
    cell: (o: KubeObject) => intOrStringCell((o as Pdb).spec?.maxUnavailable),
  },
  {
    name: 'Allowed Disruptions',
    type: 'integer',
    description: 'Calculated number of pods that may be disrupted at this time.',
    priority: 0,
    cell: (o: KubeObject) => (o as Pdb).status?.disruptionsAllowed ?? 0,
  },
  {
    name: 'Age',
    type: 'string',
    description: 'Time since creation.',
    priority: 0,
    cell: (o: KubeObject, now: number) => age(o.metadata.creationTimestamp as string | undefined, now),
  },
];

/**
 * Whether the budget covers the pod. In policy/v1 an empty selector ({}) selects every pod of the namespace and a
 * missing one selects none (upstream keeps v1beta1's "empty matches nothing" only for v1beta1 objects).
 */
export function pdbSelects(pdb: KubeObject, pod: KubeObject): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  const selector = (pdb as Pdb).spec?.selector;
  if (!selector) return false;
  return selectorFromObject(selector)((pod.metadata.labels ?? {}) as Record<string, string>);
}
