import type { StatusCause } from '../../apimachinery/errors.ts';
import type {
  CronJob,
  CronJobSpec,
  Job,
  JobCondition,
  JobSpec,
  JobTemplateSpec,
  PodSpec,
  PodTemplateSpec,
} from '../../apimachinery/generated/kinds.ts';
import type { ObjectView } from '../../apimachinery/object.ts';
import { age } from '../../apimachinery/printers.ts';
import { selectorFromObject, selectorToString } from '../../apimachinery/selectors.ts';
import { parseCronSchedule, timeZoneError } from './cron-schedule.ts';
import { templateColumns, type Column } from '../columns.ts';

// batch/v1 Job and CronJob as kube-apiserver serves them: the defaults and
// generated selector of a new Job, validation (with what an update may
// change), and the columns of `kubectl get jobs` / `kubectl get cronjobs`.
// The pod template itself is validated by validation.ts as every pod spec is.

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
const LEGACY_JOB_NAME_LABEL = 'job-name';

/** Most indexes an Indexed Job may have, and most pods it may run at once (kube-apiserver's limits). */
const MAX_INDEXED_COMPLETIONS = 100_000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_EXIT_CODE_VALUES = 255;
/** A CronJob's name leaves room for the 11-character suffix of the Jobs it creates. */
const MAX_CRONJOB_NAME = 52;

type Causes = StatusCause[];
type Unchecked = Record<string, unknown> | null | undefined;
const unchecked = (value: unknown) =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;

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
const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  field,
});
/** A cause about a whole part, whose value would say nothing (field.OmitValueType upstream). */
const invalidNoValue = (field: string, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${detail}`,
  field,
});
const forbidden = (field: string, message: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${message}`,
  field,
});

const isInt = (v: unknown): v is number => Number.isInteger(v);

function nonNegative(value: unknown, field: string, causes: Causes) {
  if (value === undefined || value === null) return;
  if (!isInt(value) || value < 0) causes.push(bad(field, value, 'must be greater than or equal to 0'));
}

function positive(value: unknown, field: string, causes: Causes) {
  if (value === undefined || value === null) return;
  if (!isInt(value) || value <= 0) causes.push(bad(field, value, 'must be greater than 0'));
}

// ---- defaults ----

/** Defaults of a Job's spec, shared by Jobs and CronJobs' job templates (SetDefaults_Job). */
export function defaultJobSpec(spec: JobSpec, defaultPodSpec: (spec: PodSpec) => void) {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? [])
    for (const pattern of rule.onPodConditions ?? []) pattern.status ||= 'True';
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.spec ??= {} as PodSpec;
  defaultPodSpec(spec.template.spec);
}

/**
 * A new Job's defaults, and unless it asks for a manual selector, its
 * generated selector and pod labels: the controller uid makes its pods match
 * this Job only, the job name is for people.
 */
export function defaultJob(job: Job, defaultPodSpec: (spec: PodSpec) => void) {
  const spec = (job.spec ??= {} as JobSpec);
  defaultJobSpec(spec, defaultPodSpec);
  job.status ??= {};
  if (spec.manualSelector === true) return;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const template = spec.template as PodTemplateSpec & { metadata: NonNullable<PodTemplateSpec['metadata']> };
  const labels = (template.metadata.labels ??= {});
  labels[LEGACY_JOB_NAME_LABEL] ??= name;
  labels[JOB_NAME_LABEL] ??= name;
  labels[LEGACY_CONTROLLER_UID_LABEL] ??= uid;
  labels[CONTROLLER_UID_LABEL] ??= uid;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  matchLabels[CONTROLLER_UID_LABEL] ??= uid;
}

export function defaultCronJob(cronJob: CronJob, defaultPodSpec: (spec: PodSpec) => void) {
  const spec = (cronJob.spec ??= {} as CronJobSpec);
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const template = (spec.jobTemplate ??= {} as JobTemplateSpec);
  defaultJobSpec((template.spec ??= {} as JobSpec), defaultPodSpec);
  cronJob.status ??= {};
}

