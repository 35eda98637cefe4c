import type { StatusCause } from '../../apimachinery/errors.ts';
import type {
  ControllerRevision,
  DaemonSet,
  DaemonSetSpec,
  LabelSelector,
  PodSpec,
  PodTemplateSpec,
  StatefulSet,
  StatefulSetSpec,
} from '../../apimachinery/generated/kinds.ts';
import type { KubeObject, OwnerReference } from '../../apimachinery/meta.ts';
import type { ObjectView } from '../../apimachinery/object.ts';
import { jsonEqual } from '../../apimachinery/patch.ts';
import { selectorToString } from '../../apimachinery/selectors.ts';
import { ageColumn, nameColumn, templateColumns, type Column } from '../columns.ts';

// apps/v1 StatefulSet, DaemonSet and ControllerRevision: their defaults, their validation (as kube-apiserver's
// pkg/apis/apps/validation words it) and the columns `kubectl get` prints. The pod template itself is checked by
// validation.ts's validatePodSpec, which calls in here for the rest.

type Causes = StatusCause[];
type Unchecked = Record<string, unknown> | null | undefined;
const unchecked = (value: unknown) => value as Unchecked;

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });
const bad = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});
const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  field,
});
const forbidden = (field: string, message: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${message}`,
  field,
});

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// ---------------------------------------------------------------------------------------------------------------
// Defaults (SetDefaults_StatefulSet, SetDefaults_DaemonSet of apps/v1)
// ---------------------------------------------------------------------------------------------------------------

function defaultTemplate(spec: { template?: PodTemplateSpec }): PodSpec {
  spec.template ??= {};
  spec.template.metadata ??= {};
  return (spec.template.spec ??= {} as PodSpec);
}

/** Fills a StatefulSet's defaults; returns its pod template's spec for the pod defaults. */
export function defaultStatefulSet(obj: Record<string, unknown>): PodSpec {
  const sts = obj as StatefulSet;
  const spec = (sts.spec ??= {} as StatefulSetSpec);
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') strategy.rollingUpdate = { partition: 0, ...strategy.rollingUpdate };
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy = {
    whenDeleted: 'Retain',
    whenScaled: 'Retain',
    ...spec.persistentVolumeClaimRetentionPolicy,
  };
  for (const claim of spec.volumeClaimTemplates ?? []) {
    if (!claim || typeof claim !== 'object') continue;
    claim.spec ??= {};
    claim.spec.volumeMode ??= 'Filesystem';
    claim.status ??= { phase: 'Pending' };
  }
  sts.status ??= { replicas: 0, availableReplicas: 0 };
  return defaultTemplate(spec);
}

/** Fills a DaemonSet's defaults; returns its pod template's spec for the pod defaults. */
export function defaultDaemonSet(obj: Record<string, unknown>): PodSpec {
  const ds = obj as DaemonSet;
  const spec = (ds.spec ??= {} as DaemonSetSpec);
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate')
    strategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 0, ...strategy.rollingUpdate };
  spec.revisionHistoryLimit ??= 10;
  ds.status ??= { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
  return defaultTemplate(spec);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

function nonNegative(value: unknown, field: string, causes: Causes) {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value)) causes.push(bad(field, value, 'must be an integer'));
  else if ((value as number) < 0) causes.push(bad(field, value, 'must be greater than or equal to 0'));
}

/** selector present, not empty, and matching the template's labels (ValidateLabelSelector + the match check). */
function validateSelector(kind: string, selector: LabelSelector | undefined, template: unknown, causes: Causes) {
  if (!selector || typeof selector !== 'object') return causes.push(required('spec.selector'));
  const matchLabels = unchecked(selector.matchLabels) ?? {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (!Object.keys(matchLabels).length && !expressions.length)
    return causes.push(bad('spec.selector', selector, `empty selector is invalid for ${kind}`));
  const labels = unchecked(unchecked(unchecked(template)?.metadata)?.labels) ?? {};
  const matches =
    Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
    expressions.every((e) => {
      const value = labels[e.key] as string | undefined;
      switch (e.operator) {
        case 'In':
          return value !== undefined && (e.values ?? []).includes(value);
        case 'NotIn':
          return value === undefined || !(e.values ?? []).includes(value);
        case 'Exists':
          return value !== undefined;
        case 'DoesNotExist':
          return value === undefined;
        default:
          return false;
      }
    });
  if (!matches)
    causes.push(bad('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
}

/** What every controller-run template must satisfy beyond a pod's spec: pods that always restart. */
function validateTemplate(kind: string, template: unknown, causes: Causes) {
  const spec = unchecked(unchecked(template)?.spec);
  if (!spec) return;
  if (spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always')
    causes.push(notSupported('spec.template.spec.restartPolicy', spec.restartPolicy, ['Always']));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null)
    causes.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind} is not Supported`),
    );
}

