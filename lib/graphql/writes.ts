import { ApiError, badRequest, isApiError } from '../apimachinery/errors.ts';
import { clone } from '../apimachinery/meta.ts';
import type { KubeObject } from '../apimachinery/object.ts';
import type { ResourceType } from '../apimachinery/registry.ts';
import { requesterOptions } from '../apiserver/requester.ts';
import { withCustomScale } from '../apiserver/crd/resource.ts';
import { fieldValidationParam } from '../apiserver/decode.ts';
import { checkFieldManager } from '../apiserver/http/handler.ts';
import type { DeleteOptions } from '../apiserver/object-api.ts';
import type { GraphqlContext } from './context.ts';
import type { WriteArgs } from './schema/mutations.ts';

// GraphQL's writes, made as the REST handler makes them (lib/apiserver/http/handler.ts): authorized with the
// same verb, namespace and name; through the same ObjectApi methods with the same admission (RBAC escalation,
// service account roles), decoding (fieldValidation, warnings) and validation; and recorded in the audit trail,
// one event per write, allowed or refused.

type Verb = 'create' | 'update' | 'patch' | 'delete';

const PROPAGATION = ['Foreground', 'Background', 'Orphan'];

function namespaceOf(t: ResourceType, args: WriteArgs, body?: unknown): string | undefined {
  if (!t.namespaced) return undefined;
  const fromBody = (body as { metadata?: { namespace?: unknown } } | undefined)?.metadata?.namespace;
  const namespace = args.namespace ?? (typeof fromBody === 'string' ? fromBody : undefined);
  if (!namespace) throw badRequest(`a namespace is required for ${t.plural}`);
  return namespace;
}

function writeOptions(ctx: GraphqlContext, args: WriteArgs, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions') {
  const fieldManager = args.fieldManager ?? 'graphql';
  checkFieldManager(fieldManager);
  return {
    dryRun: args.dryRun ?? false,
    fieldManager,
    fieldValidation: fieldValidationParam(args.fieldValidation ?? null, kind),
    warn: (message: string) => void ctx.warnings.push(message),
    ...requesterOptions(ctx.deps.authorizer, ctx.principal),
  };
}

/** Authorizes, runs and audits one write. */
async function audited<T>(
  ctx: GraphqlContext,
  verb: Verb,
  t: ResourceType,
  target: { namespace?: string; name?: string; subresource?: string },
  requestObject: unknown,
  write: () => Promise<T>,
): Promise<T> {
  const record = (code: number, message?: string, name = target.name) =>
    ctx.deps.audit?.({
      principal: ctx.principal,
      verb,
      resource: { group: t.group, resource: t.plural, ...target, name },
      code,
      message,
      transport: ctx.request.transport,
      sourceIP: ctx.request.sourceIP,
      userAgent: ctx.request.userAgent,
      requestObject,
    });
  try {
    ctx.require(verb, t, target.namespace, target.name, target.subresource);
    const result = await write();
    const created = (result as KubeObject | undefined)?.metadata?.name;
    record(verb === 'create' ? 201 : 200, undefined, target.name ?? created);
    return result;
  } catch (err) {
    record(isApiError(err) ? err.code : 500, isApiError(err) ? err.message : 'internal error');
    throw err;
  }
}

export function createObject(ctx: GraphqlContext, t: ResourceType, args: WriteArgs) {
  const namespace = namespaceOf(t, args, args.body);
  return audited(ctx, 'create', t, { namespace }, args.body, () =>
    ctx.deps.api.create(t, namespace, args.body, writeOptions(ctx, args, 'CreateOptions')),
  );
}

export function replaceObject(ctx: GraphqlContext, t: ResourceType, args: WriteArgs) {
  const namespace = namespaceOf(t, args);
  const name = args.name ?? '';
  return audited(ctx, 'update', t, { namespace, name }, args.body, () =>
    ctx.deps.api.update(t, namespace, name, args.body, undefined, writeOptions(ctx, args, 'UpdateOptions')),
  );
}