// ---- validation ----

function validateRestartPolicy(template: Unchecked, field: string, causes: Causes) {
  const policy = unchecked(template?.spec)?.restartPolicy;
  if (policy === 'OnFailure' || policy === 'Never') return;
  if (policy === undefined || policy === '')
    causes.push(required(`${field}.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  else causes.push(notSupported(`${field}.spec.restartPolicy`, policy, ['OnFailure', 'Never']));
}

function validatePodFailurePolicy(value: unknown, spec: Unchecked, field: string, causes: Causes) {
  if (value === undefined || value === null) return;
  const policy = unchecked(value);
  const rules: unknown = policy?.rules;
  if (!Array.isArray(rules)) return causes.push(required(`${field}.rules`));
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES)
    causes.push({
      reason: 'FieldValueTooMany',
      message: `Too many: ${rules.length}: must have at most ${MAX_POD_FAILURE_POLICY_RULES} items`,
      field: `${field}.rules`,
    });
  const restartPolicy = unchecked(unchecked(spec?.template)?.spec)?.restartPolicy;
  if (restartPolicy !== 'Never')
    causes.push(
      bad(
        'spec.template.spec.restartPolicy',
        restartPolicy,
        'only "Never" is supported when podFailurePolicy is specified',
      ),
    );
  rules.forEach((entry: unknown, i: number) => {
    const rule = unchecked(entry);
    const f = `${field}.rules[${i}]`;
    const actions = ['Count', 'FailJob', 'Ignore'];
    if (rule?.action === undefined || rule.action === '') causes.push(required(`${f}.action`));
    else if (!actions.includes(rule.action as string)) causes.push(notSupported(`${f}.action`, rule.action, actions));
    const onExitCodes = unchecked(rule?.onExitCodes);
    const onPodConditions: unknown = rule?.onPodConditions;
    const hasConditions = Array.isArray(onPodConditions) && onPodConditions.length > 0;
    if (onExitCodes && hasConditions)
      causes.push(invalidNoValue(f, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    else if (!onExitCodes && !hasConditions)
      causes.push(invalidNoValue(f, 'specifying one of OnExitCodes and OnPodConditions is required'));
    if (onExitCodes) {
      const ops = ['In', 'NotIn'];
      if (onExitCodes.operator === undefined || onExitCodes.operator === '')
        causes.push(required(`${f}.onExitCodes.operator`));
      else if (!ops.includes(onExitCodes.operator as string))
        causes.push(notSupported(`${f}.onExitCodes.operator`, onExitCodes.operator, ops));
      const values: unknown = onExitCodes.values;
      if (!Array.isArray(values) || values.length === 0) causes.push(required(`${f}.onExitCodes.values`));
      else {
        if (values.length > MAX_EXIT_CODE_VALUES)
          causes.push({
            reason: 'FieldValueTooMany',
            message: `Too many: ${values.length}: must have at most ${MAX_EXIT_CODE_VALUES} items`,
            field: `${f}.onExitCodes.values`,
          });
        let previous: number | undefined;
        values.forEach((v: unknown, j: number) => {
          const vf = `${f}.onExitCodes.values[${j}]`;
          if (!isInt(v)) return causes.push(bad(vf, v, 'must be an integer'));
          if (previous !== undefined && v === previous)
            causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${v}`, field: vf });
          else if (previous !== undefined && v < previous) causes.push(bad(vf, v, 'must be ordered'));
          if (v === 0 && onExitCodes.operator === 'In') causes.push(bad(vf, v, 'must not be 0 for the In operator'));
          previous = v;
        });
      }
    }
    if (Array.isArray(onPodConditions))
      onPodConditions.forEach((entry: unknown, j: number) => {
        const pattern = unchecked(entry);
        const pf = `${f}.onPodConditions[${j}]`;
        if (typeof pattern?.type !== 'string' || !pattern.type) causes.push(required(`${pf}.type`));
        const statuses = ['False', 'True', 'Unknown'];
        if (!statuses.includes(pattern?.status as string))
          causes.push(notSupported(`${pf}.status`, pattern?.status, statuses));
      });
  });
}