const PERCENT = /^(\d+)%$/;

/** An int-or-percent that must be ≥ 0 and at most 100%; returns its value (a percentage as its number), or undefined when invalid. */
function intOrPercent(value: unknown, field: string, causes: Causes): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return void causes.push(bad(field, value, 'must be an integer'));
    if (value < 0) return void causes.push(bad(field, value, 'must be greater than or equal to 0'));
    return value;
  }
  const m = typeof value === 'string' ? PERCENT.exec(value) : null;
  if (!m)
    return void causes.push(
      bad(
        field,
        value,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    );
  const n = Number(m[1]);
  if (n > 100) return void causes.push(bad(field, value, 'must not be greater than 100%'));
  return n;
}

function validateStatefulSet(obj: ObjectView<StatefulSet>, old: ObjectView<StatefulSet> | undefined, causes: Causes) {
  const spec = obj.spec;
  if (!spec || typeof spec !== 'object') return causes.push(required('spec'));
  nonNegative(spec.replicas, 'spec.replicas', causes);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', causes);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', causes);
  if (spec.ordinals !== undefined && spec.ordinals !== null)
    nonNegative(unchecked(spec.ordinals)?.start, 'spec.ordinals.start', causes);
  if (
    spec.serviceName !== undefined &&
    spec.serviceName !== '' &&
    (typeof spec.serviceName !== 'string' || !DNS1123_LABEL.test(spec.serviceName) || spec.serviceName.length > 63)
  )
    causes.push(
      bad(
        'spec.serviceName',
        spec.serviceName,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc')",
      ),
    );
  if (!['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy as string))
    causes.push(
      spec.podManagementPolicy
        ? notSupported('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel'])
        : required('spec.podManagementPolicy'),
    );
  const strategy = unchecked(spec.updateStrategy);
  const type = strategy?.type;
  if (type !== 'RollingUpdate' && type !== 'OnDelete')
    causes.push(
      type
        ? notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate'])
        : required('spec.updateStrategy'),
    );
  const rolling = unchecked(strategy?.rollingUpdate);
  if (type === 'OnDelete' && rolling)
    causes.push(bad('spec.updateStrategy.rollingUpdate', rolling, "only allowed for updateStrategy 'RollingUpdate'"));
  if (type === 'RollingUpdate' && rolling) {
    nonNegative(rolling.partition, 'spec.updateStrategy.rollingUpdate.partition', causes);
    const max = intOrPercent(rolling.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', causes);
    if (max === 0)
      causes.push(bad('spec.updateStrategy.rollingUpdate.maxUnavailable', rolling.maxUnavailable, 'cannot be 0'));
  }
  const retention = unchecked(spec.persistentVolumeClaimRetentionPolicy);
  for (const part of ['whenDeleted', 'whenScaled'] as const) {
    const value = retention?.[part];
    if (value !== undefined && value !== 'Retain' && value !== 'Delete')
      causes.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${part}`, value, ['Retain', 'Delete']));
  }
  const claims: unknown = spec.volumeClaimTemplates;
  if (claims !== undefined && claims !== null) {
    if (!Array.isArray(claims)) causes.push(bad('spec.volumeClaimTemplates', claims, 'must be a list'));
    else {
      const names = new Set<unknown>();
      claims.forEach((claim: unknown, i: number) => {
        const name = unchecked(unchecked(claim)?.metadata)?.name;
        const field = `spec.volumeClaimTemplates[${i}].metadata.name`;
        if (typeof name !== 'string' || !name) causes.push(required(field));
        else if (names.has(name))
          causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(name)}`, field });
        names.add(name);
        const modes: unknown = unchecked(unchecked(claim)?.spec)?.accessModes;
        if (!Array.isArray(modes) || !modes.length)
          causes.push(required(`spec.volumeClaimTemplates[${i}].spec.accessModes`));
        else
          modes.forEach((mode: unknown, j: number) => {
            if (!['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].includes(mode as string))
              causes.push(
                notSupported(`spec.volumeClaimTemplates[${i}].spec.accessModes[${j}]`, mode, [
                  'ReadOnlyMany',
                  'ReadWriteMany',
                  'ReadWriteOnce',
                  'ReadWriteOncePod',
                ]),
              );
          });
      });
    }
  }
  validateSelector('statefulset', spec.selector, spec.template, causes);
  validateTemplate('StatefulSet', spec.template, causes);
  if (old?.spec) {
    // ValidateStatefulSetUpdate: everything but these fields is fixed at creation.
    const strip = (s: object) => {
      const copy: Record<string, unknown> = { ...s };
      for (const key of [
        'replicas',
        'ordinals',
        'template',
        'updateStrategy',
        'persistentVolumeClaimRetentionPolicy',
        'minReadySeconds',
      ])
        delete copy[key];
      return copy;
    };
    if (!jsonEqual(strip(spec), strip(old.spec)))
      causes.push(
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
  }
}

