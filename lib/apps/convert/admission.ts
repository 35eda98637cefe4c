import { tooManyRequests, type StatusCause } from '../../apimachinery/errors.ts';
import type { ObjectApi, ValidatingAdmission } from '../../apiserver/object-api.ts';
import type { Config } from '../../config.ts';
import { engineFor, formatOf, isFormat, supportedPairs, type Format } from './engines/formats.ts';
import { isFinished, RESOURCES, type Conversion, type ConversionSpec, type Workflow } from './types.ts';

// Admission for the conversion app's kinds: a Conversion is stored only for a pair an engine converts (else a
// 422 naming the pair), its spec never changes once stored, and a namespace holds at most `queueLimit`
// unfinished conversions — one more is a 429 with Retry-After, so the queue stays bounded instead of growing until
// the node falls over. A Workflow is checked step by step through the formats its chain produces.

/** What a client is told to wait before trying again when its queue is full. */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

export function convertAdmission(
  api: ObjectApi,
  services: { config: Pick<Config, 'convertQueueLimit'> },
): Record<string, ValidatingAdmission> {
  const limit = services.config.convertQueueLimit;
  return {
    [RESOURCES.conversions]: (_t, obj, old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      const conversion = obj as Conversion;
      if (old) {
        const before = JSON.stringify((old as Conversion).spec);
        return before === JSON.stringify(conversion.spec)
          ? []
          : [cause('spec', undefined, 'a conversion cannot be changed once created; create another')];
      }
      const causes = pairCauses(conversion.spec, 'spec');
      if (causes.length) return causes;
      const namespace = obj.metadata.namespace ?? '';
      const queued = (api.cache.list(RESOURCES.conversions, namespace).items as Conversion[]).filter(
        (c) => !isFinished(c),
      ).length;
      if (queued >= limit)
        throw tooManyRequests(
          `the conversion queue of namespace "${namespace}" is full (${queued} of ${limit} unfinished); retry after ${QUEUE_RETRY_AFTER_SECONDS} s`,
          QUEUE_RETRY_AFTER_SECONDS,
        );
      return [];
    },
    [RESOURCES.workflows]: (_t, obj, old, subresource) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      const workflow = obj as Workflow;
      if (old && JSON.stringify((old as Workflow).spec) !== JSON.stringify(workflow.spec))
        return [cause('spec', undefined, 'a workflow cannot be changed once created; create another')];
      return workflowCauses(workflow);
    },
  };
}

function pairCauses(spec: Pick<ConversionSpec, 'input' | 'target'>, path: string): StatusCause[] {
  const from = formatOf(spec.input.filename);
  if (!from)
    return [cause(`${path}.input.filename`, spec.input.filename, `the extension names no format the pipeline reads`)];
  if (!isFormat(spec.target)) return [cause(`${path}.target`, spec.target, 'not a known format')];
  if (!engineFor(from, spec.target)) return [cause(`${path}.target`, spec.target, unsupported(from, spec.target))];
  return [];
}

export function unsupported(from: Format, to: string): string {
  const targets = supportedPairs()
    .filter((p) => p.from === from)
    .map((p) => p.to);
  return `converting ${from} to ${to} is not supported${targets.length ? ` (${from} converts to ${targets.join(', ')})` : ''}`;
}

function workflowCauses(workflow: Workflow): StatusCause[] {
  const produced = new Map<string, Format>();
  const input = formatOf(workflow.spec.input.filename);
  if (!input)
    return [
      cause('spec.input.filename', workflow.spec.input.filename, 'the extension names no format the pipeline reads'),
    ];
  for (const [i, step] of workflow.spec.steps.entries()) {
    const path = `spec.steps[${i}]`;
    if (produced.has(step.name)) return [cause(`${path}.name`, step.name, 'two steps have this name')];
    const from = step.from === undefined ? input : produced.get(step.from);
    if (!from) return [cause(`${path}.from`, step.from, 'names no earlier step')];
    if (!isFormat(step.target)) return [cause(`${path}.target`, step.target, 'not a known format')];
    if (!engineFor(from, step.target)) return [cause(`${path}.target`, step.target, unsupported(from, step.target))];
    produced.set(step.name, step.target);
  }
  return [];
}

const cause = (field: string, value: unknown, message: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: value === undefined ? `Invalid value: ${message}` : `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});