/** Validates a JobSpec at `field` (spec, or a CronJob's spec.jobTemplate.spec); not its pod spec. */
function validateJobSpec(value: unknown, field: string, causes: Causes) {
  const spec = unchecked(value);
  if (!spec) return causes.push(required(field));
  nonNegative(spec.parallelism, `${field}.parallelism`, causes);
  nonNegative(spec.completions, `${field}.completions`, causes);
  nonNegative(spec.backoffLimit, `${field}.backoffLimit`, causes);
  positive(spec.activeDeadlineSeconds, `${field}.activeDeadlineSeconds`, causes);
  nonNegative(spec.ttlSecondsAfterFinished, `${field}.ttlSecondsAfterFinished`, causes);
  for (const key of ['manualSelector', 'suspend'] as const)
    if (spec[key] !== undefined && spec[key] !== null && typeof spec[key] !== 'boolean')
      causes.push(bad(`${field}.${key}`, spec[key], 'must be a boolean'));
  const modes = ['NonIndexed', 'Indexed'];
  if (spec.completionMode !== undefined && !modes.includes(spec.completionMode as string))
    causes.push(notSupported(`${field}.completionMode`, spec.completionMode, modes));
  if (spec.completionMode === 'Indexed') {
    if (spec.completions === undefined || spec.completions === null)
      causes.push(required(`${field}.completions`, 'when completion mode is Indexed'));
    else if (isInt(spec.completions) && spec.completions > MAX_INDEXED_COMPLETIONS)
      causes.push(
        bad(
          `${field}.completions`,
          spec.completions,
          `must be less than or equal to ${MAX_INDEXED_COMPLETIONS} when completion mode is Indexed`,
        ),
      );
    if (isInt(spec.parallelism) && spec.parallelism > MAX_INDEXED_COMPLETIONS)
      causes.push(
        bad(
          `${field}.parallelism`,
          spec.parallelism,
          `must be less than or equal to ${MAX_INDEXED_COMPLETIONS} when completion mode is Indexed`,
        ),
      );
  }
  const template = unchecked(spec.template);
  if (!template) causes.push(required(`${field}.template`));
  else validateRestartPolicy(template, `${field}.template`, causes);
  validatePodFailurePolicy(spec.podFailurePolicy, spec, `${field}.podFailurePolicy`, causes);
}