function validateDaemonSet(obj: ObjectView<DaemonSet>, old: ObjectView<DaemonSet> | undefined, causes: Causes) {
  const spec = obj.spec;
  if (!spec || typeof spec !== 'object') return causes.push(required('spec'));
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', causes);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', causes);
  validateSelector('daemonset', spec.selector, spec.template, causes);
  validateTemplate('DaemonSet', spec.template, causes);
  const strategy = unchecked(spec.updateStrategy);
  const type = strategy?.type;
  if (type !== 'RollingUpdate' && type !== 'OnDelete')
    causes.push(
      type
        ? notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate'])
        : required('spec.updateStrategy.type'),
    );
  const rolling = unchecked(strategy?.rollingUpdate);
  if (type === 'RollingUpdate') {
    if (!rolling) causes.push(required('spec.updateStrategy.rollingUpdate'));
    else {
      const field = 'spec.updateStrategy.rollingUpdate';
      const unavailable = intOrPercent(rolling.maxUnavailable, `${field}.maxUnavailable`, causes);
      const surge = intOrPercent(rolling.maxSurge, `${field}.maxSurge`, causes);
      if (unavailable === 0 && (surge === 0 || surge === undefined))
        causes.push({
          reason: 'FieldValueRequired',
          message: 'Required value: cannot be 0 when maxSurge is 0',
          field: `${field}.maxUnavailable`,
        });
      if (surge !== undefined && surge > 0 && unavailable !== undefined && unavailable > 0)
        causes.push(bad(`${field}.maxSurge`, rolling.maxSurge, 'may not be set when maxUnavailable is non-zero'));
    }
  }
  if (old?.spec && old.spec.selector && !jsonEqual(spec.selector, old.spec.selector))
    causes.push(bad('spec.selector', spec.selector, 'field is immutable'));
}

