import { forbidden, tooManyRequests, type StatusCause } from '../../apimachinery/errors.ts';
import type { ObjectMeta } from '../../apimachinery/generated/kinds.ts';
import type { KubeObject } from '../../apimachinery/object.ts';
import type { ObjectApi, RequestUser, ValidatingAdmission } from '../../apiserver/object-api.ts';
import type { Config } from '../../config.ts';
import { engineFor, formatOf, isFormat, supportedPairs, type Format } from './engines/formats.ts';
import { namedIn } from './file-access.ts';
import { fileStoreFor } from './status.ts';
import type { FileStore } from './storage.ts';
import {
  isFinished,
  REQUESTED_BY,
  requesterOf,
  RESOURCES,
  type Conversion,
  type ConversionSpec,
  type FileRef,
  type Workflow,
} from './types.ts';

// Admission for the conversion app's kinds: a Conversion is stored only for a pair an engine converts (else a
// 422 naming the pair), its spec never changes once stored, and each user holds at most `queueLimit` unfinished
// conversions across the cluster — one more is a 429 with Retry-After, so the queue stays bounded instead of
// growing until the node falls over. A Workflow is checked step by step through the formats its chain produces.
//
// Who asks is recorded here: an API write's user is stamped into the REQUESTED_BY annotation (one naming someone
// else is refused, and it never changes afterwards), and the platform's own writes (a workflow's steps, which the
// controller attributes to the workflow's requester) keep what they set. A user may name a file as input only if
// they uploaded it, or if a Conversion or Workflow of the same namespace already names it (as input or output):
// files are shared through namespaces, like everything else (file-access.ts; downloads follow the same rule).

/** What a client is told to wait before trying again when its queue is full. */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

export function convertAdmission(
  api: ObjectApi,
  services: {
    config: Pick<Config, 'convertQueueLimit' | 'convertDir' | 'convertQuotaMb' | 'convertExpiryHours'>;
  },
): Record<string, ValidatingAdmission> {
  const limit = services.config.convertQueueLimit;
  const files = fileStoreFor(services.config);
  return {
    [RESOURCES.conversions]: (_t, obj, old, subresource, user) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      const conversion = obj as Conversion;
      const requester = requestedBy(obj, old, user);
      if (typeof requester !== 'string') return requester;
      if (old) {
        const before = JSON.stringify((old as Conversion).spec);
        return before === JSON.stringify(conversion.spec)
          ? []
          : [cause('spec', undefined, 'a conversion cannot be changed once created; create another')];
      }
      const causes = pairCauses(conversion.spec, 'spec');
      if (causes.length) return causes;
      if (user) {
        const refusal = inputRefusal(api, files, conversion.spec.input, obj.metadata.namespace ?? '', user);
        if (refusal) return refusal;
      }
      if (!requester) return [];
      const queued = (api.cache.list(RESOURCES.conversions).items as Conversion[]).filter(
        (c) => !isFinished(c) && requesterOf(c) === requester,
      ).length;
      if (queued >= limit)
        throw tooManyRequests(
          `the conversion queue of user "${requester}" is full (${queued} of ${limit} unfinished); retry after ${QUEUE_RETRY_AFTER_SECONDS} s`,
          QUEUE_RETRY_AFTER_SECONDS,
        );
      return [];
    },
    [RESOURCES.workflows]: (_t, obj, old, subresource, user) => {
      if (subresource || obj.metadata.deletionTimestamp) return [];
      const workflow = obj as Workflow;
      const requester = requestedBy(obj, old, user);
      if (typeof requester !== 'string') return requester;
      if (old && JSON.stringify((old as Workflow).spec) !== JSON.stringify(workflow.spec))
        return [cause('spec', undefined, 'a workflow cannot be changed once created; create another')];
      const causes = workflowCauses(workflow);
      if (causes.length || old || !user) return causes;
      return inputRefusal(api, files, workflow.spec.input, obj.metadata.namespace ?? '', user) ?? [];
    },
  };
}

const REQUESTED_BY_FIELD = `metadata.annotations[${REQUESTED_BY}]`;

/**
 * Who the object is counted for, stamped into its REQUESTED_BY annotation on an API write: the user on a create (a
 * value naming anyone else is a 422), the stored value on an update (changing it is a 422; leaving it out keeps
 * it). The platform's own writes keep what they set. Answers the requester ('' for none), or the causes refusing it.
 */
function requestedBy(
  obj: KubeObject,
  old: KubeObject | undefined,
  user: RequestUser | undefined,
): string | StatusCause[] {
  const given = requesterOf(obj);
  if (!user) return given ?? '';
  const stored = old ? requesterOf(old) : user.username;
  if (given !== undefined && given !== stored)
    return [
      cause(
        REQUESTED_BY_FIELD,
        given,
        old
          ? `set by the server to the user who created the object (${stored ?? 'none'}); it cannot be changed`
          : `set by the server to the user who creates the object (${user.username})`,
      ),
    ];
  // The one thing this admission writes: a fresh annotations object, as the stored version may share the old one.
  if (stored !== undefined && given === undefined)
    obj.metadata.annotations = { ...(obj.metadata as ObjectMeta).annotations, [REQUESTED_BY]: stored };
  return stored ?? '';
}

/**
 * Why `user` may not convert `input` in `namespace` (a 403), or undefined when they may: they uploaded the file,
 * or a Conversion or Workflow of the namespace names it already. A file not in the store is a 422.
 */
function inputRefusal(
  api: ObjectApi,
  files: FileStore,
  input: FileRef,
  namespace: string,
  user: RequestUser,
): StatusCause[] | undefined {
  const record = files.recordSync(input.digest);
  if (!record)
    return [cause('spec.input.digest', input.digest, 'no such file in the store (never uploaded, or expired)')];
  if (record.owners?.includes(user.username)) return undefined;
  const named = namedIn(api, namespace, input.digest);
  if (named) return undefined;
  throw forbidden(
    `file "${input.digest}" is not ${user.username}'s: it was uploaded by another user and no conversion or workflow in namespace "${namespace}" uses it`,
  );
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