/** Every cause of an invalid Job (and, with `old`, of an update that changes what may not change). */
export function validateJob(obj: unknown, old: unknown, causes: Causes) {
  const job = obj as ObjectView<Job>;
  validateJobSpec(job.spec, 'spec', causes);
  const spec = job.spec;
  if (!spec) return;
  const selector = spec.selector;
  const labels = spec.template?.metadata?.labels ?? {};
  if (!selector) causes.push(required('spec.selector'));
  else {
    if (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length)
      causes.push(bad('spec.selector', selector, 'empty selector is invalid for job'));
    else if (!selectorFromObject(selector)(labels))
      causes.push(bad('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
    if (spec.manualSelector !== true) {
      const uid = job.metadata.uid ?? '';
      for (const [key, want] of [
        [LEGACY_CONTROLLER_UID_LABEL, uid],
        [LEGACY_JOB_NAME_LABEL, job.metadata.name],
        [CONTROLLER_UID_LABEL, uid],
        [JOB_NAME_LABEL, job.metadata.name],
      ])
        if (labels[key] !== want)
          causes.push(bad(`spec.template.metadata.labels[${key}]`, labels[key] ?? '', `must be '${want}'`));
      if (!selectorFromObject(selector)({ [LEGACY_CONTROLLER_UID_LABEL]: uid, [CONTROLLER_UID_LABEL]: uid }))
        causes.push(bad('spec.selector', selector, '`selector` not auto-generated'));
    }
  }
  if (old) validateJobUpdate(job, old as ObjectView<Job>, causes);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const immutable = (field: string, value: unknown): StatusCause => bad(field, value, 'field is immutable');

/**
 * What an update may not change (ValidateJobSpecUpdate): the selector, the completion mode, the pod failure
 * policy, completions (except an Indexed Job scaled with completions = parallelism), and the pod template —
 * except, while the Job is suspended and has not started, its labels, annotations, node selector,
 * affinity, tolerations and scheduling gates.
 */
function validateJobUpdate(job: ObjectView<Job>, old: ObjectView<Job>, causes: Causes) {
  const spec = job.spec ?? ({} as JobSpec);
  const was = old.spec ?? ({} as JobSpec);
  if (!same(spec.selector, was.selector)) causes.push(immutable('spec.selector', spec.selector));
  if (!same(spec.completionMode, was.completionMode))
    causes.push(immutable('spec.completionMode', spec.completionMode));
  if (!same(spec.podFailurePolicy, was.podFailurePolicy))
    causes.push(immutable('spec.podFailurePolicy', spec.podFailurePolicy));
  if (!same(spec.completions, was.completions)) {
    const elastic =
      spec.completionMode === 'Indexed' && spec.completions === spec.parallelism && was.completions === was.parallelism;
    if (!elastic) causes.push(immutable('spec.completions', spec.completions));
  }
  if (!same(spec.template, was.template)) {
    const mutableWhileSuspended = was.suspend === true && !old.status?.startTime;
    const strip = (t: PodTemplateSpec | undefined) => {
      const copy = JSON.parse(JSON.stringify(t ?? {})) as PodTemplateSpec;
      if (!mutableWhileSuspended) return copy;
      if (copy.metadata) {
        delete copy.metadata.labels;
        delete copy.metadata.annotations;
      }
      if (copy.spec) {
        delete copy.spec.nodeSelector;
        delete copy.spec.affinity;
        delete copy.spec.tolerations;
        delete (copy.spec as PodSpec & { schedulingGates?: unknown }).schedulingGates;
      }
      return copy;
    };
    if (!same(strip(spec.template), strip(was.template))) causes.push(immutable('spec.template', spec.template));
  }
}

export function validateCronJob(obj: unknown, causes: Causes) {
  const cronJob = obj as ObjectView<CronJob>;
  const name = cronJob.metadata.name;
  if (typeof name === 'string' && name.length > MAX_CRONJOB_NAME)
    causes.push(bad('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME} characters`));
  const spec = unchecked(cronJob.spec);
  if (!spec) return causes.push(required('spec'));
  const timeZone: unknown = spec.timeZone;
  let zoneOk = true;
  if (timeZone !== undefined && timeZone !== null) {
    const error = typeof timeZone === 'string' ? timeZoneError(timeZone) : 'must be a string';
    if (error) {
      zoneOk = false;
      causes.push(bad('spec.timeZone', timeZone, error));
    }
  }
  const schedule: unknown = spec.schedule;
  if (typeof schedule !== 'string' || !schedule.trim()) causes.push(required('spec.schedule'));
  else if (/TZ/.test(schedule))
    causes.push(bad('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  else {
    try {
      parseCronSchedule(schedule, zoneOk && typeof timeZone === 'string' ? timeZone : undefined);
    } catch (err) {
      causes.push(bad('spec.schedule', schedule, (err as Error).message));
    }
  }
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (spec.concurrencyPolicy === undefined || spec.concurrencyPolicy === '')
    causes.push(required('spec.concurrencyPolicy', 'supported values: "Allow", "Forbid", "Replace"'));
  else if (!policies.includes(spec.concurrencyPolicy as string))
    causes.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, policies));
  nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds', causes);
  nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit', causes);
  nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit', causes);
  const template = unchecked(spec.jobTemplate);
  if (!template) return causes.push(required('spec.jobTemplate'));
  validateJobSpec(template.spec, 'spec.jobTemplate.spec', causes);
  const jobSpec = unchecked(template.spec);
  if (jobSpec?.manualSelector === true)
    causes.push(
      forbidden('spec.jobTemplate.spec.manualSelector', '`manualSelector` is not supported in CronJob job templates'),
    );
}

// ---- printing ----

const hasCondition = (conditions: JobCondition[] | undefined, type: string) =>
  (conditions ?? []).some((c) => c.type === type && c.status === 'True');

/** kubectl's STATUS of a Job. */
export function jobStatus(job: ObjectView<Job>): string {
  const conditions = job.status?.conditions;
  if (hasCondition(conditions, 'Complete')) return 'Complete';
  if (hasCondition(conditions, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(conditions, 'Suspended')) return 'Suspended';
  if (hasCondition(conditions, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(conditions, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCompletions(job: ObjectView<Job>): string {
  const succeeded = job.status?.succeeded ?? 0;
  const spec = job.spec;
  if (spec?.completions !== undefined && spec.completions !== null) return `${succeeded}/${spec.completions}`;
  if ((spec?.parallelism ?? 1) > 1) return `${succeeded}/1 of ${spec?.parallelism}`;
  return `${succeeded}/1`;
}

function jobDuration(job: ObjectView<Job>, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime;
  return age(start, end ? Date.parse(end) : now);
}

/** The columns after NAME and before AGE, then the wide ones after AGE: tables.ts frames them. */
export const JOB_COLUMNS = {
  main: [
    { name: 'Status', type: 'string', description: 'Status of the job.', priority: 0, cell: (o) => jobStatus(o) },
    {
      name: 'Completions',
      type: 'string',
      description: 'The completion status of the job.',
      priority: 0,
      cell: (o) => jobCompletions(o),
    },
    {
      name: 'Duration',
      type: 'string',
      description: 'Time required to complete the job.',
      priority: 0,
      cell: (o, now) => jobDuration(o, now),
    },
  ] satisfies Column<ObjectView<Job>>[],
  wide: templateColumns<ObjectView<Job>>((o) => o.spec?.template, {
    description: 'Label selector for pods.',
    cell: (o) => selectorToString(o.spec?.selector) || '<none>',
  }),
};

export const CRONJOB_COLUMNS = {
  main: [
    {
      name: 'Schedule',
      type: 'string',
      description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
      priority: 0,
      cell: (o) => o.spec?.schedule ?? '',
    },
    {
      name: 'Timezone',
      type: 'string',
      description: 'The time zone name for the given schedule.',
      priority: 0,
      cell: (o) => o.spec?.timeZone ?? '<none>',
    },
    {
      name: 'Suspend',
      type: 'boolean',
      description: 'This flag tells the controller to suspend subsequent executions.',
      priority: 0,
      cell: (o) => (o.spec?.suspend ? 'True' : 'False'),
    },
    {
      name: 'Active',
      type: 'integer',
      description: 'A list of pointers to currently running jobs.',
      priority: 0,
      cell: (o) => o.status?.active?.length ?? 0,
    },
    {
      name: 'Last Schedule',
      type: 'date',
      description: 'Information when was the last time the job was successfully scheduled.',
      priority: 0,
      cell: (o, now) => (o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>'),
    },
  ] satisfies Column<ObjectView<CronJob>>[],
  wide: templateColumns<ObjectView<CronJob>>((o) => o.spec?.jobTemplate?.spec?.template, {
    description: 'Label selector for pods.',
    cell: (o) => selectorToString(o.spec?.jobTemplate?.spec?.selector) || '<none>',
  }),
};