export function patchObject(ctx: GraphqlContext, t: ResourceType, args: WriteArgs) {
  const namespace = namespaceOf(t, args);
  const name = args.name ?? '';
  if (args.force !== null && args.force !== undefined)
    throw new ApiError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io is invalid: force: Forbidden: may not be specified for non-apply patch',
      {
        kind: 'PatchOptions.meta.k8s.io',
        causes: [
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: may not be specified for non-apply patch',
            field: 'force',
          },
        ],
      },
    );
  const type = args.type === 'json' || args.type === 'strategic' ? args.type : 'merge';
  return audited(ctx, 'patch', t, { namespace, name }, args.patch, () =>
    ctx.deps.api.patch(t, namespace, name, type, args.patch, undefined, writeOptions(ctx, args, 'PatchOptions')),
  );
}

/** Server-side apply: fieldManager is required, and creating the object needs `create` too (as serveApply). */
export function applyObject(ctx: GraphqlContext, t: ResourceType, args: WriteArgs) {
  const namespace = namespaceOf(t, args);
  const name = args.name ?? '';
  if (!args.fieldManager)
    throw badRequest('fieldManager is required for apply requests', [
      { reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' },
    ]);
  return audited(ctx, 'patch', t, { namespace, name }, args.patch, async () => {
    if (!ctx.deps.api.peek(t, namespace, name)) ctx.require('create', t, namespace);
    const { fieldManager, fieldValidation, warn, dryRun, admit, user } = writeOptions(ctx, args, 'PatchOptions');
    const { object } = await ctx.deps.api.apply(t, namespace, name, args.patch, {
      fieldManager,
      fieldValidation,
      warn,
      dryRun,
      admit,
      user,
      force: args.force ?? false,
    });
    return object;
  });
}

export function deleteObject(ctx: GraphqlContext, t: ResourceType, args: WriteArgs) {
  const namespace = namespaceOf(t, args);
  const name = args.name ?? '';
  const policy = args.propagationPolicy ?? undefined;
  if (policy !== undefined && !PROPAGATION.includes(policy))
    throw badRequest(`propagationPolicy must be Foreground, Background or Orphan (got ${JSON.stringify(policy)})`);
  const grace = args.gracePeriodSeconds ?? undefined;
  if (grace !== undefined && grace < 0)
    throw badRequest(`gracePeriodSeconds must be a non-negative integer (got ${grace})`);
  const options: DeleteOptions = {
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    gracePeriodSeconds: grace,
    dryRun: args.dryRun ?? false,
  };
  return audited(ctx, 'delete', t, { namespace, name }, undefined, async () => {
    const { object } = await ctx.deps.api.delete(t, namespace, name, options);
    return object;
  });
}

/** PUT …/scale with spec.replicas: the REST handler's checks, answered with the scaled object. */
export function scaleObject(ctx: GraphqlContext, t: ResourceType, args: WriteArgs) {
  const namespace = namespaceOf(t, args);
  const name = args.name ?? '';
  const replicas = args.replicas ?? -1;
  return audited(ctx, 'update', t, { namespace, name, subresource: 'scale' }, { spec: { replicas } }, async () => {
    if (!Number.isInteger(replicas) || replicas < 0)
      throw new ApiError(
        422,
        'Invalid',
        `Scale "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
        {
          kind: 'Scale',
          name,
          causes: [
            { reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' },
          ],
        },
      );
    const current = ctx.deps.api.get(t, namespace, name);
    const next = t.crd ? withCustomScale(t, current, replicas) : clone(current);
    if (!t.crd) (next.spec as { replicas?: number }).replicas = replicas;
    return ctx.deps.api.replace(t, current, next, undefined, {
      dryRun: args.dryRun ?? false,
      fieldManager: 'graphql',
      subresource: 'scale',
      user: requesterOptions(ctx.deps.authorizer, ctx.principal).user,
    });
  });
}
