import type { StatusCause } from '../../apimachinery/errors.ts';
import type {
  AutoscalingV1HorizontalPodAutoscaler,
  AutoscalingV2HorizontalPodAutoscaler,
  HPAScalingRules,
  MetricSpec,
  MetricStatus,
} from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import { age } from '../../apimachinery/printers.ts';
import { isQuantity, parseQuantity } from '../../apimachinery/quantity.ts';

// autoscaling/v2 HorizontalPodAutoscaler: defaults and validation as
// kube-apiserver's (pkg/apis/autoscaling), the columns kubectl 1.32 prints,
// and the autoscaling/v1 ⇄ v2 conversion behind the v1 endpoints (kubectl
// 1.32's `kubectl autoscale` creates autoscaling/v1 objects).

type Hpa = AutoscalingV2HorizontalPodAutoscaler;
type Unchecked = Record<string, unknown> | null | undefined;
const unchecked = (value: unknown) => value as Unchecked;
type Causes = StatusCause[];

const required = (field: string, detail = ''): StatusCause => ({
  reason: 'FieldValueRequired',
  message: detail ? `Required value: ${detail}` : 'Required value',
  field,
});
const bad = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});
const unsupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  field,
});
const forbidden = (field: string, message: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${message}`,
  field,
});

/** autoscaling.DefaultCPUUtilization: the target when an HPA names no metrics. */
export const DEFAULT_CPU_UTILIZATION = 80;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;

/** GenerateHPAScaleUpRules: what an HPA's behavior leaves out when scaling up. */
export function scaleUpRules(given?: HPAScalingRules): Required<HPAScalingRules> {
  return {
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? 0,
    selectPolicy: given?.selectPolicy ?? 'Max',
    policies: given?.policies ?? [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** GenerateHPAScaleDownRules; `window` is the controller's default downscale stabilization (300 s upstream). */
export function scaleDownRules(given?: HPAScalingRules, window = 300): Required<HPAScalingRules> {
  return {
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? window,
    selectPolicy: given?.selectPolicy ?? 'Max',
    policies: given?.policies ?? [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

/** SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, cpu at 80 % when no metric is named, behavior's gaps. */
export function defaultHpa(obj: Record<string, unknown>) {
  const hpa = obj as Hpa;
  const spec = (hpa.spec ??= {} as Hpa['spec'] & object);
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length)
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
      },
    ];
  // As upstream, only a behavior that is given gets its gaps filled (the controller reads a missing one as the defaults).
  if (spec.behavior && typeof spec.behavior === 'object') {
    spec.behavior.scaleUp = scaleUpRules(spec.behavior.scaleUp);
    spec.behavior.scaleDown = scaleDownRules(spec.behavior.scaleDown);
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const PATH_SEGMENT_BAD = /[/%]/;

function validatePathSegment(value: unknown, field: string, causes: Causes) {
  if (typeof value !== 'string' || !value) return causes.push(required(field));
  if (value === '.' || value === '..') causes.push(bad(field, value, `may not be '${value}'`));
  else if (PATH_SEGMENT_BAD.test(value))
    causes.push(bad(field, value, `may not contain '${PATH_SEGMENT_BAD.exec(value)?.[0]}'`));
}

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, string> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};

function validateTarget(value: unknown, field: string, causes: Causes) {
  const target = unchecked(value);
  if (!target || typeof target !== 'object') return causes.push(required(field));
  if (!target.type) causes.push(required(`${field}.type`, 'must specify a metric target type'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(target.type as string))
    causes.push(unsupported(`${field}.type`, target.type, ['AverageValue', 'Utilization', 'Value']));
  for (const key of ['value', 'averageValue'] as const) {
    const q = target[key];
    if (q === undefined || q === null) continue;
    if (!isQuantity(q)) causes.push(bad(`${field}.${key}`, q, 'must be a quantity'));
    else if (parseQuantity(q) <= 0) causes.push(bad(`${field}.${key}`, q, 'must be positive'));
  }
  const u = target.averageUtilization;
  if (u !== undefined && u !== null && (!isInt(u) || u < 1))
    causes.push(bad(`${field}.averageUtilization`, u, 'must be greater than 0'));
}

function validateMetric(value: unknown, field: string, causes: Causes) {
  const metric = unchecked(value);
  const type = metric?.type;
  if (!type) return causes.push(required(`${field}.type`, 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type as string))
    return causes.push(unsupported(`${field}.type`, type, METRIC_SOURCE_TYPES));
  for (const [t, key] of Object.entries(SOURCE_FIELD))
    if (t !== type && metric[key] !== undefined && metric[key] !== null)
      causes.push(forbidden(`${field}.${key}`, 'must populate the given metric source only'));
  const key = SOURCE_FIELD[type as string];
  const source = unchecked(metric[key]);
  if (!source || typeof source !== 'object')
    return causes.push(required(`${field}.${key}`, 'must populate information for the given metric source'));
  const f = `${field}.${key}`;
  if (type === 'Resource' || type === 'ContainerResource') {
    if (!source.name) causes.push(required(`${f}.name`, 'must specify a resource name'));
    if (type === 'ContainerResource' && !source.container)
      causes.push(required(`${f}.container`, 'must specify a container'));
    validateTarget(source.target, `${f}.target`, causes);
    const target = unchecked(source.target);
    if (target && typeof target === 'object') {
      const hasU = target.averageUtilization !== undefined && target.averageUtilization !== null;
      const hasA = target.averageValue !== undefined && target.averageValue !== null;
      if (!hasU && !hasA)
        causes.push(
          required(`${f}.target.averageUtilization`, 'must set either a target raw value or a target utilization'),
        );
      if (hasU && hasA)
        causes.push(
          forbidden(`${f}.target.averageValue`, 'may not set both a target raw value and a target utilization'),
        );
      if (target.type === 'Value')
        causes.push(unsupported(`${f}.target.type`, target.type, ['AverageValue', 'Utilization']));
    }
    return;
  }
  const metricId = unchecked(source.metric);
  if (!metricId?.name) causes.push(required(`${f}.metric.name`, 'must specify a metric name'));
  if (type === 'Object') {
    const ref = unchecked(source.describedObject);
    validatePathSegment(ref?.kind, `${f}.describedObject.kind`, causes);
    validatePathSegment(ref?.name, `${f}.describedObject.name`, causes);
  }
  validateTarget(source.target, `${f}.target`, causes);
}

function validateRules(value: unknown, field: string, causes: Causes) {
  if (value === undefined || value === null) return;
  const rules = unchecked(value);
  const window = rules?.stabilizationWindowSeconds;
  if (window !== undefined && window !== null) {
    if (!isInt(window) || window < 0)
      causes.push(bad(`${field}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero'));
    else if (window > MAX_STABILIZATION_WINDOW_SECONDS)
      causes.push(
        bad(
          `${field}.stabilizationWindowSeconds`,
          window,
          `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
        ),
      );
  }
  const select = rules?.selectPolicy;
  if (select !== undefined && select !== null && !['Disabled', 'Max', 'Min'].includes(select as string))
    causes.push(unsupported(`${field}.selectPolicy`, select, ['Disabled', 'Max', 'Min']));
  const policies = rules?.policies;
  if (!Array.isArray(policies) || !policies.length)
    return causes.push(required(`${field}.policies`, 'must specify at least one Policy'));
  policies.forEach((p: unknown, i: number) => {
    const policy = unchecked(p);
    const f = `${field}.policies[${i}]`;
    if (policy?.type !== 'Pods' && policy?.type !== 'Percent')
      causes.push(unsupported(`${f}.type`, policy?.type, ['Percent', 'Pods']));
    if (!isInt(policy?.value) || policy.value <= 0)
      causes.push(bad(`${f}.value`, policy?.value, 'must be greater than zero'));
    const period = policy?.periodSeconds;
    if (!isInt(period) || period <= 0) causes.push(bad(`${f}.periodSeconds`, period, 'must be greater than zero'));
    else if (period > MAX_PERIOD_SECONDS)
      causes.push(bad(`${f}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
}

/** ValidateHorizontalPodAutoscalerSpec (after defaulting). */
export function validateHpa(obj: unknown, causes: Causes) {
  const spec = unchecked(unchecked(obj)?.spec);
  if (!spec || typeof spec !== 'object') return causes.push(required('spec'));
  const ref = unchecked(spec.scaleTargetRef);
  if (!ref || typeof ref !== 'object') causes.push(required('spec.scaleTargetRef'));
  else {
    validatePathSegment(ref.kind, 'spec.scaleTargetRef.kind', causes);
    validatePathSegment(ref.name, 'spec.scaleTargetRef.name', causes);
  }
  const min = spec.minReplicas;
  if (min !== undefined && min !== null && (!isInt(min) || min < 1))
    causes.push(bad('spec.minReplicas', min, 'must be greater than or equal to 1'));
  const max = spec.maxReplicas;
  if (!isInt(max) || max < 1) causes.push(bad('spec.maxReplicas', max, 'must be greater than 0'));
  else if (isInt(min) && max < min)
    causes.push(bad('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const metrics = spec.metrics;
  if (metrics !== undefined && metrics !== null) {
    if (!Array.isArray(metrics)) causes.push(bad('spec.metrics', metrics, 'must be a list'));
    else metrics.forEach((m: unknown, i: number) => validateMetric(m, `spec.metrics[${i}]`, causes));
  }
  const behavior = unchecked(spec.behavior);
  if (behavior !== undefined && behavior !== null) {
    validateRules(behavior.scaleUp, 'spec.behavior.scaleUp', causes);
    validateRules(behavior.scaleDown, 'spec.behavior.scaleDown', causes);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// kubectl get hpa
// ---------------------------------------------------------------------------------------------------------------

function metricCell(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource': {
      const source = spec.resource ?? spec.containerResource;
      const current = status?.resource?.current ?? status?.containerResource?.current;
      const name = source?.name ?? '';
      if (source?.target.averageValue !== undefined)
        return `${name}: ${current?.averageValue ?? '<unknown>'}/${source.target.averageValue}`;
      const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : '<unknown>';
      const target =
        source?.target.averageUtilization !== undefined ? `${source.target.averageUtilization}%` : '<auto>';
      return `${name}: ${now}/${target}`;
    }
    case 'Pods':
      return `${status?.pods?.current.averageValue ?? '<unknown>'}/${spec.pods?.target.averageValue ?? ''}`;
    case 'Object': {
      const t = spec.object?.target;
      const c = status?.object?.current;
      if (t?.averageValue !== undefined) return `${c?.averageValue ?? '<unknown>'}/${t.averageValue} (avg)`;
      return `${c?.value ?? '<unknown>'}/${t?.value ?? ''}`;
    }
    case 'External': {
      const t = spec.external?.target;
      const c = status?.external?.current;
      if (t?.averageValue !== undefined) return `${c?.averageValue ?? '<unknown>'}/${t.averageValue} (avg)`;
      return `${c?.value ?? '<unknown>'}/${t?.value ?? ''}`;
    }
    default:
      return '<unknown type>';
  }
}

/** printers.formatHPAMetrics: the first two metrics, then "+ N more...". */
export function hpaTargets(hpa: Hpa): string {
  const specs = hpa.spec?.metrics ?? [];
  if (!specs.length) return '<none>';
  const statuses = hpa.status?.currentMetrics ?? [];
  const cells = specs.map((m, i) => metricCell(m, statuses[i]));
  const shown = cells.slice(0, 2).join(', ');
  return cells.length > 2 ? `${shown} + ${cells.length - 2} more...` : shown;
}

type StoredHpa = Hpa & KubeObject;

export const HPA_COLUMNS = [
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
    cell: (o: KubeObject) => o.metadata.name,
  },
  {
    name: 'Reference',
    type: 'string',
    description:
      'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.',
    priority: 0,
    cell: (o: KubeObject) => {
      const ref = (o as StoredHpa).spec?.scaleTargetRef;
      return `${ref?.kind ?? ''}/${ref?.name ?? ''}`;
    },
  },
  {
    name: 'Targets',
    type: 'string',
    description: 'the target values and current values of the metrics used to calculate the desired replica count.',
    priority: 0,
    cell: (o: KubeObject) => hpaTargets(o as StoredHpa),
  },
  {
    name: 'MinPods',
    type: 'string',
    description: 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    priority: 0,
    cell: (o: KubeObject) => {
      const min = (o as StoredHpa).spec?.minReplicas;
      return min === undefined ? '<unset>' : String(min);
    },
  },
  {
    name: 'MaxPods',
    type: 'integer',
    description: 'maxReplicas is the upper limit for the number of pods that can be set by the autoscaler.',
    priority: 0,
    cell: (o: KubeObject) => (o as StoredHpa).spec?.maxReplicas ?? 0,
  },
  {
    name: 'Replicas',
    type: 'integer',
    description: 'current number of replicas of pods managed by this autoscaler.',
    priority: 0,
    cell: (o: KubeObject) => (o as StoredHpa).status?.currentReplicas ?? 0,
  },
  {
    name: 'Age',
    type: 'string',
    description: 'Time since creation.',
    priority: 0,
    cell: (o: KubeObject, now: number) => age(o.metadata.creationTimestamp as string | undefined, now),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// autoscaling/v1 ⇄ autoscaling/v2
// ---------------------------------------------------------------------------------------------------------------

type HpaV1 = AutoscalingV1HorizontalPodAutoscaler;

const isCpuUtilization = (m: MetricSpec) =>
  m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization';

/**
 * A v1 body as v2 (upstream's Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler, minus the
 * annotations in which upstream carries v2-only fields through v1: a v1 client's write keeps only the cpu target).
 */
export function hpaFromV1(body: unknown, stored?: Hpa): unknown {
  const v1 = unchecked(body);
  if (!v1 || typeof v1 !== 'object') return body;
  const spec = unchecked(v1.spec);
  const { targetCPUUtilizationPercentage: cpu, ...rest } = spec ?? {};
  // What the v2 object holds beyond v1's single cpu target survives a v1 update.
  const others = (stored?.spec?.metrics ?? []).filter((m) => !isCpuUtilization(m));
  const metrics: MetricSpec[] =
    cpu === undefined || cpu === null
      ? others
      : [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu as number } },
          },
          ...others,
        ];
  const v2Spec = spec
    ? {
        ...rest,
        ...(metrics.length ? { metrics } : {}),
        ...(stored?.spec?.behavior ? { behavior: stored.spec.behavior } : {}),
      }
    : undefined;
  const { status: _status, ...top } = v1;
  return { ...top, apiVersion: 'autoscaling/v2', ...(v2Spec ? { spec: v2Spec } : {}) };
}

/** A stored v2 object as autoscaling/v1 shows it. */
export function hpaToV1(obj: KubeObject): HpaV1 & KubeObject {
  const hpa = obj as StoredHpa;
  const cpuSpec = hpa.spec?.metrics?.find(isCpuUtilization);
  const cpuStatus = hpa.status?.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
  const spec = hpa.spec;
  return {
    ...obj,
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    spec: spec && {
      scaleTargetRef: spec.scaleTargetRef,
      ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      maxReplicas: spec.maxReplicas,
      ...(cpuSpec?.resource?.target.averageUtilization !== undefined
        ? { targetCPUUtilizationPercentage: cpuSpec.resource.target.averageUtilization }
        : {}),
    },
    status: {
      ...(hpa.status?.observedGeneration !== undefined ? { observedGeneration: hpa.status.observedGeneration } : {}),
      ...(hpa.status?.lastScaleTime ? { lastScaleTime: hpa.status.lastScaleTime } : {}),
      currentReplicas: hpa.status?.currentReplicas ?? 0,
      desiredReplicas: hpa.status?.desiredReplicas ?? 0,
      ...(cpuStatus?.resource?.current.averageUtilization !== undefined
        ? { currentCPUUtilizationPercentage: cpuStatus.resource.current.averageUtilization }
        : {}),
    },
  };
}