function validateControllerRevision(
  obj: ObjectView<ControllerRevision>,
  old: ObjectView<ControllerRevision> | undefined,
  causes: Causes,
) {
  if (obj.revision === undefined || obj.revision === null) causes.push(required('revision'));
  else nonNegative(obj.revision, 'revision', causes);
  if (old && !jsonEqual(obj.data, old.data)) causes.push(bad('data', obj.data, 'field is immutable'));
}

/** The StatefulSet, DaemonSet and ControllerRevision checks beyond metadata and the pod template's spec. */
export function validateAppsObject(kind: string, obj: unknown, old: unknown, causes: Causes): void {
  if (kind === 'StatefulSet')
    validateStatefulSet(obj as ObjectView<StatefulSet>, old as ObjectView<StatefulSet> | undefined, causes);
  else if (kind === 'DaemonSet')
    validateDaemonSet(obj as ObjectView<DaemonSet>, old as ObjectView<DaemonSet> | undefined, causes);
  else if (kind === 'ControllerRevision')
    validateControllerRevision(
      obj as ObjectView<ControllerRevision>,
      old as ObjectView<ControllerRevision> | undefined,
      causes,
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Table columns (kubectl's printers for these kinds)
// ---------------------------------------------------------------------------------------------------------------

type View<K> = ObjectView<K> & KubeObject;

const count = (
  name: string,
  description: string,
  read: (o: View<DaemonSet>) => number | undefined,
): Column<View<DaemonSet>> => ({
  name,
  type: 'integer',
  description,
  priority: 0,
  cell: (o) => read(o) ?? 0,
});

export const APPS_COLUMNS = {
  'statefulsets.apps': [
    nameColumn,
    {
      name: 'Ready',
      type: 'string',
      description: 'Number of the pod with ready state',
      priority: 0,
      cell: (o: View<StatefulSet>) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
    },
    ageColumn,
    ...templateColumns<View<StatefulSet>>((o) => o.spec?.template),
  ] as Column<KubeObject>[],
  'daemonsets.apps': [
    nameColumn,
    count(
      'Desired',
      'The desired number of nodes that should be running the daemon pod.',
      (o) => o.status?.desiredNumberScheduled,
    ),
    count(
      'Current',
      'The number of nodes running at least one daemon pod that are supposed to.',
      (o) => o.status?.currentNumberScheduled,
    ),
    count(
      'Ready',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      (o) => o.status?.numberReady,
    ),
    count(
      'Up-to-date',
      'The total number of nodes that are running updated daemon pod',
      (o) => o.status?.updatedNumberScheduled,
    ),
    count(
      'Available',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
      (o) => o.status?.numberAvailable,
    ),
    {
      name: 'Node Selector',
      type: 'string',
      description: 'NodeSelector is a selector which must be true for the pod to fit on a node.',
      priority: 0,
      cell: (o: View<DaemonSet>) =>
        Object.entries(o.spec?.template?.spec?.nodeSelector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
    ageColumn,
    ...templateColumns<View<DaemonSet>>((o) => o.spec?.template, {
      description: 'A label query over pods that are managed by the daemon set.',
      cell: (o) => selectorToString(o.spec?.selector),
    }),
  ] as Column<KubeObject>[],
  'controllerrevisions.apps': [
    nameColumn,
    {
      name: 'Controller',
      type: 'string',
      description: 'Controller of the object',
      priority: 0,
      cell: (o: KubeObject) => {
        const ref = (o.metadata.ownerReferences as OwnerReference[] | undefined)?.find((r) => r.controller);
        if (!ref) return '<none>';
        const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
        return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
      },
    },
    {
      name: 'Revision',
      type: 'integer',
      description: 'Revision indicates the revision of the state represented by Data.',
      priority: 0,
      cell: (o: View<ControllerRevision>) => o.revision ?? 0,
    },
    ageColumn,
  ] as Column<KubeObject>[],
};
